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
