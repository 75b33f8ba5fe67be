from __future__ import annotations

import io
import zipfile

import pytest
from PIL import Image

from shamy.portfolios import uploads
from shamy.portfolios.poster import text_pdf


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (43.0, 15.0, 30.0)
    gps[3] = "E"
    gps[4] = (76.0, 57.0, 0.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def office_zip(parts: dict[str, str], first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if first:
            archive.writestr("mimetype", first)
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def test_jpeg_with_gps_is_accepted_and_cleaned_of_all_exif():
    data = jpeg_with_gps()
    assert Image.open(io.BytesIO(data)).getexif().get_ifd(0x8825)  # the source really has GPS
    checked = uploads.check_upload(data)
    assert (checked.kind, checked.mime) == (uploads.IMAGE, "image/jpeg")
    cleaned = uploads.clean_image(data)
    stored = Image.open(io.BytesIO(cleaned.content))
    assert not stored.getexif()
    assert "exif" not in stored.info
    assert Image.open(io.BytesIO(cleaned.thumbnail)).size[0] <= uploads.THUMBNAIL_SIDE


def test_text_file_named_pdf_is_rejected():
    with pytest.raises(uploads.UploadRejected):
        uploads.check_upload(b"This is plain text pretending to be report.pdf\n" * 10)


def test_real_pdf_is_accepted():
    assert uploads.check_upload(text_pdf("Есеп", ["Әрекеттік зерттеу"])).kind == uploads.PDF


def test_docx_structure_is_recognised_whatever_the_name():
    data = office_zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
    checked = uploads.check_upload(data)
    assert (checked.kind, checked.extension) == (uploads.DOCUMENT, "docx")


def test_odt_structure_is_recognised():
    data = office_zip({"content.xml": "<office:document-content/>"}, first="application/vnd.oasis.opendocument.text")
    assert uploads.check_upload(data).extension == "odt"


def test_plain_zip_is_rejected():
    with pytest.raises(uploads.UploadRejected):
        uploads.check_upload(office_zip({"notes.txt": "hello"}))


def test_oversized_image_is_rejected_with_the_limit():
    with pytest.raises(uploads.UploadRejected, match="10"):
        uploads.check_upload(jpeg_with_gps(), declared_size=11 * uploads.MEGABYTE)


def test_png_stays_png_without_metadata():
    image = Image.new("RGBA", (20, 20), (0, 0, 255, 128))
    out = io.BytesIO()
    image.save(out, format="PNG", pnginfo=None)
    cleaned = uploads.clean_image(out.getvalue())
    assert cleaned.extension == "png"
    assert Image.open(io.BytesIO(cleaned.content)).format == "PNG"


def test_truncated_png_is_refused_with_a_message_not_a_crash():
    data = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x00\x80"  # found by hypothesis: Pillow raised UnicodeDecodeError
    assert uploads.check_upload(data).kind == uploads.IMAGE
    with pytest.raises(uploads.UploadRejected):
        uploads.clean_image(data)
