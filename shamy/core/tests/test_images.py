"""A small image cannot become a huge job (issue 12, point 2).

Images are refused from their header above ``UPLOAD_IMAGE_MAX_PIXELS`` (also Pillow's
``Image.MAX_IMAGE_PIXELS``) with a message that says so, JPEGs are decoded already reduced, and
only a bounded number of images are decoded at once.
"""

from __future__ import annotations

import io
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image, ImageFile

from shamy.core import files
from shamy.core.testing.files import png_bomb, png_bytes, png_header

# Pillow warns about pictures between its limit and twice that; clean_image refuses them anyway.
pytestmark = pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")

POLICY = files.UploadPolicy(
    types=frozenset(files.IMAGE_TYPES),
    limits={files.IMAGE: 10 * files.MEGABYTE},
    not_accepted="Upload a photo.",
)


def _refusal(data: bytes, language: str = "en") -> str:
    with pytest.raises(files.UploadRejected) as caught, translation.override(language):
        files.clean_image(data)
    return str(caught.value)


def test_pillow_limit_is_the_upload_limit(settings):
    assert settings.UPLOAD_IMAGE_MAX_PIXELS == 25_000_000
    assert Image.MAX_IMAGE_PIXELS == settings.UPLOAD_IMAGE_MAX_PIXELS


def test_a_7000_by_7000_png_is_refused_as_too_large_not_decoded():
    data = png_bomb(7000, 7000)
    assert len(data) < 200_000  # a small file ...
    assert _refusal(data) == "This image is too large: 49 megapixels; the limit is 25 megapixels."


def test_a_decompression_bomb_is_refused_as_too_large_not_as_damaged():
    # 100 megapixels: over twice Pillow's limit, so Pillow itself refuses it while reading the header.
    assert _refusal(png_header(10_000, 10_000)) == (
        "This image is too large: 100 megapixels; the limit is 25 megapixels."
    )


def test_the_size_is_judged_from_the_header_before_any_pixel_is_decoded(monkeypatch):
    # WeasyPrint, once imported, tells Pillow to accept truncated images; this test needs the default.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", False)
    # The pixel data is garbage: decoding would fail as "damaged"; the header alone refuses it.
    assert "too large: 30 megapixels" in _refusal(png_header(6000, 5000))
    # Within the limit the same garbage is decoded, and refused as damaged.
    assert _refusal(png_header(100, 100)) == "This image is damaged and cannot be read."


def test_the_limit_is_a_setting(settings):
    settings.UPLOAD_IMAGE_MAX_PIXELS = 1_000_000
    assert _refusal(png_bytes((2000, 1000))) == "This image is too large: 2 megapixels; the limit is 1 megapixels."
    settings.UPLOAD_IMAGE_MAX_PIXELS = 2_000_000
    assert files.clean_image(png_bytes((2000, 1000))).width == 2000


@pytest.mark.parametrize(
    ("language", "expected"), [("ru", "100 Мп при пределе 25 Мп"), ("kk", "100 мегапиксель; шегі 25 мегапиксель")]
)
def test_the_refusal_is_translated(language, expected):
    assert expected in _refusal(png_header(10_000, 10_000), language)


def test_prepare_upload_refuses_a_bomb_with_the_same_message():
    upload = SimpleUploadedFile("photo.png", png_bomb(7000, 7000), content_type="image/png")
    with pytest.raises(files.UploadRejected, match="49 мегапиксель; шегі 25"):  # Kazakh by default
        files.prepare_upload(upload, policy=POLICY)


def test_a_large_jpeg_is_decoded_already_reduced():
    out = io.BytesIO()
    Image.new("L", (4900, 3300), 128).save(out, format="JPEG")
    with Image.open(io.BytesIO(out.getvalue())) as opened:
        files.decode_reduced(opened)
        assert opened.size == (2450, 1650)  # decoded at half scale, still above the stored size
        opened.load()
        assert opened.size == (2450, 1650)
    cleaned = files.clean_image(out.getvalue())
    assert (cleaned.width, cleaned.height) == (2400, 1616)


def test_a_jpeg_at_the_stored_size_is_decoded_in_full():
    out = io.BytesIO()
    Image.new("RGB", (2400, 1600), (10, 20, 30)).save(out, format="JPEG")
    with Image.open(io.BytesIO(out.getvalue())) as opened:
        files.decode_reduced(opened)
        assert opened.size == (2400, 1600)


def test_images_are_decoded_a_bounded_number_at_once(settings):
    settings.UPLOAD_IMAGE_DECODE_SLOTS = 2
    settings.UPLOAD_IMAGE_DECODE_WAIT_SECONDS = 0
    release = threading.Event()
    holding = threading.Barrier(3)

    def hold() -> None:
        with files.decode_turn():
            holding.wait(timeout=5)
            release.wait(5)

    threads = [threading.Thread(target=hold) for _ in range(2)]
    for thread in threads:
        thread.start()
    holding.wait(timeout=5)  # both slots are taken
    try:
        assert _refusal(png_bytes()) == "The server is busy processing other images. Please try again in a minute."
    finally:
        release.set()
        for thread in threads:
            thread.join()
    assert files.clean_image(png_bytes()).width == 20  # the slots are free again
