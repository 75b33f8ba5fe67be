"""Authorization matrix: every portfolios URL × every persona of the core and programme casts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import get_resolver, reverse

from shamy.core.testing.files import jpeg_with_gps
from shamy.portfolios.models import FocusTheme, Thread
from shamy.portfolios.services import evidence, projects, sharing
from shamy.portfolios.tests.conftest import make_project, submit_directly
from shamy.programmes.testing import ALL_PERSONAS

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(programme_cast):
    """Project A: talgat's, school A1 cohort A, draft portfolio, a photo, a step, published.
    Project B: tomiris's, school B1 cohort B, portfolio submitted, a photo."""
    cast = programme_cast
    project_a = make_project(cast.talgat, cast.cohort_a, title="Оқу сауаттылығы")
    photo_a = evidence.evidence_add(
        actor=cast.talgat,
        project=project_a,
        title="Сабақ",
        upload=SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg"),
    )
    step_a = projects.step_add(actor=cast.talgat, project=project_a, title="Сауалнама", due_on=cast.cohort_a.ends_on)
    public_a = sharing.summary_publish(
        actor=cast.talgat,
        project=project_a,
        summary="Оқушылардың мәтінді түсінуі",
        actions="Жұптық оқу",
        impact="Жақсарды",
        language="kk",
        show_name=True,
        show_school=True,
    )
    project_b = make_project(cast.tomiris, cast.cohort_b, title="Инклюзия")
    photo_b = evidence.evidence_add(
        actor=cast.tomiris,
        project=project_b,
        title="Сынып",
        upload=SimpleUploadedFile("b.jpg", jpeg_with_gps(), content_type="image/jpeg"),
    )
    submit_directly(project_b)
    cast.project_a, cast.photo_a, cast.step_a, cast.public_a = project_a, photo_a, step_a, public_a
    cast.project_b, cast.photo_b = project_b, photo_b
    cast.section_a = project_a.portfolio.sections.first()
    cast.theme = FocusTheme.objects.get(code="inclusion")
    return cast


OK, REDIRECT, FORBIDDEN, NOT_FOUND = 200, 302, 403, 404


def expect(default: int = NOT_FOUND, **statuses: int) -> dict[str, int]:
    table = {name: default for name in ALL_PERSONAS}
    table["anonymous"] = REDIRECT
    table.update(statuses)
    return table


# Who reaches project A (talgat's, A1, cohort A) at all: the teacher, the school facilitator,
# the principal, the link facilitator and the coordinator.
PROJECT_A_VIEWERS = ("talgat", "timur", "bolat", "madina", "aliya")


def viewers(status: int, **others: int) -> dict[str, int]:
    return expect(**({name: status for name in PROJECT_A_VIEWERS} | others))


def only_teacher(teacher_status: int) -> dict[str, int]:
    return viewers(FORBIDDEN, talgat=teacher_status)


def everyone(status: int) -> dict[str, int]:
    return {name: status for name in ALL_PERSONAS} | {"anonymous": status}


