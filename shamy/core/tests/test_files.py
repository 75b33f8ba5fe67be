"""The one upload path: checking by content, cleaning images, storing and serving."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.utils import translation
from PIL import Image

from shamy.core import files
from shamy.core.testing.files import jpeg_with_gps, office_zip, png_bytes
from shamy.portfolios.poster import text_pdf
from shamy.portfolios.services.evidence import EVIDENCE_POLICY

IMAGES_AND_PDF = files.UploadPolicy(
    types=frozenset({"image/jpeg", "image/png", "application/pdf"}),
    limits={files.IMAGE: 1 * files.MEGABYTE, files.PDF: 2 * files.MEGABYTE},
    not_accepted="Only photos and PDFs.",
)


def test_jpeg_with_gps_is_accepted_and_cleaned_of_all_exif():
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the source really has GPS
    checked = files.check_upload(data, policy=EVIDENCE_POLICY)
    assert (checked.kind, checked.mime) == (files.IMAGE, "image/jpeg")
    cleaned = files.clean_image(data)
    stored = Image.open(io.BytesIO(cleaned.content))
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert Image.open(io.BytesIO(cleaned.thumbnail)).size[0] <= files.THUMBNAIL_SIDE


def test_text_file_named_pdf_is_rejected():
    with pytest.raises(files.UploadRejected):
        files.check_upload(b"This is plain text pretending to be report.pdf\n" * 10, policy=EVIDENCE_POLICY)


def test_real_pdf_is_accepted():
    assert files.check_upload(text_pdf("Есеп", ["Әрекеттік зерттеу"]), policy=EVIDENCE_POLICY).kind == files.PDF


def test_docx_structure_is_recognised_whatever_the_name():
    data = office_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    checked = files.check_upload(data, policy=EVIDENCE_POLICY)
    assert (checked.kind, checked.extension) == (files.DOCUMENT, "docx")


def test_odt_structure_is_recognised():
    data = office_zip({"content.xml": "<office:document-content/>"}, first="application/vnd.oasis.opendocument.text")
    assert files.check_upload(data, policy=EVIDENCE_POLICY).extension == "odt"


def test_plain_zip_is_rejected():
    with pytest.raises(files.UploadRejected):
        files.check_upload(office_zip({"notes.txt": "hello"}), policy=EVIDENCE_POLICY)


def test_oversized_image_is_rejected_with_the_limit():
    with pytest.raises(files.UploadRejected, match="10"):
        files.check_upload(jpeg_with_gps(), policy=EVIDENCE_POLICY, declared_size=11 * files.MEGABYTE)


def test_png_stays_png_without_metadata():
    image = Image.new("RGBA", (20, 20), (0, 0, 255, 128))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=None)
    cleaned = files.clean_image(out.getvalue())
    assert cleaned.extension == "png"
    assert Image.open(io.BytesIO(cleaned.content)).format == "PNG"


def test_truncated_png_is_refused_with_a_message_not_a_crash():
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00\x80"  # found by hypothesis: Pillow raised UnicodeDecodeError
    assert files.check_upload(data, policy=EVIDENCE_POLICY).kind == files.IMAGE
    with pytest.raises(files.UploadRejected):
        files.clean_image(data)


# --- Policies -------------------------------------------------------------------------------------


def test_a_policy_refuses_types_it_does_not_list_with_its_own_message():
    docx = office_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    for data in (docx, b"GIF89a" + b"\x00" * 40, b"plain text, renamed photo.jpg"):
        with pytest.raises(files.UploadRejected, match="Only photos and PDFs."):
            files.check_upload(data, policy=IMAGES_AND_PDF)


def test_each_kind_has_its_own_limit():
    pdf = text_pdf("Есеп", ["мәтін"])
    assert files.check_upload(pdf, policy=IMAGES_AND_PDF, declared_size=int(1.5 * files.MEGABYTE)).kind == files.PDF
    with translation.override("en"), pytest.raises(files.UploadRejected, match="the limit is 1 MB"):
        files.check_upload(jpeg_with_gps(), policy=IMAGES_AND_PDF, declared_size=int(1.5 * files.MEGABYTE))


def test_a_policy_must_give_a_limit_for_every_kind_it_accepts():
    with pytest.raises(ValueError, match="audio"):
        files.UploadPolicy(types=frozenset({"audio/mpeg"}), limits={files.IMAGE: 1}, not_accepted="x")
    with pytest.raises(ValueError, match="text/html"):
        files.UploadPolicy(types=frozenset({"text/html"}), limits={files.IMAGE: 1}, not_accepted="x")


def test_rejections_are_translated():
    with translation.override("ru"), pytest.raises(files.UploadRejected) as error:
        files.check_upload(b"", policy=IMAGES_AND_PDF)
    assert str(error.value) != "The file is empty."
    with translation.override("kk"), pytest.raises(files.UploadRejected) as error:
        files.check_upload(jpeg_with_gps(), policy=IMAGES_AND_PDF, declared_size=5 * files.MEGABYTE)
    assert "limit" not in str(error.value) and "5.0" in str(error.value)


def test_prepare_upload_refuses_an_oversize_file_before_reading_it():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (2 * files.MEGABYTE))
    with translation.override("en"), pytest.raises(files.UploadRejected, match="larger than 2 MB"):
        files.prepare_upload(upload, policy=IMAGES_AND_PDF)


def test_prepare_upload_cleans_images_and_keeps_other_bytes():
    photo = files.prepare_upload(SimpleUploadedFile("x.pdf", jpeg_with_gps()), policy=IMAGES_AND_PDF)
    assert (photo.kind, photo.mime, photo.extension) == (files.IMAGE, "image/jpeg", "jpg")
    assert not Image.open(io.BytesIO(photo.content)).getexif()
    assert photo.thumbnail is None and photo.size == len(photo.content)
    with_thumbnail = files.prepare_upload(SimpleUploadedFile("p.png", png_bytes()), policy=EVIDENCE_POLICY)
    assert with_thumbnail.thumbnail and with_thumbnail.mime == "image/png"
    pdf = text_pdf("Есеп", ["мәтін"])
    assert files.prepare_upload(SimpleUploadedFile("r.pdf", pdf), policy=IMAGES_AND_PDF).content == pdf


# --- Serving ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "inline", "expected"),
    [
        ("gatherings/3/agenda.pdf", False, 'attachment; filename="agenda.pdf"'),
        ("photo.jpg", True, 'inline; filename="photo.jpg"'),
        (
            "gatherings/3/Күн тәртібі.pdf",
            False,
            'attachment; filename="file.pdf"; '
            "filename*=UTF-8''%D0%9A%D2%AF%D0%BD%20%D1%82%D3%99%D1%80%D1%82%D1%96%D0%B1%D1%96.pdf",
        ),
        ('a"b\\c;\r\nd.pdf', False, 'attachment; filename="cd.pdf"'),
        ("..", False, 'attachment; filename="file"'),
    ],
)
def test_content_disposition_names_the_file_safely(name, inline, expected):
    assert files.content_disposition(name, inline=inline) == expected


@pytest.fixture
def memory_storage(settings):
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"}}


def _material_with_file(name: str, content: bytes):
    from shamy.attendance.models import Material

    material = Material(pk=7, gathering_id=3, title="t", content_type="application/pdf", size=len(content))
    files.store_file(material.file, content, name=name)
    return material


def test_file_response_streams_from_storage_sandboxed_and_named(memory_storage):
    material = _material_with_file("Жоспар.pdf", b"%PDF-1.4 body")
    assert material.file.name.startswith("gatherings/3/")
    response = files.file_response(material, material.file, content_type="application/pdf")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 body"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="file.pdf"; filename*=UTF-8')
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, no-cache"


def test_file_response_serves_only_a_file_of_the_checked_saved_object(memory_storage):
    from shamy.attendance.models import Material

    material = _material_with_file("a.pdf", b"%PDF-1.4")
    other = Material(pk=8, gathering_id=3)
    with pytest.raises(ValueError, match="checked"):
        files.file_response(other, material.file, content_type="application/pdf")
    material.pk = None
    with pytest.raises(ValueError, match="checked"):
        files.file_response(material, material.file, content_type="application/pdf")


def test_file_response_of_a_missing_file_is_404(memory_storage):
    material = _material_with_file("gone.pdf", b"%PDF-1.4")
    material.file.storage.delete(material.file.name)
    with pytest.raises(Http404):
        files.file_response(material, material.file, content_type="application/pdf")
