import pytest

from shamy.fellowship.tests.world import FellowshipCast, build_fellowship_cast


@pytest.fixture
def fellowship_cast(cast) -> FellowshipCast:
    """The foundation cast plus fellowship programme F (``shamy.fellowship.tests.world``)."""
    return build_fellowship_cast(cast)
