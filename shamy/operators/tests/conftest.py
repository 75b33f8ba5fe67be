import pytest

from shamy.operators.tests.scene import OperatorScene, build_operator_scene


@pytest.fixture
def operator_scene(programme_cast) -> OperatorScene:
    return build_operator_scene(programme_cast)
