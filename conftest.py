import pytest
from hypothesis import settings as hypothesis_settings

from shamy.core.testing.cast import Cast, build_cast
from shamy.programmes.testing import ProgrammeCast, Scene, build_programme_cast, build_scene

# Property tests check properties, not speed: on a shared CI machine one example can take longer
# than hypothesis's default 200 ms deadline, which would make a correct test flaky.
hypothesis_settings.register_profile("shamy", deadline=None)
hypothesis_settings.load_profile("shamy")


@pytest.fixture
def cast(db) -> Cast:
    """The foundation personas and places (``shamy.core.testing.cast``)."""
    return build_cast()


@pytest.fixture
def programme_cast(cast) -> ProgrammeCast:
    """Every persona: the foundation cast plus programme P (cohorts A, B), programme Q and their
    people (``shamy.programmes.testing``; ``ALL_PERSONAS`` lists them)."""
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


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # argon2 is deliberately slow; tests that do not test hashing use a fast hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (kk), as a request without a language prefix
    does: the active language belongs to the thread, so a test that activates another one would
    otherwise leak it into whichever test runs next (a selector called directly then names
    districts in English)."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's standalone S3 server on a free loopback port, for this test process
    (``shamy.core.testing.s3``)."""
    from shamy.core.testing.s3 import moto_server

    with moto_server() as endpoint:
        yield endpoint


@pytest.fixture
def s3_bucket(s3_endpoint, settings):
    """A fresh private bucket, made the default storage for this test."""
    from shamy.core.testing.s3 import new_bucket

    bucket = new_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": bucket.storage}
    return bucket


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A matrix's shared world (``shamy.core.testing.shared``) lives only while its cases run."""
    yield
    from shamy.core.testing.shared import close_unless_continued

    close_unless_continued(nextitem)
