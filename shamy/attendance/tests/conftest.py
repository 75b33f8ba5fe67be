from shamy.programmes.tests.conftest import programme_cast, scene

__all__ = ["programme_cast", "scene"]
