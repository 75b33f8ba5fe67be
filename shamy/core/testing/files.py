"""Files for upload tests, built in memory."""

from __future__ import annotations

import io
import zipfile

from PIL import Image


def jpeg_with_gps() -> bytes:
    """A small JPEG whose EXIF holds a camera make and a GPS position (IFD 0x8825)."""
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


def png_bytes(size: tuple[int, int] = (20, 20)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (0, 120, 60)).save(out, format="PNG")
    return out.getvalue()


def office_zip(parts: dict[str, str], first: str | None = None) -> bytes:
    """A zip with the given parts; ``first`` is written as an ODF ``mimetype`` entry before them."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        if first:
            archive.writestr("mimetype", first)
        for name, text in parts.items():
            archive.writestr(name, text)
    return out.getvalue()


def png_header(width: int, height: int) -> bytes:
    """A PNG whose header says ``width`` x ``height`` but whose pixel data is garbage: an image
    refused from its header is never decoded (decoding it would say "damaged")."""
    import struct
    import zlib

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"not pixels") + chunk(b"IEND", b"")


def png_bomb(width: int, height: int) -> bytes:
    """A real, valid one-bit PNG of ``width`` x ``height`` that compresses to a few hundred KB."""
    out = io.BytesIO()
    Image.new("1", (width, height), 0).save(out, format="PNG")
    return out.getvalue()
