"""Pages are gzipped for slow rural links (GZipMiddleware, shamy/settings.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_pages_are_compressed_for_slow_links(client, cast):
    import gzip

    client.force_login(cast.dana)
    url = reverse("registry:school-list")
    plain = client.get(url)
    compressed = client.get(url, headers={"accept-encoding": "gzip"})
    assert "Content-Encoding" not in plain
    assert compressed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in compressed["Vary"]
    page = gzip.decompress(compressed.content).decode()
    assert cast.school_a1.name_kk in page
    assert len(compressed.content) < len(plain.content) / 2


def test_pages_are_gzipped_at_level_4_with_the_breach_padding(client, cast):
    """shamy/core/compression.py: the same page text, zlib level 4, Django's random-length file name
    in the gzip header (against BREACH), and Django's handling of what is not compressed."""
    import gzip
    import re
    import zlib

    from shamy.core.compression import LEVEL, compress

    client.force_login(cast.dana)
    url = reverse("registry:school-list")
    plain = client.get(url).content
    compressed = client.get(url, headers={"accept-encoding": "gzip"})
    body = compressed.content
    assert compressed["Content-Length"] == str(len(body))
    text = gzip.decompress(body)
    tokens = re.compile(rb"[A-Za-z0-9+/_-]{20,}={0,2}")  # CSRF tokens and CSP nonces
    assert tokens.sub(b"", text) == tokens.sub(b"", plain)  # the same page, its tokens aside
    assert body[3] & gzip.FNAME  # the padding's file name
    assert LEVEL == 4
    # The deflate stream after the header and the file name is zlib's at level 4.
    deflated = body[body.index(b"\x00", 10) + 1 : -8]
    expected = zlib.compressobj(4, zlib.DEFLATED, -zlib.MAX_WBITS)
    assert deflated == expected.compress(text) + expected.flush()
    # The padding varies: two compressions of one text are not all the same length.
    assert len({len(compress(plain, max_random_bytes=100)) for _ in range(20)}) > 1
    assert compress(plain, max_random_bytes=0) == gzip.compress(plain, compresslevel=4, mtime=0)
    # Short responses are left alone (Django's rule), and a client not asking gets the text.
    assert "Content-Encoding" not in client.get(reverse("health:healthz"), headers={"accept-encoding": "gzip"})
