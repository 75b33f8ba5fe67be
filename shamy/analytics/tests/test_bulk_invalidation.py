"""Bulk loads bypass model signals; they must still make the cached analytics panels stale."""

from __future__ import annotations

import pytest

from shamy.analytics.cache import cache_version
from shamy.core.signals import bulk_data_changed
from shamy.registry.demo.loader import demo_load

pytestmark = pytest.mark.django_db(transaction=True)


def test_bulk_data_changed_makes_analytics_cache_stale():
    before = cache_version()
    bulk_data_changed.send(sender="registry")
    assert cache_version() > before


def test_demo_load_announces_its_bulk_write_after_commit():
    senders: list[object] = []

    def receiver(sender, **kwargs):
        senders.append(sender)

    bulk_data_changed.connect(receiver)
    try:
        demo_load(scale=0.01)
        assert senders == ["registry"]
        senders.clear()
        assert demo_load(scale=0.01).already_loaded
        assert senders == []
    finally:
        bulk_data_changed.disconnect(receiver)
