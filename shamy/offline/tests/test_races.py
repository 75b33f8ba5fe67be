"""Two requests with the same key at the same moment (a phone's two tabs, or the page and its
service worker): the key is applied once, on SQLite and on PostgreSQL alike."""

from __future__ import annotations

import datetime
import threading
import uuid

import pytest
from django.db import OperationalError, connection
from django.utils import timezone

from shamy.attendance.models import Attendance
from shamy.attendance.services.device import DeviceMark, attendance_marks_from_device
from shamy.audit.models import AuditEntry
from shamy.offline.models import AppliedKey


@pytest.mark.django_db(transaction=True)
def test_one_key_sent_twice_at_once_is_applied_once(programme_cast, scene):
    c = programme_cast
    key = uuid.uuid4()
    mark = DeviceMark(
        key, scene.session_a1.pk, c.person_talgat.pk, "present", timezone.now() - datetime.timedelta(minutes=1)
    )
    start = threading.Barrier(2)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def send() -> None:
        try:
            start.wait()
            outcomes.append(attendance_marks_from_device(actor=c.timur, marks=[mark])[0].outcome)
        except BaseException as error:  # noqa: BLE001 (reported below, in the test's thread)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    if connection.vendor == "postgresql":
        # The second insert of the key waits for the first transaction, then finds it.
        assert not errors
        assert sorted(outcomes) == ["applied", "duplicate"]
    else:
        # SQLite has one writer. The test database is in memory with a shared cache, where a second
        # writer fails at once ("table is locked") instead of waiting the busy timeout as the real
        # database file does; either way nothing is written twice.
        assert len(outcomes) + len(errors) == 2 and "applied" in outcomes
        assert all(isinstance(error, OperationalError) for error in errors)
        assert outcomes.count("applied") == 1
    assert AppliedKey.objects.filter(user=c.timur, key=key).count() == 1
    assert AuditEntry.objects.filter(action="attendance.attendance.marked").count() == 1
    assert Attendance.objects.get(pk=scene.attendance_talgat.pk).status == "present"
