import pytest

from shamy.programmes.testing import ProgrammeCast, build_programme_cast


@pytest.fixture
def programme_cast(cast) -> ProgrammeCast:
    """The foundation cast plus programme P (cohorts A, B), programme Q and their people."""
    return build_programme_cast(cast)
