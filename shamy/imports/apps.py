from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "shamy.imports"
    label = "imports"
