"""Issue 10, point 5: secondary suppression, so that no hidden cell can be worked out."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from shamy.analytics.indicators import COLUMNS
from shamy.analytics.models import AnalyticsSettings
from shamy.analytics.selectors import current_school_year
from shamy.attendance.models import Attendance, Gathering
from shamy.core.suppression import complete, exposed, grid_lines
from shamy.core.testing.factories import DistrictFactory, PersonFactory, RegionFactory, SchoolFactory
from shamy.registry.models import Locality


def _solvable(lines, hidden):
    """Hidden cells whose line publishes every other cell: one subtraction gives them away."""
    return [cell for line in lines for cell in line if cell in hidden and sum(c in hidden for c in line) == 1]


@st.composite
def tables(draw):
    """A random table of counts: places × (urban, rural), row totals, column totals and a grand
    total, consistent; a structural zero (no such schools) is known to the reader (None)."""
    places = draw(st.integers(min_value=1, max_value=8))
    rows = list(range(places)) + ["total"]
    values: dict[tuple[object, str], float | None] = {}
    for place in range(places):
        for column in ("urban", "rural"):
            value = draw(st.integers(min_value=0, max_value=40))
            structural = value == 0 and draw(st.booleans())
            values[(place, column)] = None if structural else value
        values[(place, "total")] = (values[(place, "urban")] or 0) + (values[(place, "rural")] or 0)
    for column in COLUMNS:
        values[("total", column)] = sum(values[(place, column)] or 0 for place in range(places))
    threshold = draw(st.integers(min_value=1, max_value=15))
    primary = {cell for cell, value in values.items() if value is not None and 0 < value < threshold}
    return rows, values, primary


@settings(deadline=None)  # a shared CI machine can be slow; the property, not the speed, is tested
@given(tables())
def test_no_hidden_cell_can_be_solved_from_one_row_or_column(table):
    rows, values, primary = table
    lines = grid_lines(rows, COLUMNS)
    totals = {(row, "total") for row in rows} | {("total", column) for column in COLUMNS}
    hidden = complete(values, lines, primary, totals=totals)
    assert primary <= hidden
    assert not any(values[cell] is None for cell in hidden)  # structural zeros are never "hidden"
    assert _solvable(lines, hidden) == []
    assert exposed(lines, hidden) == []


def test_complements_prefer_inner_positive_small_cells():
    lines = [["a", "b", "c", "zero", "total"]]
    values = {"a": 12, "b": 6, "c": 30, "zero": 0, "total": 48}
    assert complete(values, lines, {"b"}, totals={"total"}) == {"a", "b"}


pytestmark = pytest.mark.django_db


@pytest.fixture
def reached(programme_cast):
    """Programme P in this school year: 12 teachers reached in Almaty Region (rural school A1),
    6 in Mangystau (rural school B1), none in Atyrau (which has schools): national 18."""
    c = programme_cast
    AnalyticsSettings.objects.update_or_create(pk=1, defaults={"suppression_threshold": 10})
    atyrau = RegionFactory(kato="23", name_kk="Атырау облысы", name_ru="Атырауская область", name_en="Atyrau Region")
    SchoolFactory(region=atyrau, district=DistrictFactory(region=atyrau), locality=Locality.RURAL)
    start = timezone.make_aware(datetime.datetime(current_school_year(), 10, 1, 10, 0))
    for school, cohort, count in ((c.school_a1, c.cohort_a, 12), (c.school_b1, c.cohort_b, 6)):
        session = Gathering.objects.create(
            programme=c.programme,
            cohort=cohort,
            kind="in_school",
            title="Session",
            school=school,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=5, minutes=30),
        )
        for _ in range(count):
            Attendance.objects.create(gathering=session, person=PersonFactory(), school=school, status="present")
    return c


def _board(client, user, code, **extra):
    client.force_login(user)
    response = client.get(reverse("analytics:dashboard"), {"indicator": code, **extra})
    return response.context["board"]


def test_mangystau_cannot_be_worked_out_from_the_national_total(client, reached):
    board = _board(client, reached.aigerim, "programme_teachers")
    rows = {place.kato: row for place, row in board.table.rows}
    assert rows["47"].total.suppressed  # primary: 6 < 10
    assert board.table.national.total.value == 18
    # National 18 − Almaty 12 − Atyrau 0 would give Mangystau's 6: Almaty is hidden too.
    assert rows["19"].total.suppressed
    assert rows["23"].total.value == 0
    keys = [place.pk for place, _row in board.table.rows] + [None]
    assert _solvable(grid_lines(keys, COLUMNS), board.table.suppressed) == []
    # Rates are hidden with their counts: hours per teacher (5.5) for both regions.
    hours = _board(client, reached.aigerim, "participation_hours_per_teacher")
    hour_rows = {place.kato: row for place, row in hours.table.rows}
    assert hour_rows["47"].total.suppressed and hour_rows["19"].total.suppressed
    assert hour_rows["47"].rural.suppressed and hour_rows["19"].rural.suppressed


def test_every_surface_hides_the_same_cells(client, reached):
    client.force_login(reached.aigerim)
    params = {"indicator": "programme_teachers"}
    export = client.get(reverse("analytics:export", args=["table", "csv"]), params)
    rows = {row[0]: row for row in csv.reader(io.StringIO(export.content.decode("utf-8-sig")))}
    hidden_word = rows["Маңғыстау облысы"][5]
    assert rows["Алматы облысы"][5] == hidden_word != "12"
    assert "12" not in rows["Алматы облысы"][3:13]
    svg = client.get(reverse("analytics:export", args=["bars", "svg"]), params).content.decode()
    assert ": 12<" not in svg and ": 6<" not in svg
    page = client.get(reverse("analytics:dashboard"), params).content.decode()
    almaty_row = page.split("Алматы облысы</a></th>")[1].split("</tr>")[0]
    assert "suppressed" in almaty_row and ">12<" not in almaty_row
    # The PDF brief is built from the same tables (build_dashboard): checked through them above.


def test_regional_and_district_views_repeat_the_national_pattern(client, reached):
    # The regional analyst of Almaty Region sees the national table's pattern for their region.
    board = _board(client, reached.kairat, "programme_teachers")
    ((region, row),) = board.table.rows
    assert region.kato == "19" and row.total.suppressed
    assert board.table.national.total.suppressed  # their total is that same region
    # The region page hides the region's total, and a district too, so the districts cannot
    # give it away.
    client.force_login(reached.aigerim)
    page = client.get(
        reverse("analytics:region-detail", args=[reached.region_a.pk]), {"indicator": "programme_teachers"}
    ).context["page"]
    assert page.table.national.total.suppressed
    district_rows = [row for _district, row in page.table.rows]
    assert any(row.total.suppressed for row in district_rows)


def test_programme_tables_are_protected_together(client, programme_cast):
    """All programmes: region A 17 teachers (12 of P and 5 of Q), region B 15 (P). Q's 5 is hidden
    in Q's table; without joint protection it would be 17 − 12 from the two other tables."""
    c = programme_cast
    AnalyticsSettings.objects.update_or_create(pk=1, defaults={"suppression_threshold": 10})
    start = timezone.make_aware(datetime.datetime(current_school_year(), 10, 1, 10, 0))
    plan = (
        (c.programme, c.cohort_a, c.school_a1, 12),
        (c.programme, c.cohort_b, c.school_b1, 15),
        (c.other_programme, c.other_cohort, c.school_a2, 5),
    )
    for programme, cohort, school, count in plan:
        session = Gathering.objects.create(
            programme=programme,
            cohort=cohort,
            kind="in_school",
            title="Session",
            school=school,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )
        for _ in range(count):
            Attendance.objects.create(gathering=session, person=PersonFactory(), school=school, status="present")

    def region_a(**extra):
        board = _board(client, c.aigerim, "programme_teachers", **extra)
        return {place.kato: row for place, row in board.table.rows}["19"].total

    everything, p, q = region_a(), region_a(programme=c.programme.pk), region_a(programme=c.other_programme.pk)
    assert q.suppressed
    assert everything.suppressed or p.suppressed  # 17 − 12 would give Q's 5
    assert not (everything.shown and p.shown)


