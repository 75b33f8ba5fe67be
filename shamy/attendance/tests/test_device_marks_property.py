"""Property (hypothesis): however the device batches arrive (duplicated, reordered, delayed), the
attendance ends as if each batch had been sent once, in order; each key is audited once."""

from __future__ import annotations

import datetime
import uuid
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shamy.attendance.models import Attendance
from shamy.attendance.services.device import DeviceMark, attendance_marks_from_device
from shamy.audit.models import AuditEntry
from shamy.offline.models import AppliedKey

pytestmark = pytest.mark.django_db

BASE = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
MARKERS = ("timur", "aliya")
PEOPLE = ("person_talgat", "person_timur", "person_tomiris")  # tomiris is not expected: refused
STATUSES = ("present", "late", "excused", "absent", "")

mark = st.tuples(
    st.sampled_from(PEOPLE),
    st.sampled_from(STATUSES),
    st.integers(min_value=0, max_value=12),  # minutes after BASE on the device: ties happen
    st.uuids(),
)
batch = st.tuples(st.sampled_from(MARKERS), st.lists(mark, min_size=1, max_size=4))


@st.composite
def deliveries(draw):
    """Batches, and an arrival order in which each batch comes at least once, some again later."""
    batches = draw(st.lists(batch, min_size=1, max_size=5))
    again = draw(st.lists(st.integers(min_value=0, max_value=len(batches) - 1), max_size=5))
    order = draw(st.permutations([*range(len(batches)), *again]))
    return batches, order


def _state(scene):
    rows = Attendance.objects.filter(gathering=scene.session_a1).order_by("pk")
    attendance = [(r.pk, r.status, r.marked_by_id, r.marked_on_device_at, r.mark_key) for r in rows]
    keys = sorted((k.user_id, str(k.key)) for k in AppliedKey.objects.all())
    audited = Counter(
        after["mark_key"]
        for after in AuditEntry.objects.filter(action__startswith="attendance.attendance.mark").values_list(
            "after", flat=True
        )
    )
    return attendance, keys, audited


def _send(cast, scene, batches, order):
    for index in order:
        marker, marks = batches[index]
        attendance_marks_from_device(
            actor=getattr(cast, marker),
            marks=[
                DeviceMark(
                    key=key,
                    gathering_id=scene.session_a1.pk,
                    person_id=getattr(cast, person).pk,
                    status=status,
                    device_at=BASE + datetime.timedelta(minutes=minutes),
                )
                for person, status, minutes, key in marks
            ],
        )
    return _state(scene)


def _rolled_back(cast, scene, batches, order):
    with transaction.atomic():
        state = _send(cast, scene, batches, order)
        transaction.set_rollback(True)
    return state


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(delivery=deliveries())
def test_any_interleaving_ends_as_each_batch_sent_once_in_order(programme_cast, scene, delivery):
    batches, order = delivery
    keys = [key for _marker, marks in batches for *_rest, key in marks]
    assume(len(set(keys)) == len(keys))  # one key for two different marks: no device does that
    expected = _rolled_back(programme_cast, scene, batches, list(range(len(batches))))
    actual = _rolled_back(programme_cast, scene, batches, order)
    assert actual[0] == expected[0]  # the same attendance, row by row
    assert actual[1] == expected[1]  # the same keys applied
    assert all(count == 1 for count in actual[2].values())  # every applied key audited once
    assert set(actual[2]) == {key for _user, key in actual[1]}
    refused = {str(key) for _m, marks in batches for person, *_r, key in marks if person == "person_tomiris"}
    assert not refused & set(actual[2])


def test_the_property_sees_a_conflict_decided_by_device_time(programme_cast, scene):
    # A fixed example the property covers, stated plainly: the later device time stands either way.
    early = ("timur", [("person_talgat", "present", 1, uuid.UUID(int=1))])
    late = ("aliya", [("person_talgat", "absent", 5, uuid.UUID(int=2))])
    in_order = _rolled_back(programme_cast, scene, [early, late], [0, 1])
    reversed_ = _rolled_back(programme_cast, scene, [early, late], [1, 0, 1, 0])
    assert in_order[0] == reversed_[0]
    talgat = next(row for row in in_order[0] if row[0] == scene.attendance_talgat.pk)
    assert talgat[1:3] == ("absent", programme_cast.aliya.pk)
