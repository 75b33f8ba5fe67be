"""Property (hypothesis): however a device's batches of step updates and section texts arrive
(duplicated, reordered, delayed), the plan and the portfolio end as if each batch had been sent
once, in order; each applied key is audited once. (Journal entries add up, so their end state is
the same set of entries whatever the order; stated here too.)"""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shamy.audit.models import AuditEntry
from shamy.offline.models import AppliedKey
from shamy.portfolios.models import JournalEntry, PortfolioSection, ProjectStep
from shamy.portfolios.services import projects
from shamy.portfolios.services.device import (
    DeviceJournalEntry,
    DeviceSectionText,
    DeviceStepUpdate,
    journal_entries_from_device,
    section_texts_from_device,
    step_updates_from_device,
)
from shamy.portfolios.tests.conftest import make_project

pytestmark = pytest.mark.django_db

BASE = timezone.now().replace(microsecond=0) - datetime.timedelta(days=1)
WRITERS = ("talgat", "timur", "aliya")  # aliya may not write in the project: refused

# (writer, target index, value, minutes after BASE on the device: ties happen, key)
item = st.tuples(st.integers(min_value=0, max_value=1), st.sampled_from(["a", "b", ""]), st.integers(0, 12), st.uuids())
batch = st.tuples(st.sampled_from(WRITERS), st.lists(item, min_size=1, max_size=4))


@st.composite
def deliveries(draw):
    batches = draw(st.lists(batch, min_size=1, max_size=5))
    again = draw(st.lists(st.integers(min_value=0, max_value=len(batches) - 1), max_size=5))
    order = draw(st.permutations([*range(len(batches)), *again]))
    return batches, order


@pytest.fixture
def world(programme_cast):
    c = programme_cast
    project = make_project(c.talgat, c.cohort_a)
    project.collaborators.add(c.person_timur)
    steps = [
        projects.step_add(actor=c.talgat, project=project, title=title, due_on=timezone.localdate())
        for title in ("Бірінші", "Екінші")
    ]
    sections = list(project.portfolio.sections.order_by("order", "pk")[:2])
    return c, project, steps, sections


def _audited(prefix: str) -> Counter:
    return Counter(
        str(after.get("done_change_key") or after.get("body_key") or "")
        for after in AuditEntry.objects.filter(action__startswith=prefix).values_list("after", flat=True)
        if after
    )


def _keys(kind: str):
    return sorted((k.user_id, str(k.key), k.outcome) for k in AppliedKey.objects.filter(kind=kind))


def _rolled_back(send, *args):
    with transaction.atomic():
        state = send(*args)
        transaction.set_rollback(True)
    return state


def _send_steps(world, batches, order):
    c, _project, steps, _sections = world
    for index in order:
        writer, items = batches[index]
        step_updates_from_device(
            actor=getattr(c, writer),
            updates=[
                DeviceStepUpdate(key, steps[target].pk, bool(value), BASE + datetime.timedelta(minutes=minutes))
                for target, value, minutes, key in items
            ],
        )
    rows = [
        (r.pk, r.done_on, r.done_changed_at, r.done_changed_by_id, r.done_change_key)
        for r in ProjectStep.objects.filter(pk__in=[s.pk for s in steps]).order_by("pk")
    ]
    return rows, [key for _u, key, _o in _keys("portfolios.step_update")], _audited("portfolios.step.update")


def _send_sections(world, batches, order):
    c, _project, _steps, sections = world
    for index in order:
        writer, items = batches[index]
        section_texts_from_device(
            actor=getattr(c, writer),
            texts=[
                DeviceSectionText(key, sections[target].pk, value, BASE + datetime.timedelta(minutes=minutes))
                for target, value, minutes, key in items
            ],
        )
    rows = [
        (r.pk, r.body, r.body_written_at, r.updated_by_id, r.body_key)
        for r in PortfolioSection.objects.filter(pk__in=[s.pk for s in sections]).order_by("pk")
    ]
    return rows, [key for _u, key, _o in _keys("portfolios.section_text")], _audited("portfolios.section.update")


def _check(send, world, delivery):
    batches, order = delivery
    keys = [key for _writer, items in batches for *_rest, key in items]
    assume(len(set(keys)) == len(keys))  # one key for two different items: no device does that
    expected = _rolled_back(send, world, batches, list(range(len(batches))))
    actual = _rolled_back(send, world, batches, order)
    assert actual[0] == expected[0]  # the same steps (or sections), row by row
    assert sorted(actual[1]) == sorted(expected[1])  # the same keys kept
    assert all(count == 1 for count in actual[2].values())  # every kept key audited once
    assert set(actual[2]) == set(actual[1])
    refused = {str(key) for writer, items in batches for *_r, key in items if writer == "aliya"}
    assert not refused & set(actual[1])


SETTINGS = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@SETTINGS
@given(delivery=deliveries())
def test_step_updates_end_as_each_batch_sent_once_in_order(world, delivery):
    _check(_send_steps, world, delivery)


@SETTINGS
@given(delivery=deliveries())
def test_section_texts_end_as_each_batch_sent_once_in_order(world, delivery):
    _check(_send_sections, world, delivery)


@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(delivery=deliveries())
def test_journal_entries_end_as_the_same_entries_whatever_the_order(world, delivery):
    c, project, _steps, _sections = world
    batches, order = delivery
    keys = [key for _writer, items in batches for *_rest, key in items]
    assume(len(set(keys)) == len(keys))

    def send(_world, batches, order):
        for index in order:
            writer, items = batches[index]
            journal_entries_from_device(
                actor=getattr(c, writer),
                entries=[
                    DeviceJournalEntry(
                        key, project.pk, f"{value or 'c'} {target}", BASE + datetime.timedelta(minutes=m)
                    )
                    for target, value, m, key in items
                ],
            )
        entries = sorted(
            (e.author_id, e.text, e.written_on_device_at) for e in JournalEntry.objects.filter(project=project)
        )
        return entries, _keys("portfolios.journal_entry")

    expected = _rolled_back(send, world, batches, list(range(len(batches))))
    actual = _rolled_back(send, world, batches, order)
    assert actual == expected
    assert len(actual[0]) == sum(len(items) for writer, items in batches if writer != "aliya")