# url name → (request builder (method, url, data), {persona: expected status})
MATRIX = {
    "portfolios:project-list": (
        lambda c: ("get", reverse("portfolios:project-list"), None),
        expect(FORBIDDEN, talgat=OK, tomiris=OK),
    ),
    "portfolios:project-create": (
        lambda c: ("get", reverse("portfolios:project-create"), None),
        expect(FORBIDDEN, talgat=OK, tomiris=OK),
    ),
    "portfolios:project-detail": (
        lambda c: ("get", reverse("portfolios:project-detail", args=[c.project_a.pk]), None),
        viewers(OK),
    ),
    "portfolios:project-edit": (
        lambda c: ("get", reverse("portfolios:project-edit", args=[c.project_a.pk]), None),
        only_teacher(OK),
    ),
    "portfolios:project-stage": (
        lambda c: (
            "post",
            reverse("portfolios:project-stage", args=[c.project_a.pk]),
            {"stage": c.programme.stages.get(code="values").pk},
        ),
        only_teacher(REDIRECT),
    ),
    "portfolios:step-add": (
        lambda c: (
            "post",
            reverse("portfolios:step-add", args=[c.project_a.pk]),
            {"title": "Қадам", "due_on": "2026-12-01"},
        ),
        only_teacher(REDIRECT),
    ),
    "portfolios:step-done": (
        lambda c: ("post", reverse("portfolios:step-done", args=[c.step_a.pk]), {"done": "1"}),
        only_teacher(REDIRECT),
    ),
    "portfolios:journal-add": (
        lambda c: (
            "post",
            reverse("portfolios:journal-add", args=[c.project_a.pk]),
            {"text": "Бүгін...", "written_on": "2026-11-20"},
        ),
        only_teacher(REDIRECT),
    ),
    "portfolios:comment-add": (
        lambda c: (
            "post",
            reverse("portfolios:comment-add", args=[c.project_a.pk, Thread.LINK]),
            {"text": "Жарайсыз"},
        ),
        viewers(FORBIDDEN, talgat=REDIRECT, madina=REDIRECT, aliya=REDIRECT),
    ),
    "portfolios:project-endorse": (
        lambda c: ("post", reverse("portfolios:project-endorse", args=[c.project_a.pk]), {"note": "Иә"}),
        viewers(FORBIDDEN, bolat=REDIRECT),
    ),
    "portfolios:evidence-add": (
        lambda c: ("get", reverse("portfolios:evidence-add", args=[c.project_a.pk]), None),
        only_teacher(OK),
    ),
    "portfolios:evidence-file": (
        lambda c: ("get", reverse("portfolios:evidence-file", args=[c.photo_a.pk]), None),
        viewers(OK),
    ),
    "portfolios:evidence-delete": (
        lambda c: ("post", reverse("portfolios:evidence-delete", args=[c.photo_a.pk]), {}),
        only_teacher(REDIRECT),
    ),
    "portfolios:evidence-thumbnail": (
        lambda c: ("get", reverse("portfolios:evidence-thumbnail", args=[c.photo_a.pk]), None),
        viewers(OK),
    ),
    "portfolios:portfolio-detail": (
        lambda c: ("get", reverse("portfolios:portfolio-detail", args=[c.project_a.pk]), None),
        viewers(OK),
    ),
    "portfolios:portfolio-submit": (
        lambda c: ("post", reverse("portfolios:portfolio-submit", args=[c.project_a.pk]), {}),
        only_teacher(REDIRECT),
    ),
    "portfolios:submitted-list": (
        lambda c: ("get", reverse("portfolios:submitted-list"), None),
        expect(FORBIDDEN, serik=OK, aliya=OK, erbol=OK),
    ),
    "portfolios:section-edit": (
        lambda c: ("get", reverse("portfolios:section-edit", args=[c.section_a.pk]), None),
        only_teacher(OK),
    ),
    "portfolios:autosave": (
        lambda c: ("post", reverse("portfolios:autosave"), {"key": f"section:{c.section_a.pk}", "body": "..."}),
        expect(NOT_FOUND, talgat=OK),
    ),
    "portfolios:project-share": (
        lambda c: ("get", reverse("portfolios:project-share", args=[c.project_a.pk]), None),
        only_teacher(OK),
    ),
    "portfolios:board-index": (
        lambda c: ("get", reverse("portfolios:board-index"), None),
        expect(FORBIDDEN, aliya=OK, timur=OK, madina=OK, bolat=OK, saule=OK, nurlan=OK, erbol=OK, aigerim=OK, dana=OK),
    ),
    "portfolios:board": (
        lambda c: ("get", reverse("portfolios:board", args=[c.cohort_a.pk]) + f"?school={c.school_a1.pk}", None),
        expect(
            aliya=OK,
            timur=OK,
            bolat=OK,
            madina=OK,
            talgat=FORBIDDEN,
            serik=FORBIDDEN,
            nurlan=FORBIDDEN,
            aigerim=FORBIDDEN,
            dana=FORBIDDEN,
        ),
    ),
    "portfolios:link-overview": (
        lambda c: ("get", reverse("portfolios:link-overview", args=[c.programme.pk]), None),
        expect(FORBIDDEN, aliya=OK, madina=OK, erbol=NOT_FOUND, kairat=NOT_FOUND, olzhas=NOT_FOUND),
    ),
    "portfolios:programme-overview": (
        lambda c: ("get", reverse("portfolios:programme-overview", args=[c.programme.pk]), None),
        expect(
            FORBIDDEN, aliya=OK, nurlan=OK, aigerim=OK, dana=OK, erbol=NOT_FOUND, kairat=NOT_FOUND, olzhas=NOT_FOUND
        ),
    ),
    "portfolios:theme-list": (
        lambda c: ("get", reverse("portfolios:theme-list"), None),
        expect(FORBIDDEN, aigerim=OK, aliya=OK, erbol=OK),
    ),
    "portfolios:theme-edit": (
        lambda c: ("get", reverse("portfolios:theme-edit", args=[c.theme.pk]), None),
        expect(FORBIDDEN, aigerim=OK, aliya=OK, erbol=OK),
    ),
    "portfolios:public-list": (
        lambda c: ("get", reverse("portfolios:public-list"), None),
        everyone(OK),
    ),
    "portfolios:public-detail": (
        lambda c: ("get", reverse("portfolios:public-detail", args=[c.public_a.public_id]), None),
        everyone(OK),
    ),
    "portfolios:public-poster": (
        lambda c: ("get", reverse("portfolios:public-poster", args=[c.public_a.public_id]) + "?size=A3", None),
        everyone(OK),
    ),
}

