import pytest

from shamy.programmes.testing import ProgrammeCast, Scene, build_programme_cast, build_scene


@pytest.fixture
def programme_cast(cast) -> ProgrammeCast:
    """The foundation cast plus programme P (cohorts A, B), programme Q and their people."""
    return build_programme_cast(cast)


@pytest.fixture
def scene(programme_cast, settings, tmp_path) -> Scene:
    """Gatherings, a material, a presentation and an invitation on top of the programme cast."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    return build_scene(programme_cast)