def test_district_tables_of_the_programmes_are_protected_together(client, programme_cast):
    """Region A: district 1 has 12 teachers of P and 5 of Q, district 2 has 15 of P and 7 of Q.
    Region totals (P 27, Q 12, all 39) are all shown; Q's districts are hidden, and district 1 of
    P or of all programmes too, so that 17 − 12 does not give Q's 5 away."""
    c = programme_cast
    AnalyticsSettings.objects.update_or_create(pk=1, defaults={"suppression_threshold": 10})
    start = timezone.make_aware(datetime.datetime(current_school_year(), 10, 1, 10, 0))
    second = DistrictFactory(region=c.region_a)
    school_2 = SchoolFactory(region=c.region_a, district=second, locality=Locality.RURAL)
    plan = (
        (c.programme, c.cohort_a, c.school_a1, 12),
        (c.other_programme, c.other_cohort, c.school_a2, 5),
        (c.programme, c.cohort_a, school_2, 15),
        (c.other_programme, c.other_cohort, school_2, 7),
    )
    for programme, cohort, school, count in plan:
        session = Gathering.objects.create(
            programme=programme,
            cohort=cohort,
            kind="in_school",
            title="Session",
            school=school,
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=2),
        )
        for _ in range(count):
            Attendance.objects.create(gathering=session, person=PersonFactory(), school=school, status="present")
    client.force_login(c.aigerim)

    def district_1(**extra):
        page = client.get(
            reverse("analytics:region-detail", args=[c.region_a.pk]), {"indicator": "programme_teachers", **extra}
        ).context["page"]
        rows = {district.pk: row for district, row in page.table.rows}
        return page.table.national.total, rows[c.school_a1.district_id].total

    (all_total, everything), (p_total, p), (q_total, q) = (
        district_1(),
        district_1(programme=c.programme.pk),
        district_1(programme=c.other_programme.pk),
    )
    assert (all_total.value, p_total.value, q_total.value) == (39, 27, 12)
    assert q.suppressed
    assert not (everything.shown and p.shown)


