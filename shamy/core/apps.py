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
        _limit_image_pixels()


def _limit_image_pixels() -> None:
    """Pillow's own decompression-bomb limit is the uploads' limit (shamy/core/files.py), so no
    code path decodes a larger picture than an upload may hold."""
    from django.conf import settings
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = settings.UPLOAD_IMAGE_MAX_PIXELS
