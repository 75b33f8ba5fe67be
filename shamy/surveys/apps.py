from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "shamy.surveys"
    label = "surveys"
