from django.apps import AppConfig
from django.db.backends.signals import connection_created


def _register_sqlite_functions(sender, connection, **kwargs) -> None:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite":
        from shamy.core.text import kazakh_collate

        connection.connection.create_collation("shamy_kk", kazakh_collate)


class CoreConfig(AppConfig):
    name = "shamy.core"
    label = "core"

    def ready(self) -> None:
        from shamy.core import checks  # noqa: F401  (registers the system checks)

        connection_created.connect(_register_sqlite_functions, dispatch_uid="shamy_sqlite_functions")
