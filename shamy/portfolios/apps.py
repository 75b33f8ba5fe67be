from django.apps import AppConfig


class PortfoliosConfig(AppConfig):
    name = "shamy.portfolios"
    label = "portfolios"
