from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    name = "shamy.attendance"
    label = "attendance"
