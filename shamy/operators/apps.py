from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    name = "shamy.operators"
    label = "operators"
    verbose_name = "School operators"
