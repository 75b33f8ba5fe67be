from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "shamy.api"
    label = "api"
