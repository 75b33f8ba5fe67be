"""Every uploaded file goes through here: checked, cleaned, stored and served the same way.

One use of uploads (portfolio evidence, gathering materials, and later CVs, survey attachments,
knowledge-commons items) declares an :class:`UploadPolicy`: the content types it accepts and the
largest file of each kind. Then:

* :func:`prepare_upload` reads the upload, decides its type from its CONTENT (never its name or
  the browser's claim: ``filetype`` reads the magic bytes and zip containers are opened to check
  the parts that make an OOXML or ODF document what it says it is), enforces the size limit and
  re-encodes images from their pixels, which drops EXIF (camera, time, GPS location) and any
  other metadata; the EXIF orientation is applied to the pixels first so photos stand upright.
  An image is refused from its header, before any pixel is decoded, when it has more than
  ``UPLOAD_IMAGE_MAX_PIXELS`` (also Pillow's ``Image.MAX_IMAGE_PIXELS``, set at start-up); a
  JPEG is decoded already reduced (``Image.draft``) to about the stored size, and at most
  ``UPLOAD_IMAGE_DECODE_SLOTS`` images are decoded at once in a process (issue 12).
  A refusal raises :class:`UploadRejected` whose text is a translated message for the user.
* :func:`store_file` writes the prepared bytes through the model field's storage (Django's
  storage API), so moving to object storage is a settings change.
* :func:`file_response` serves a stored file of an object the caller has ALREADY fetched through
  its access-checked getter, with a safe ``Content-Disposition``, ``nosniff`` and a CSP sandbox so
  the browser never runs it as a page.
"""

from __future__ import annotations

import io
import math
import re
import threading
import unicodedata
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import filetype
from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db.models import Model
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from PIL import Image, ImageOps

MEGABYTE = 1024 * 1024

# Kinds: families of content types that share a size limit and a label.
IMAGE = "image"
PDF = "pdf"
DOCUMENT = "document"
AUDIO = "audio"
KIND_LABELS = {
    IMAGE: gettext_lazy("photo"),
    PDF: gettext_lazy("PDF"),
    DOCUMENT: gettext_lazy("office document"),
    AUDIO: gettext_lazy("audio recording"),
}

