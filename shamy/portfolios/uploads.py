"""Checking and cleaning uploaded evidence. Pure functions: bytes in, verdicts and bytes out.

The type of a file is decided by its CONTENT, never by its name or the browser's claim:
``filetype`` reads the magic bytes, and zip containers (OOXML .docx/.xlsx/.pptx, ODF
.odt/.ods/.odp) are opened to check the parts that make them what they say they are. A text
file renamed ``report.pdf`` is rejected.

Images are re-encoded from their pixels only, which drops EXIF (camera, time, GPS location)
and any other metadata a phone camera wrote; the orientation recorded in EXIF is applied to
the pixels first so photos still stand upright.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import filetype
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

MEGABYTE = 1024 * 1024

IMAGE = "image"
PDF = "pdf"
DOCUMENT = "document"
AUDIO = "audio"

# The largest file accepted for each family. Rural connections are slow; these fit a lesson
# recording, a scanned report or a phone photo, not a film.
SIZE_LIMITS = {IMAGE: 10 * MEGABYTE, PDF: 20 * MEGABYTE, DOCUMENT: 20 * MEGABYTE, AUDIO: 30 * MEGABYTE}
KIND_LABELS = {
    IMAGE: gettext_lazy("photo"),
    PDF: gettext_lazy("PDF"),
    DOCUMENT: gettext_lazy("office document"),
    AUDIO: gettext_lazy("audio recording"),
}

IMAGE_MIMES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
AUDIO_MIMES = {
    "audio/mpeg": "mp3",
    "audio/ogg": "ogg",
    "audio/x-wav": "wav",
    "audio/wav": "wav",
    "audio/m4a": "m4a",
    "audio/mp4": "m4a",
    "audio/aac": "aac",
    "audio/x-flac": "flac",
    "audio/amr": "amr",
}
OOXML_PARTS = {
    "word/document.xml": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/workbook.xml": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/presentation.xml": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
ODF_MIMES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
ZIP_MIMES = {"application/zip", *ODF_MIMES, *(mime for mime, _ext in OOXML_PARTS.values())}
# A zip that unpacks to more than this, or holds more entries, is refused (a "zip bomb").
ZIP_MAX_UNCOMPRESSED = 200 * MEGABYTE
ZIP_MAX_ENTRIES = 5000
# Decompression-bomb guard for images: more pixels than a 50-megapixel camera is refused.
IMAGE_MAX_PIXELS = 50_000_000
STORED_IMAGE_MAX_SIDE = 2400
THUMBNAIL_SIDE = 320


class UploadRejected(ValueError):
    """The file cannot be accepted; ``str(error)`` is a translated message for the user."""


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    mime: str
    extension: str
    size: int


def _zip_document(data: bytes) -> tuple[str, str]:
    """The (mime, extension) of an office document inside a zip container, or UploadRejected."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise UploadRejected(_("This file looks like an office document but is damaged.")) from error
    if len(entries) > ZIP_MAX_ENTRIES or sum(entry.file_size for entry in entries) > ZIP_MAX_UNCOMPRESSED:
        raise UploadRejected(_("This document unpacks to far more data than it holds; it was refused."))
    names = {entry.filename for entry in entries}
    if entries and entries[0].filename == "mimetype":
        declared = archive.read("mimetype").decode("ascii", "replace").strip()
        if declared in ODF_MIMES and "content.xml" in names:
            return declared, ODF_MIMES[declared]
    if "[Content_Types].xml" in names:
        for part, (mime, extension) in OOXML_PARTS.items():
            if part in names:
                return mime, extension
    raise UploadRejected(_("Zip archives are not accepted; upload the documents themselves."))


def check_upload(data: bytes, *, declared_size: int | None = None) -> CheckedUpload:
    """Decide what ``data`` really is and whether it may be stored as evidence.

    Raises :class:`UploadRejected` with a message for the user when the type is not accepted,
    the content does not match any accepted type, or the file is over its size limit.
    """
    size = declared_size if declared_size is not None else len(data)
    if not data:
        raise UploadRejected(_("The file is empty."))
    guess = filetype.guess(data[:8192])
    mime = guess.mime if guess is not None else ""
    if mime in IMAGE_MIMES:
        kind, extension = IMAGE, IMAGE_MIMES[mime]
    elif mime == "application/pdf":
        kind, extension = PDF, "pdf"
    elif mime in ZIP_MIMES:
        kind = DOCUMENT
        mime, extension = _zip_document(data)
    elif mime in AUDIO_MIMES:
        kind, extension = AUDIO, AUDIO_MIMES[mime]
    else:
        raise UploadRejected(
            _(
                "This kind of file is not accepted. Upload a photo (JPEG, PNG, WebP), a PDF, an office "
                "document (DOCX, XLSX, PPTX, ODT) or an audio recording; for a video, add a link instead."
            )
        )
    limit = SIZE_LIMITS[kind]
    if size > limit:
        raise UploadRejected(
            _("This %(kind)s is %(size)s MB; the limit is %(limit)s MB.")
            % {"kind": KIND_LABELS[kind], "size": round(size / MEGABYTE, 1), "limit": limit // MEGABYTE}
        )
    return CheckedUpload(kind=kind, mime=mime, extension=extension, size=size)


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    thumbnail: bytes
    width: int
    height: int
    extension: str


def clean_image(data: bytes) -> CleanImage:
    """Re-encode an image from its pixels: no EXIF, no GPS, no comments; plus a JPEG thumbnail.

    JPEG stays JPEG, everything else becomes PNG (animated GIFs keep their first frame).
    Large photos are scaled down to ``STORED_IMAGE_MAX_SIDE`` on the long side. A damaged or
    hostile image raises :class:`UploadRejected`.
    """
    try:
        return _clean_image(data)
    except UploadRejected:
        raise
    except Exception as error:
        # Image decoders fed untrusted bytes fail in many ways (OSError, ValueError, SyntaxError,
        # struct.error, UnicodeDecodeError, DecompressionBombError...): a damaged upload is
        # refused with a message, never a server error.
        raise UploadRejected(_("This image is damaged and cannot be read.")) from error


def _clean_image(data: bytes) -> CleanImage:
    with Image.open(io.BytesIO(data)) as opened:
        if opened.width * opened.height > IMAGE_MAX_PIXELS:
            raise UploadRejected(_("This image is too large in pixels to process."))
        source_format = opened.format
        opened.load()
        upright = ImageOps.exif_transpose(opened)
    upright.thumbnail((STORED_IMAGE_MAX_SIDE, STORED_IMAGE_MAX_SIDE))
    as_jpeg = source_format == "JPEG"
    mode = "RGB" if as_jpeg else ("RGBA" if upright.mode in {"RGBA", "LA", "P"} else "RGB")
    # A fresh image holds only pixels: nothing from the source's info dictionary carries over.
    pixels = Image.new(mode, upright.size)
    pixels.paste(upright.convert(mode))
    stored = io.BytesIO()
    if as_jpeg:
        pixels.save(stored, format="JPEG", quality=85, optimize=True)
    else:
        pixels.save(stored, format="PNG", optimize=True)
    thumbnail = pixels.convert("RGB")
    thumbnail.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    thumb_bytes = io.BytesIO()
    thumbnail.save(thumb_bytes, format="JPEG", quality=80)
    return CleanImage(
        content=stored.getvalue(),
        thumbnail=thumb_bytes.getvalue(),
        width=pixels.width,
        height=pixels.height,
        extension="jpg" if as_jpeg else "png",
    )
