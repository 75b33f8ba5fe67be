"""The device's clock as the server takes it (issue 13): any ISO 8601 time a phone may send is
stored without a database error (found by schemathesis on PostgreSQL: an offset of +20:26)."""

from __future__ import annotations

import datetime

from shamy.offline.services.keys import EARLIEST_DEVICE_TIME, device_time

NOW = datetime.datetime(2026, 12, 6, 12, 0, tzinfo=datetime.UTC)


def test_an_offset_beyond_what_postgresql_takes_becomes_utc():
    odd = datetime.datetime(2026, 12, 6, 20, 48, tzinfo=datetime.timezone(datetime.timedelta(hours=20, minutes=26)))
    taken = device_time(odd, now=NOW)
    assert taken.utcoffset() == datetime.timedelta(0)
    assert taken == odd


def test_a_clock_ahead_is_the_servers_time_and_a_broken_one_is_the_floor():
    assert device_time(NOW + datetime.timedelta(days=3), now=NOW) == NOW
    ancient = datetime.datetime(1, 1, 1, tzinfo=datetime.timezone(datetime.timedelta(hours=5)))
    assert device_time(ancient, now=NOW) == EARLIEST_DEVICE_TIME
    assert device_time(datetime.datetime(1014, 7, 29, tzinfo=datetime.UTC), now=NOW) == EARLIEST_DEVICE_TIME
