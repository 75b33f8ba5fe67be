from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "shamy.analytics"
    label = "analytics"