# The certifier reaches project B only because its portfolio is submitted: the portfolio and
# its evidence, never the project page with its journal and threads.
SUBMITTED_CASES = {
    "portfolio-detail": (lambda c: reverse("portfolios:portfolio-detail", args=[c.project_b.pk]), OK),
    "evidence-file": (lambda c: reverse("portfolios:evidence-file", args=[c.photo_b.pk]), OK),
    "project-detail": (lambda c: reverse("portfolios:project-detail", args=[c.project_b.pk]), FORBIDDEN),
    "project-edit": (lambda c: reverse("portfolios:project-edit", args=[c.project_b.pk]), FORBIDDEN),
}


@pytest.mark.parametrize("url_name", sorted(MATRIX))
def test_portfolios_permission_matrix(client, world, url_name):
    """One world per URL; every persona in turn (side effects of earlier personas' requests
    never change a later persona's answer: each is denied or acts on their own data)."""
    build, expected = MATRIX[url_name]
    method, url, data = build(world)
    mismatches = []
    for persona in ALL_PERSONAS:
        client.logout()
        user = world.user(persona)
        if user is not None:
            client.force_login(user)
        response = getattr(client, method)(url, data or {})
        if response.status_code != expected[persona]:
            mismatches.append((persona, expected[persona], response.status_code))
        if persona == "anonymous" and expected[persona] == REDIRECT:
            assert reverse("accounts:login") in response["Location"]
    assert mismatches == [], url_name


def test_matrix_covers_every_portfolios_url():
    names = {
        f"portfolios:{name}"
        for name in get_resolver().namespace_dict["portfolios"][1].reverse_dict
        if isinstance(name, str)
    }
    assert names == set(MATRIX)


def test_matrix_covers_every_persona():
    assert all(set(expected) == set(ALL_PERSONAS) for _build, expected in MATRIX.values())


@pytest.mark.parametrize("case", sorted(SUBMITTED_CASES))
def test_certifier_sees_submitted_portfolios_only(client, world, case):
    build, expected = SUBMITTED_CASES[case]
    client.force_login(world.serik)
    assert client.get(build(world)).status_code == expected


def test_certifier_cannot_open_a_draft_portfolio(client, world):
    client.force_login(world.serik)
    assert client.get(reverse("portfolios:portfolio-detail", args=[world.project_a.pk])).status_code == NOT_FOUND


def test_withdrawn_consent_takes_the_public_page_down(client, world):
    sharing.consent_withdraw(actor=world.talgat, project=world.project_a)
    url = reverse("portfolios:public-detail", args=[world.public_a.public_id])
    assert client.get(url).status_code == NOT_FOUND
    poster = reverse("portfolios:public-poster", args=[world.public_a.public_id])
    assert client.get(poster).status_code == NOT_FOUND


def test_submitted_list_shows_only_submitted_portfolios_of_ones_programmes(client, world):
    client.force_login(world.serik)
    listed = [portfolio.project_id for portfolio in client.get(reverse("portfolios:submitted-list")).context["page"]]
    assert listed == [world.project_b.pk]
    client.force_login(world.erbol)  # coordinator of another programme
    assert list(client.get(reverse("portfolios:submitted-list")).context["page"]) == []


def test_board_index_is_an_empty_page_before_any_programme_has_schools(client, cast):
    # A national reader sees the menu entry on a new platform: it must open, not answer 403.
    client.force_login(cast.dana)
    response = client.get(reverse("portfolios:board-index"))
    assert response.status_code == 200
    assert response.context["boards"] == [] and response.context["overview_programmes"] == []
    client.force_login(cast.olzhas)  # no role at all: still denied
    assert client.get(reverse("portfolios:board-index")).status_code == 403
