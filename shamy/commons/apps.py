from django.apps import AppConfig


class CommonsConfig(AppConfig):
    name = "shamy.commons"
    label = "commons"
