import pytest

from shamy.operators.tests.scene import OperatorScene, build_operator_scene


@pytest.fixture
def operator_scene(programme_cast) -> OperatorScene:
    return build_operator_scene(programme_cast)


@pytest.fixture(autouse=True)
def _english_messages():
    """Service tests match English messages: whatever language an earlier test left active."""
    from django.utils import translation

    with translation.override("en"):
        yield
