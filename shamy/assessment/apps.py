from django.apps import AppConfig


class AssessmentConfig(AppConfig):
    name = "shamy.assessment"
    label = "assessment"
