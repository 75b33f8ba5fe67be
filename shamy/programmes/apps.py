from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "shamy.programmes"
    label = "programmes"
