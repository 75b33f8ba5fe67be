"""Authorization matrix: every portfolios URL × every persona of the core and programme casts."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shamy.core.testing.cast import build_cast
from shamy.core.testing.files import jpeg_with_gps
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import (
    FORBIDDEN,
    NOT_FOUND,
    OK,
    REDIRECT,
    Expect,
    Row,
    matrix_test,
    namespace_url_names,
    url_names,
)
from shamy.core.testing.shared import shared_world
from shamy.portfolios.models import FocusTheme, Thread
from shamy.portfolios.services import evidence, projects, sharing
from shamy.portfolios.tests.conftest import make_project, submit_directly
from shamy.programmes.testing import ALL_PERSONAS, build_programme_cast

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(programme_cast):
    """Project A: talgat's, school A1 cohort A, draft portfolio, a photo, a step, published.
    Project B: tomiris's, school B1 cohort B, portfolio submitted, a photo."""
    return build_world(programme_cast)


def build_world(cast):
    project_a = make_project(cast.talgat, cast.cohort_a, title="Оқу сауаттылығы")
    photo_a = evidence.evidence_add(
        actor=cast.talgat,
        project=project_a,
        title="Сабақ",
        upload=SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg"),
        publication_consent=True,
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


tables = Expect(ALL_PERSONAS)
expect = tables.each  # (default status, persona=status...); anonymous is sent to sign in


# Who reaches project A (talgat's, A1, cohort A) at all: the teacher, the school facilitator,
# the principal, the link facilitator and the coordinator.
PROJECT_A_VIEWERS = ("talgat", "timur", "bolat", "madina", "aliya")


def viewers(status: int, **others: int) -> dict[str, int]:
    return expect(**({name: status for name in PROJECT_A_VIEWERS} | others))


def only_teacher(teacher_status: int) -> dict[str, int]:
    return viewers(FORBIDDEN, talgat=teacher_status)


def everyone(status: int) -> dict[str, int]:
    return tables.everyone(status, anonymous=None)


# The url and data builders take the world (the programme cast with the projects above); each
# (row, persona) case gets a world of its own.
MATRIX = [
    Row(
        "portfolios:project-list",
        lambda c: reverse("portfolios:project-list"),
        expect(FORBIDDEN, talgat=OK, tomiris=OK),
    ),
    Row(
        "portfolios:project-create",
        lambda c: reverse("portfolios:project-create"),
        expect(FORBIDDEN, talgat=OK, tomiris=OK),
    ),
    Row(
        "portfolios:project-detail", lambda c: reverse("portfolios:project-detail", args=[c.project_a.pk]), viewers(OK)
    ),
    Row(
        "portfolios:project-edit", lambda c: reverse("portfolios:project-edit", args=[c.project_a.pk]), only_teacher(OK)
    ),
    Row(
        "portfolios:project-stage",
        lambda c: reverse("portfolios:project-stage", args=[c.project_a.pk]),
        only_teacher(REDIRECT),
        method="post",
        data=lambda c: {"stage": c.programme.stages.get(code="values").pk},
    ),
    Row(
        "portfolios:step-add",
        lambda c: reverse("portfolios:step-add", args=[c.project_a.pk]),
        only_teacher(REDIRECT),
        method="post",
        data=lambda c: {"title": "Қадам", "due_on": "2026-12-01"},
    ),
    Row(
        "portfolios:step-done",
        lambda c: reverse("portfolios:step-done", args=[c.step_a.pk]),
        only_teacher(REDIRECT),
        method="post",
        data=lambda c: {"done": "1"},
    ),
    Row(
        "portfolios:journal-add",
        lambda c: reverse("portfolios:journal-add", args=[c.project_a.pk]),
        only_teacher(REDIRECT),
        method="post",
        data=lambda c: {"text": "Бүгін...", "written_on": "2026-11-20"},
    ),
    Row(
        "portfolios:comment-add",
        lambda c: reverse("portfolios:comment-add", args=[c.project_a.pk, Thread.LINK]),
        viewers(FORBIDDEN, talgat=REDIRECT, madina=REDIRECT, aliya=REDIRECT),
        method="post",
        data=lambda c: {"text": "Жарайсыз"},
    ),
    Row(
        "portfolios:project-endorse",
        lambda c: reverse("portfolios:project-endorse", args=[c.project_a.pk]),
        viewers(FORBIDDEN, bolat=REDIRECT),
        method="post",
        data=lambda c: {"note": "Иә"},
    ),
    Row(
        "portfolios:evidence-add", lambda c: reverse("portfolios:evidence-add", args=[c.project_a.pk]), only_teacher(OK)
    ),
    Row("portfolios:evidence-file", lambda c: reverse("portfolios:evidence-file", args=[c.photo_a.pk]), viewers(OK)),
    Row(
        "portfolios:evidence-delete",
        lambda c: reverse("portfolios:evidence-delete", args=[c.photo_a.pk]),
        only_teacher(REDIRECT),
        method="post",
    ),
    Row(
        "portfolios:evidence-delete",
        lambda c: reverse("portfolios:evidence-delete", args=[c.photo_a.pk]),
        only_teacher(OK),
        label="confirm page",
    ),
    Row(
        "portfolios:evidence-publication",
        lambda c: reverse("portfolios:evidence-publication", args=[c.photo_a.pk]),
        only_teacher(REDIRECT),
        method="post",
        data=lambda c: {"published": "0"},
    ),
    Row(
        "portfolios:evidence-thumbnail",
        lambda c: reverse("portfolios:evidence-thumbnail", args=[c.photo_a.pk]),
        viewers(OK),
    ),
    Row(
        "portfolios:portfolio-detail",
        lambda c: reverse("portfolios:portfolio-detail", args=[c.project_a.pk]),
        viewers(OK),
    ),
    Row(
        "portfolios:portfolio-submit",
        lambda c: reverse("portfolios:portfolio-submit", args=[c.project_a.pk]),
        only_teacher(REDIRECT),
        method="post",
    ),
    Row(
        "portfolios:portfolio-submit",
        lambda c: reverse("portfolios:portfolio-submit", args=[c.project_a.pk]),
        only_teacher(OK),
        label="confirm page",
    ),
    Row(
        "portfolios:portfolio-export-pdf",
        lambda c: reverse("portfolios:portfolio-export-pdf", args=[c.project_a.pk]),
        viewers(OK),
    ),
    Row(
        "portfolios:portfolio-export-zip",
        lambda c: reverse("portfolios:portfolio-export-zip", args=[c.project_a.pk]),
        viewers(OK),
    ),
    Row(
        "portfolios:submitted-list",
        lambda c: reverse("portfolios:submitted-list"),
        expect(FORBIDDEN, serik=OK, aliya=OK, erbol=OK),
    ),
    Row(
        "portfolios:section-edit", lambda c: reverse("portfolios:section-edit", args=[c.section_a.pk]), only_teacher(OK)
    ),
    Row(
        "portfolios:autosave",
        lambda c: reverse("portfolios:autosave"),
        expect(NOT_FOUND, talgat=OK),
        method="post",
        data=lambda c: {"key": f"section:{c.section_a.pk}", "body": "..."},
    ),
    Row(
        "portfolios:project-share",
        lambda c: reverse("portfolios:project-share", args=[c.project_a.pk]),
        only_teacher(OK),
    ),
    Row(
        "portfolios:board-index",
        lambda c: reverse("portfolios:board-index"),
        expect(FORBIDDEN, aliya=OK, timur=OK, madina=OK, bolat=OK, saule=OK, nurlan=OK, erbol=OK, aigerim=OK, dana=OK),
    ),
    Row(
        "portfolios:board",
        lambda c: reverse("portfolios:board", args=[c.cohort_a.pk]) + f"?school={c.school_a1.pk}",
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
    Row(
        "portfolios:link-overview",
        lambda c: reverse("portfolios:link-overview", args=[c.programme.pk]),
        expect(FORBIDDEN, aliya=OK, madina=OK, erbol=NOT_FOUND, kairat=NOT_FOUND, olzhas=NOT_FOUND),
    ),
    Row(
        "portfolios:programme-overview",
        lambda c: reverse("portfolios:programme-overview", args=[c.programme.pk]),
        expect(
            FORBIDDEN, aliya=OK, nurlan=OK, aigerim=OK, dana=OK, erbol=NOT_FOUND, kairat=NOT_FOUND, olzhas=NOT_FOUND
        ),
    ),
    Row(
        "portfolios:theme-list",
        lambda c: reverse("portfolios:theme-list"),
        expect(FORBIDDEN, aigerim=OK, aliya=OK, erbol=OK),
    ),
    Row(
        "portfolios:theme-edit",
        lambda c: reverse("portfolios:theme-edit", args=[c.theme.pk]),
        expect(FORBIDDEN, aigerim=OK, aliya=OK, erbol=OK),
    ),
    Row("portfolios:public-list", lambda c: reverse("portfolios:public-list"), everyone(OK)),
    Row(
        "portfolios:public-photo",
        lambda c: reverse("portfolios:public-photo", args=[c.public_a.public_id, c.photo_a.pk]),
        everyone(OK),
    ),
    Row(
        "portfolios:public-detail",
        lambda c: reverse("portfolios:public-detail", args=[c.public_a.public_id]),
        everyone(OK),
    ),
    Row(
        "portfolios:public-poster",
        lambda c: reverse("portfolios:public-poster", args=[c.public_a.public_id]) + "?size=A3",
        everyone(OK),
    ),
]


def _portfolios_world():
    return build_world(build_programme_cast(build_cast())), None


# The fixture world, built once for all the cases (shamy.core.testing.shared).
portfolios_world = shared_world(_portfolios_world)
test_portfolios_permission_matrix = matrix_test(MATRIX, ALL_PERSONAS, world="portfolios_world")
test_portfolios_query_parameters = query_fuzz_test(MATRIX, ALL_PERSONAS, cast="world")

# The certifier reaches project B only because its portfolio is submitted: the portfolio and
# its evidence, never the project page with its journal and threads.
SUBMITTED_ROWS = [
    Row(
        "portfolios:portfolio-detail",
        lambda c: reverse("portfolios:portfolio-detail", args=[c.project_b.pk]),
        {"serik": OK},
    ),
    Row("portfolios:evidence-file", lambda c: reverse("portfolios:evidence-file", args=[c.photo_b.pk]), {"serik": OK}),
    Row(
        "portfolios:portfolio-export-zip",
        lambda c: reverse("portfolios:portfolio-export-zip", args=[c.project_b.pk]),
        {"serik": OK},
    ),
    Row(
        "portfolios:project-detail",
        lambda c: reverse("portfolios:project-detail", args=[c.project_b.pk]),
        {"serik": FORBIDDEN},
    ),
    Row(
        "portfolios:project-edit",
        lambda c: reverse("portfolios:project-edit", args=[c.project_b.pk]),
        {"serik": FORBIDDEN},
    ),
]
test_certifier_sees_submitted_portfolios_only = matrix_test(SUBMITTED_ROWS, ["serik"], cast="world")


def test_matrix_covers_every_portfolios_url():
    assert namespace_url_names("portfolios") == url_names(MATRIX)


def test_matrix_covers_every_persona():
    assert all(set(row.expected) == set(ALL_PERSONAS) for row in MATRIX)


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
