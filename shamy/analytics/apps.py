from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "shamy.analytics"
    label = "analytics"

    def ready(self) -> None:
        from shamy.analytics import signals
        from shamy.analytics.selectors import threshold
        from shamy.core.suppression import register_threshold

        signals.connect()
        register_threshold(threshold)
