import pytest

from shamy.surveys.testing import build_survey_scene


@pytest.fixture
def survey_scene(programme_cast):
    return build_survey_scene(programme_cast)


@pytest.fixture
def world(programme_cast, survey_scene):
    """(cast, scene) for matrices."""
    return survey_scene
