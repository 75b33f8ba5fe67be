import pytest

from shamy.commons.testing import build_commons_scene


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def commons_scene(programme_cast):
    return build_commons_scene(programme_cast)
