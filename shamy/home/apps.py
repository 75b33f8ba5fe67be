from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The top layer: pages that bring several apps together (the start page, the bench baselines)."""

    name = "shamy.home"
    label = "home"
