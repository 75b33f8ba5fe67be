import pytest


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(settings, tmp_path):
    # Uploaded import files go to a per-test folder, not the developer's var/media.
    settings.MEDIA_ROOT = tmp_path / "media"
