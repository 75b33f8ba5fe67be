from django.apps import AppConfig


class ResultsConfig(AppConfig):
    name = "shamy.results"
    label = "results"
