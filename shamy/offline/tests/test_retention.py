"""The retention of applied keys (issue 13): pruned after ``OFFLINE_KEY_RETENTION_DAYS`` by
``manage.py offline_prune_keys``; a write older than the window is refused (its key may be gone),
so pruning never lets a replay apply a write twice."""

from __future__ import annotations

import datetime
import io
import uuid

import pytest
from django.core.management import call_command
from django.utils import timezone

from shamy.attendance.models import Attendance
from shamy.attendance.services.device import DeviceMark, attendance_marks_from_device
from shamy.offline.models import AppliedKey
from shamy.offline.services.keys import prune_keys, too_old

pytestmark = pytest.mark.django_db


def _key(user, *, days_ago: float) -> AppliedKey:
    row = AppliedKey.objects.create(user=user, key=uuid.uuid4(), kind="test", outcome="applied")
    AppliedKey.objects.filter(pk=row.pk).update(received_at=timezone.now() - datetime.timedelta(days=days_ago))
    return row


def test_the_command_deletes_only_keys_older_than_the_retention(programme_cast, settings):
    settings.OFFLINE_KEY_RETENTION_DAYS = 10
    kept = _key(programme_cast.timur, days_ago=9)
    _key(programme_cast.timur, days_ago=11)
    _key(programme_cast.aliya, days_ago=40)
    out = io.StringIO()
    call_command("offline_prune_keys", stdout=out)
    assert list(AppliedKey.objects.values_list("pk", flat=True)) == [kept.pk]
    assert "deleted 2 applied keys older than 10 days" in out.getvalue()
    assert prune_keys() == 0


def test_a_write_older_than_the_window_is_refused_and_leaves_no_key(programme_cast, scene, settings):
    settings.OFFLINE_KEY_RETENTION_DAYS = 5
    c = programme_cast
    old = timezone.now() - datetime.timedelta(days=6)
    assert too_old(old) and not too_old(timezone.now() - datetime.timedelta(days=4))
    mark = DeviceMark(uuid.uuid4(), scene.session_a1.pk, c.person_talgat.pk, "present", old)
    result = attendance_marks_from_device(actor=c.timur, marks=[mark])[0]
    assert result.outcome == "refused" and "5" in result.detail
    assert not AppliedKey.objects.exists()
    assert not Attendance.objects.filter(gathering=scene.session_a1, mark_key=mark.key).exists()


def test_pruning_then_replaying_inside_the_window_still_applies_once(programme_cast, scene, settings):
    # A key received 2 days ago survives a 3-day retention; replayed, it is a duplicate.
    settings.OFFLINE_KEY_RETENTION_DAYS = 3
    c = programme_cast
    at = timezone.now() - datetime.timedelta(days=2)
    mark = DeviceMark(uuid.uuid4(), scene.session_a1.pk, c.person_talgat.pk, "late", at)
    assert attendance_marks_from_device(actor=c.timur, marks=[mark])[0].outcome == "applied"
    AppliedKey.objects.update(received_at=at)
    assert prune_keys() == 0
    assert attendance_marks_from_device(actor=c.timur, marks=[mark])[0].outcome == "duplicate"
    # Once it is older than the window, the key goes and a replay is refused, never applied again.
    assert prune_keys(now=timezone.now() + datetime.timedelta(days=2)) == 1
    settings.OFFLINE_KEY_RETENTION_DAYS = 1
    assert attendance_marks_from_device(actor=c.timur, marks=[mark])[0].outcome == "refused"
    assert Attendance.objects.filter(mark_key=mark.key).count() == 1
