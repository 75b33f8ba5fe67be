"""After the handover: the school beside similar state schools, read from the equity analytics
(``shamy.analytics.peers``): one definition of the group and of each indicator, its suppression
rule, a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from shamy.analytics import peers
from shamy.analytics.selectors import current_school_year, registry_year, threshold
from shamy.attendance.models import Attendance, AttendanceStatus, Gathering, GatheringKind
from shamy.core.testing.factories import OrganisationFactory, PersonFactory, SchoolFactory
from shamy.operators import selectors
from shamy.operators.models import ChecklistItem
from shamy.operators.services.agreements import handover_check, handover_record
from shamy.registry.models import Locality, Ownership

pytestmark = pytest.mark.django_db


def _hand_over(scene, on: datetime.date):
    for item in ChecklistItem.values:
        handover_check(actor=None, agreement=scene.agreement, item=item, done_on=on - datetime.timedelta(days=10))
    return handover_record(actor=None, agreement=scene.agreement, handed_over_on=on, received_by=scene.department)


def _attend(programme, schools_and_people: list[tuple[object, int]], on: datetime.date, hours: int = 2) -> None:
    """One gathering on ``on`` attended (present) by that many new teachers of each school."""
    starts = datetime.datetime.combine(on, datetime.time(10), tzinfo=timezone.get_current_timezone())
    gathering = Gathering.objects.create(
        programme=programme,
        kind=GatheringKind.NETWORK,
        title="Network day",
        region=schools_and_people[0][0].region,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=hours),
    )
    for school, people in schools_and_people:
        for _n in range(people):
            Attendance.objects.create(
                gathering=gathering, person=PersonFactory(), school=school, status=AttendanceStatus.PRESENT
            )


def _similar(c, count: int) -> list:
    # School A1: rural, region A, 46 pupils (the 0–99 band).
    return [SchoolFactory(region=c.region_a, locality=Locality.RURAL, pupils=60, teachers=10) for _n in range(count)]


def test_the_comparison_is_the_analytics_group_and_figures(client, programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    year = current_school_year()
    agreement = _hand_over(s, datetime.date(year - 1, 9, 1))
    school = agreement.school
    minimum = threshold()
    similar = _similar(c, minimum)
    not_similar = [
        SchoolFactory(region=c.region_a, locality=Locality.URBAN, pupils=60, teachers=10),  # urban
        SchoolFactory(region=c.region_a, locality=Locality.RURAL, pupils=100, teachers=10),  # next band
        SchoolFactory(region=c.region_b, locality=Locality.RURAL, pupils=60, teachers=10),  # another region
        SchoolFactory(  # run by an operator
            region=c.region_a,
            locality=Locality.RURAL,
            pupils=60,
            teachers=10,
            ownership=Ownership.OPERATOR,
            operator=OrganisationFactory(kind="school_operator"),
        ),
        SchoolFactory(  # handed over by an operator earlier
            region=c.region_a, locality=Locality.RURAL, pupils=60, teachers=10, handover_on=datetime.date(2020, 9, 1)
        ),
    ]
    # The year before: as many of the school's teachers as the threshold, 2 hours each; the
    # similar schools one teacher each. The year after: too few of the school's to be shown.
    _attend(c.programme, [(school, minimum)] + [(other, 1) for other in similar], datetime.date(year - 2, 10, 10))
    _attend(c.programme, [(school, 3)], datetime.date(year - 1, 10, 10), hours=3)

    comparison = selectors.handover_comparison(agreement)
    assert comparison is not None
    assert (comparison.before, comparison.after, comparison.after_started) == (year - 2, year - 1, True)
    group = set(peers.similar_state_schools(school).values_list("pk", flat=True))
    assert group == {x.pk for x in similar} and not group & {x.pk for x in not_similar}
    assert comparison.peers.group_size == len(similar)
    # One definition: what the operators page shows is the analytics' own comparison.
    own = peers.school_beside_peers(school=school, years=comparison.peers.years)
    assert comparison.peers == own
    assert comparison.peers.years == sorted({year - 2, year - 1, registry_year()})

    rows = {row.indicator.code: row for row in comparison.peers.rows}
    hours = rows["participation_hours_per_teacher"].cells
    school_before, group_before = hours[year - 2]
    assert school_before.value == 2.0 and group_before.value == 2.0
    school_after, _group_after = hours[year - 1]
    assert school_after.suppressed and school_after.value is None  # 3 teachers < threshold
    if registry_year() not in (year - 2, year - 1):
        school_now, group_now = rows["pupils_per_teacher"].cells[registry_year()]
        assert school_now.value == pytest.approx(school.pupils / school.teachers)
        assert group_now.value == pytest.approx(6.0)  # pooled: 60 pupils and 10 teachers each
        assert rows["pupils_per_teacher"].cells[year - 2][0].no_data  # the registry's year only

    client.force_login(c.aigerim)
    page = client.get(reverse("operators:agreement-detail", args=[agreement.pk]))
    assert page.status_code == 200
    text = page.content.decode()
    assert comparison.peers.band_label in text
    assert rows["participation_hours_per_teacher"].indicator.label in text


def test_the_comparison_costs_the_same_queries_for_a_small_and_a_large_group(programme_cast, operator_scene):
    c, s = programme_cast, operator_scene
    agreement = _hand_over(s, datetime.date(current_school_year() - 1, 9, 1))
    _similar(c, 2)
    selectors.handover_comparison(agreement)  # the settings' cache
    with CaptureQueriesContext(connection) as small:
        selectors.handover_comparison(agreement)
    _similar(c, 20)
    selectors.handover_comparison(agreement)  # new schools bump the analytics' cache version
    with CaptureQueriesContext(connection) as large:
        comparison = selectors.handover_comparison(agreement)
    assert comparison is not None and comparison.peers.group_size >= 22
    assert len(small) == len(large)


def test_no_comparison_before_the_handover(operator_scene):
    assert selectors.handover_comparison(operator_scene.agreement) is None


@pytest.mark.parametrize(
    ("handover", "years"),
    [
        (datetime.date(2028, 9, 1), (2027, 2028)),  # on the first day of a school year
        (datetime.date(2028, 2, 1), (2026, 2028)),  # mid-year: neither half-year counts
        (datetime.date(2028, 8, 31), (2026, 2028)),
    ],
)
def test_the_years_before_and_after_are_whole_school_years(handover, years):
    assert selectors.handover_years(handover) == years