@st.composite
def qualification_panels(draw):
    """A national panel of regions holding only teacher counts by category and locality."""
    from shamy.registry.models import QualificationCategory

    regions = draw(st.integers(min_value=1, max_value=6))
    panel = {}
    for region in range(1, regions + 1):
        panel[region] = {
            side: {
                f"staff_category:{category.value}": float(draw(st.integers(min_value=0, max_value=30)))
                for category in QualificationCategory
            }
            for side in ("urban", "rural")
        }
    return panel


@settings(max_examples=150)
@given(qualification_panels())
def test_teachers_by_category_cannot_be_worked_out_across_regions(panel):
    """Issue 10, point 5: the teachers-by-category tables of the country (dashboard) and of each
    region (region pages) are protected together: within each table the categories add up to
    the teachers counted, and across the regions each category adds up to the country."""
    from shamy.analytics.selectors import qualification_breakdown, qualification_pattern
    from shamy.registry.models import QualificationCategory

    minimum = 10
    pattern = qualification_pattern(panel, minimum)
    places = [*panel, None]
    categories = range(len(QualificationCategory))
    lines = [[(p, i, s) for i in categories] for p in places for s in ("urban", "rural")]
    lines += [[(p, i, s) for p in places] for i in categories for s in ("urban", "rural")]
    assert _solvable(lines, pattern) == []
    for region, parts in panel.items():
        shown = qualification_breakdown({region: parts}, minimum, pattern=pattern, place=region)
        for index, row in enumerate(shown):
            for side in ("urban", "rural"):
                value = parts[side][f"staff_category:{QualificationCategory.values[index]}"]
                assert row[f"{side}_hidden"] == ((region, index, side) in pattern)
                if 0 < value < minimum:  # primary: every small count is hidden
                    assert row[f"{side}_hidden"]


def test_a_region_hiding_a_category_alone_is_protected_in_the_national_table():
    """Region 1 has 3 expert urban teachers (hidden); region 2 has 40 and the country 43: without
    the joint pattern the region page's hidden 3 is the dashboard's 43 minus region 2's 40."""
    from shamy.analytics.selectors import qualification_pattern
    from shamy.registry.models import QualificationCategory

    def region(expert: int) -> dict:
        counts = {f"staff_category:{category.value}": 50.0 for category in QualificationCategory}
        counts[f"staff_category:{QualificationCategory.EXPERT.value}"] = float(expert)
        return {"urban": counts, "rural": dict(counts)}

    pattern = qualification_pattern({1: region(3), 2: region(40)}, 10)
    expert = list(QualificationCategory).index(QualificationCategory.EXPERT)
    assert (1, expert, "urban") in pattern
    # The line across regions holds a second hidden cell: region 2's or the country's.
    assert (2, expert, "urban") in pattern or (None, expert, "urban") in pattern
