"""Materials go through the one upload path (``core.files``): checked by content, photos cleaned of
EXIF and GPS, served as sandboxed downloads. Through the real views, as the gathering's lead."""

from __future__ import annotations

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from shamy.attendance.models import Material
from shamy.attendance.services.gatherings import MATERIAL_POLICY, MAX_MATERIAL_BYTES
from shamy.core.testing.files import jpeg_with_gps

pytestmark = pytest.mark.django_db
GPS_IFD = 0x8825


def _upload(client, gathering, upload):
    response = client.post(reverse("attendance:material-upload", args=[gathering.pk]), {"file": upload})
    assert response.status_code == 302
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_photo_material_is_stored_and_served_without_exif_or_gps(client, programme_cast, scene):
    source = jpeg_with_gps()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(GPS_IFD)  # the upload really carries GPS
    client.force_login(programme_cast.timur)  # leads the session, so may add materials
    _upload(client, scene.session_a1, SimpleUploadedFile("IMG_0042.jpg", source, content_type="image/jpeg"))
    material = Material.objects.get(gathering=scene.session_a1, title="IMG_0042")
    assert material.content_type == "image/jpeg" and material.size == material.file.size

    client.force_login(programme_cast.talgat)  # a participant downloads it
    response = client.get(reverse("attendance:material-download", args=[material.pk]))
    assert response.status_code == 200
    served = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert served.format == "JPEG" and served.size == (64, 48)
    assert not served.getexif()
    assert GPS_IFD not in served.getexif() and not served.getexif().get_ifd(GPS_IFD)
    assert "exif" not in served.info
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Content-Disposition"].startswith('attachment; filename="IMG_0042')


def test_existing_pdf_material_downloads_as_a_sandboxed_attachment(client, programme_cast, scene):
    client.force_login(programme_cast.talgat)
    response = client.get(reverse("attendance:material-download", args=[scene.material.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{scene.material.file.name.rsplit("/", 1)[-1]}"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


@pytest.mark.parametrize("name", ["lesson-plan.pdf", "board.jpg"])
def test_text_renamed_to_pdf_or_jpg_is_refused_with_a_clear_message(client, programme_cast, scene, name):
    client.force_login(programme_cast.timur)
    text = SimpleUploadedFile(name, "Бұл жай мәтін, PDF емес.\n".encode() * 20, content_type="application/pdf")
    shown = _upload(client, scene.session_a1, text)
    with translation.override(programme_cast.timur.language):
        assert shown == [str(MATERIAL_POLICY.not_accepted)]
    assert not Material.objects.filter(gathering=scene.session_a1).exclude(pk=scene.material.pk).exists()


def test_oversize_material_is_refused_with_the_limit(client, programme_cast, scene):
    programme_cast.timur.language = "en"
    programme_cast.timur.save(update_fields=["language"])
    client.force_login(programme_cast.timur)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * MAX_MATERIAL_BYTES, content_type="application/pdf")
    assert _upload(client, scene.session_a1, big) == ["The file is larger than 20 MB."]
    assert not Material.objects.filter(gathering=scene.session_a1).exclude(pk=scene.material.pk).exists()
