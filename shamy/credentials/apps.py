from django.apps import AppConfig


class CredentialsConfig(AppConfig):
    name = "shamy.credentials"
    label = "credentials"
