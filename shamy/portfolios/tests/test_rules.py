"""The named rules of portfolios (``permissions.py``): the boards each role opens, the colleagues a
teacher may add, private drafts, and every view with an object in its URL behind ``@checked``."""

from __future__ import annotations

import datetime

import pytest
from django.urls import URLPattern, get_resolver, reverse

from shamy.core.testing.factories import EmploymentFactory, PersonFactory
from shamy.portfolios.models import Draft
from shamy.portfolios.tests.conftest import make_project
from shamy.programmes.models import CohortSchool
from shamy.registry.models import Person

pytestmark = pytest.mark.django_db


def _boards(client, user) -> list[tuple[int, int]]:
    client.force_login(user)
    response = client.get(reverse("portfolios:board-index"))
    assert response.status_code == 200
    return [(link.cohort_id, link.school_id) for link in response.context["boards"]]


def test_board_index_lists_the_boards_of_each_role(client, programme_cast):
    cast = programme_cast
    a1 = (cast.cohort_a.pk, cast.school_a1.pk)
    every_school = sorted(
        CohortSchool.objects.filter(cohort__programme=cast.programme).values_list("cohort_id", "school_id")
    )
    assert sorted(_boards(client, cast.aliya)) == every_school  # coordinator: the whole programme
    assert _boards(client, cast.timur) == [a1]  # school facilitator of A1 in cohort A
    assert _boards(client, cast.bolat) == [a1]  # principal of A1
    assert _boards(client, cast.madina) == [a1]  # link facilitator assigned to A1
    assert _boards(client, cast.dana) == []  # a national reader: overviews only


def test_colleagues_are_the_current_staff_of_the_projects_school_without_the_teacher(client, programme_cast):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    former = PersonFactory(surname="Бұрынғы")
    EmploymentFactory(
        person=former, school=cast.school_a1, starts_on=datetime.date(2019, 9, 1), ends_on=datetime.date(2020, 6, 1)
    )
    client.force_login(cast.talgat)
    offered = client.get(reverse("portfolios:project-edit", args=[project.pk])).context["form"]
    colleagues = set(offered.fields["collaborators"].queryset)
    employed_now = set(Person.objects.filter(employments__school=cast.school_a1, employments__ends_on__isnull=True))
    assert colleagues == employed_now - {cast.person_talgat}
    assert cast.person_timur in colleagues and former not in colleagues
    # Someone who leads no project has no colleagues to add.
    assert not Person.objects.restrict(cast.timur, "colleagues").exists()


def test_drafts_are_private(programme_cast):
    cast = programme_cast
    Draft.objects.create(user=cast.talgat, key="journal:1", text="...")
    assert Draft.objects.restrict(cast.talgat, "view").count() == 1
    assert not Draft.objects.restrict(cast.timur, "view").exists()


def test_every_view_with_an_object_in_its_url_receives_it_checked():
    patterns = [p for p in get_resolver().url_patterns if getattr(p, "app_name", None) == "portfolios"]
    assert patterns
    with_object = [p for p in patterns[0].url_patterns if isinstance(p, URLPattern) and "<int:" in str(p.pattern)]
    assert len(with_object) == 24
    # A consented photo of a published project is public, as the published page is (no sign-in).
    public = {"public-photo"}
    assert [p.name for p in with_object if getattr(p.callback, "checked", None) is None and p.name not in public] == []
