"""Evidence photos: a decompression bomb is refused as too large, not as damaged (issue 12)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from shamy.core.testing.files import png_bomb
from shamy.portfolios.models import Evidence
from shamy.portfolios.services import evidence
from shamy.portfolios.tests.conftest import make_project

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
]


def test_a_7000_by_7000_evidence_photo_is_refused_with_its_size(programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    upload = SimpleUploadedFile("board.png", png_bomb(7000, 7000), content_type="image/png")
    with pytest.raises(ValidationError) as error, translation.override("en"):
        evidence.evidence_add(actor=cast.talgat, project=project, title="Тақта", upload=upload)
    assert error.value.message_dict["file"] == ["This image is too large: 49 megapixels; the limit is 25 megapixels."]
    assert not Evidence.objects.exists()
