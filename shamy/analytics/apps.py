from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "shamy.analytics"
    label = "analytics"

    def ready(self) -> None:
        from shamy.analytics import signals

        signals.connect()