# Content type -> extension, by kind. A policy picks from these.
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp", "image/gif": "gif"}
PDF_TYPES = {"application/pdf": "pdf"}
OOXML_PARTS = {
    "word/document.xml": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
    "xl/workbook.xml": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "ppt/presentation.xml": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"),
}
OOXML_TYPES = {mime: extension for mime, extension in OOXML_PARTS.values()}
ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
    "application/vnd.oasis.opendocument.presentation": "odp",
}
# Pre-2007 binary Office files (OLE containers): recognised by their header only.
LEGACY_OFFICE_TYPES = {"application/msword": "doc", "application/vnd.ms-powerpoint": "ppt"}
AUDIO_TYPES = {
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
_KIND_OF_TYPE = {
    **dict.fromkeys(IMAGE_TYPES, IMAGE),
    **dict.fromkeys(PDF_TYPES, PDF),
    **dict.fromkeys([*OOXML_TYPES, *ODF_TYPES, *LEGACY_OFFICE_TYPES], DOCUMENT),
    **dict.fromkeys(AUDIO_TYPES, AUDIO),
}
_EXTENSION_OF_TYPE = {**IMAGE_TYPES, **PDF_TYPES, **OOXML_TYPES, **ODF_TYPES, **LEGACY_OFFICE_TYPES, **AUDIO_TYPES}
ZIP_TYPES = {"application/zip", *ODF_TYPES, *OOXML_TYPES}
# A zip that unpacks to more than this, or holds more entries, is refused (a "zip bomb").
ZIP_MAX_UNCOMPRESSED = 200 * MEGABYTE
ZIP_MAX_ENTRIES = 5000
# Images: the largest picture decoded is the setting UPLOAD_IMAGE_MAX_PIXELS (25 megapixels by
# default, above any phone camera's photo); see clean_image.
STORED_IMAGE_MAX_SIDE = 2400
THUMBNAIL_SIDE = 320


class UploadRejected(ValueError):
    """The file cannot be accepted; ``str(error)`` is a translated message for the user."""


@dataclass(frozen=True)
class UploadPolicy:
    """What one use of uploads accepts.

    ``types``: the accepted content types (keys of the ``*_TYPES`` tables above), decided from
    the content. ``limits``: the largest file in bytes for each kind of those types.
    ``not_accepted``: the message shown for any other content; it should say what to upload.
    ``thumbnail``: whether images also get a small JPEG preview.
    """

    types: frozenset[str]
    limits: Mapping[str, int]
    not_accepted: str | Promise
    thumbnail: bool = False
    max_bytes: int = field(init=False)

    def __post_init__(self) -> None:
        unknown = self.types - _KIND_OF_TYPE.keys()
        if unknown:
            raise ValueError(f"Unknown content types: {sorted(unknown)}")
        without_limit = {_KIND_OF_TYPE[mime] for mime in self.types} - self.limits.keys()
        if without_limit:
            raise ValueError(f"No size limit for kinds: {sorted(without_limit)}")
        object.__setattr__(self, "max_bytes", max(self.limits.values()))


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    mime: str
    extension: str
    size: int


@dataclass(frozen=True)
class CleanImage:
    content: bytes
    thumbnail: bytes
    width: int
    height: int
    extension: str


@dataclass(frozen=True)
class PreparedUpload:
    """Checked and cleaned bytes, ready for :func:`store_file`."""

    content: bytes
    kind: str
    mime: str
    extension: str
    thumbnail: bytes | None = None

    @property
    def size(self) -> int:
        return len(self.content)


# --- Checking -----------------------------------------------------------------------------------


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
        if declared in ODF_TYPES and "content.xml" in names:
            return declared, ODF_TYPES[declared]
    if "[Content_Types].xml" in names:
        for part, (mime, extension) in OOXML_PARTS.items():
            if part in names:
                return mime, extension
    raise UploadRejected(_("Zip archives are not accepted; upload the documents themselves."))


def check_upload(data: bytes, *, policy: UploadPolicy, declared_size: int | None = None) -> CheckedUpload:
    """Decide what ``data`` really is and whether ``policy`` accepts it.

    Raises :class:`UploadRejected` with a message for the user when the file is empty, its
    content is not one of the policy's types, or it is over the limit for its kind.
    """
    size = declared_size if declared_size is not None else len(data)
    if not data:
        raise UploadRejected(_("The file is empty."))
    guess = filetype.guess(data[:8192])
    mime = guess.mime if guess is not None else ""
    if mime in ZIP_TYPES and policy.types & ZIP_TYPES:
        mime, _extension = _zip_document(data)
    if mime not in policy.types:
        raise UploadRejected(str(policy.not_accepted))
    kind = _KIND_OF_TYPE[mime]
    limit = policy.limits[kind]
    if size > limit:
        raise UploadRejected(
            _("This %(kind)s is %(size)s MB; the limit is %(limit)s MB.")
            % {"kind": KIND_LABELS[kind], "size": round(size / MEGABYTE, 1), "limit": limit // MEGABYTE}
        )
    return CheckedUpload(kind=kind, mime=mime, extension=_EXTENSION_OF_TYPE[mime], size=size)


# --- Cleaning -----------------------------------------------------------------------------------


_decode_lock = threading.Lock()
_decode_slots: tuple[int, threading.BoundedSemaphore] | None = None


def _slots() -> threading.BoundedSemaphore:
    """The process's image-decoding slots, as many as ``UPLOAD_IMAGE_DECODE_SLOTS``."""
    global _decode_slots
    size = max(1, settings.UPLOAD_IMAGE_DECODE_SLOTS)
    with _decode_lock:
        if _decode_slots is None or _decode_slots[0] != size:
            _decode_slots = (size, threading.BoundedSemaphore(size))
        return _decode_slots[1]


@contextmanager
def decode_turn() -> Iterator[None]:
    """Wait for one of the decoding slots (each decoded image may take up to 100 MB); refuse
    the upload as "busy" after ``UPLOAD_IMAGE_DECODE_WAIT_SECONDS``."""
    slots = _slots()
    if not slots.acquire(timeout=settings.UPLOAD_IMAGE_DECODE_WAIT_SECONDS):
        raise UploadRejected(_("The server is busy processing other images. Please try again in a minute."))
    try:
        yield
    finally:
        slots.release()


def _too_many_pixels(pixels: int | None) -> UploadRejected:
    limit = round(settings.UPLOAD_IMAGE_MAX_PIXELS / 1_000_000)
    if pixels is None:
        return UploadRejected(_("This image is too large: the limit is %(limit)s megapixels.") % {"limit": limit})
    return UploadRejected(
        _("This image is too large: %(pixels)s megapixels; the limit is %(limit)s megapixels.")
        % {"pixels": max(1, round(pixels / 1_000_000)), "limit": limit}
    )


_BOMB_PIXELS = re.compile(r"\((\d+) pixels\)")


def clean_image(data: bytes) -> CleanImage:
    """Re-encode an image from its pixels: no EXIF, no GPS, no comments; plus a JPEG thumbnail.

    JPEG stays JPEG, everything else becomes PNG (animated GIFs keep their first frame).
    Large photos are scaled down to ``STORED_IMAGE_MAX_SIDE`` on the long side. An image with
    more than ``UPLOAD_IMAGE_MAX_PIXELS`` is refused from its header, saying how large it is; a
    damaged or hostile image raises :class:`UploadRejected`.
    """
    try:
        with Image.open(io.BytesIO(data)) as opened:
            # Only the header has been read: refuse before a single pixel is decoded.
            if opened.width * opened.height > settings.UPLOAD_IMAGE_MAX_PIXELS:
                raise _too_many_pixels(opened.width * opened.height)
            with decode_turn():
                return _clean_image(opened)
    except UploadRejected:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow refuses pictures over twice its MAX_IMAGE_PIXELS while reading the header (and
        # over once, where warnings are errors).
        found = _BOMB_PIXELS.search(str(error))
        raise _too_many_pixels(int(found.group(1)) if found else None) from error
    except Exception as error:
        # Image decoders fed untrusted bytes fail in many ways (OSError, ValueError, SyntaxError,
        # struct.error, UnicodeDecodeError...): a damaged upload is refused with a message,
        # never a server error.
        raise UploadRejected(_("This image is damaged and cannot be read.")) from error


def decode_reduced(opened: Image.Image) -> None:
    """Ask the decoder for no more pixels than will be stored: a JPEG is then decoded already
    scaled down by 1/2, 1/4 or 1/8 while still at least the stored size (a 24-megapixel photo
    takes a quarter of the memory or less). Other formats decode at full size."""
    ratio = min(1.0, STORED_IMAGE_MAX_SIDE / max(opened.width, opened.height))
    opened.draft(None, (max(1, math.ceil(opened.width * ratio)), max(1, math.ceil(opened.height * ratio))))


def _clean_image(opened: Image.Image) -> CleanImage:
    source_format = opened.format
    decode_reduced(opened)
    opened.thumbnail((STORED_IMAGE_MAX_SIDE, STORED_IMAGE_MAX_SIDE))
    # After the scaling: the EXIF orientation is kept in the image's info, and the box is square.
    upright = ImageOps.exif_transpose(opened)
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


def prepare_upload(upload: File[Any], *, policy: UploadPolicy) -> PreparedUpload:
    """Read, check and clean an uploaded file under ``policy``.

    A file over the policy's largest limit is refused before it is read. Images come back
    re-encoded without metadata (and with a thumbnail if the policy asks for one). Raises
    :class:`UploadRejected`.
    """
    if upload.size is not None and upload.size > policy.max_bytes:
        raise UploadRejected(_("The file is larger than %(limit)s MB.") % {"limit": policy.max_bytes // MEGABYTE})
    upload.seek(0)
    data = upload.read()
    checked = check_upload(data, policy=policy)
    if checked.kind != IMAGE:
        return PreparedUpload(content=data, kind=checked.kind, mime=checked.mime, extension=checked.extension)
    cleaned = clean_image(data)
    return PreparedUpload(
        content=cleaned.content,
        kind=IMAGE,
        mime="image/jpeg" if cleaned.extension == "jpg" else "image/png",
        extension=cleaned.extension,
        thumbnail=cleaned.thumbnail if policy.thumbnail else None,
    )


# --- Storing ------------------------------------------------------------------------------------


def store_file(field_file: FieldFile, content: bytes, *, name: str) -> str:
    """Write ``content`` through the field's storage (its ``upload_to`` decides the final name)
    without saving the model; returns the stored name. Never touches the file system directly.
    """
    field_file.save(name, ContentFile(content), save=False)
    return str(field_file.name)


# --- Serving ------------------------------------------------------------------------------------

_UNSAFE_IN_NAME = re.compile(r"[^A-Za-z0-9._ -]+")


def safe_filename(name: str, *, default: str = "file") -> str:
    """The last path component of ``name`` without control characters or quotes, at most 150
    characters (the extension kept)."""
    base = re.split(r"[/\\]", name or "")[-1]
    base = "".join(char for char in base if unicodedata.category(char)[0] != "C" and char not in '"\\;')
    base = base.strip(" .") or default
    if len(base) > 150:
        stem, dot, extension = base.rpartition(".")
        base = stem[: 150 - len(extension) - 1] + dot + extension if dot and len(extension) <= 10 else base[:150]
    return base


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """An RFC 6266 ``Content-Disposition`` value: an ASCII ``filename`` every browser reads, plus
    ``filename*`` in UTF-8 when the name is not plain ASCII (Kazakh and Russian names)."""
    disposition = "inline" if inline else "attachment"
    name = safe_filename(filename)
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = name, ""
    fallback_stem = _UNSAFE_IN_NAME.sub("_", stem).strip("_ ") or "file"
    fallback = fallback_stem + (f".{_UNSAFE_IN_NAME.sub('', extension)}" if extension else "")
    if fallback == name:
        return f'{disposition}; filename="{name}"'
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(
    checked: Model,
    field_file: FieldFile,
    *,
    content_type: str,
    filename: str | None = None,
    inline: bool = False,
    max_age: int | None = None,
) -> FileResponse:
    """Stream ``field_file`` of ``checked`` from its storage as a download.

    ``checked`` is the object the caller got from its access-checked getter
    (``<noun>_get_for_user``) and any further permission check; ``field_file`` must belong to
    it, so nothing but a stored file of an already-checked object can be served. The response
    never runs as a page (``Content-Security-Policy: sandbox``, ``nosniff``), is cached only by
    the user's browser, and names the file safely (``filename`` or the stored name). A missing
    file is a 404. On object storage the bytes stream from the private bucket through the app;
    no bucket URL is ever given out (docs/architecture.md, "Files on object storage").
    """
    if field_file.instance is not checked or checked.pk is None:
        raise ValueError("file_response serves a file of the checked, saved object only")
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(filename or str(field_file.name), inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    # Whatever it contains, an uploaded file is never run as a page: no scripts, no plugins,
    # no loads, no forms, an opaque origin.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = f"private, max-age={max_age}" if max_age else "private, no-cache"
    return response
