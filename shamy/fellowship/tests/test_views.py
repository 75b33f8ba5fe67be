"""Fellowship pages: who may open what (the matrix), the public application, the pipeline."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import translation

from shamy.accounts.services.users import api_token_create
from shamy.core.testing.cast import build_cast
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import FORBIDDEN, NOT_FOUND, OK, REDIRECT, Expect, Row, Visit, matrix_test
from shamy.core.testing.shared import shared_world
from shamy.fellowship.models import Application, Placement, PlacementRule, Stage, Vacancy
from shamy.fellowship.services.school_years import token_hash
from shamy.fellowship.tests.world import ALL, APPLICANT_TOKEN, OTHER_TOKEN, build_fellowship_cast

expect = Expect(ALL)
EVERYONE_302 = expect.everyone(REDIRECT, anonymous=None)
EVERYONE_200 = expect.everyone(OK, anonymous=None)
MANAGERS = {"aigerim", "gulnara"}
SEE_COHORT = {"aigerim", "dana", "gulnara", "dias"}


ALUMNI_TOKEN = "alumni-token-0123456789abcdefghijklmnopqrstuvwxyz0123"  # noqa: S105


def _survey(c):
    c.fellow_other.graduated_on = datetime.date(2026, 6, 21)
    c.fellow_other.alumni_token_hash = token_hash(ALUMNI_TOKEN)
    c.fellow_other.save()
    return reverse("fellowship:alumni-survey", kwargs={"token": ALUMNI_TOKEN})


PLACEMENT_READERS = {"aigerim", "gulnara", "dias", "bolat"}


def _placement(c):
    return reverse("fellowship:placement-detail", kwargs={"placement_id": c.placement.pk})


def _placement_action(name):
    return lambda c: reverse(name, kwargs={"placement_id": c.placement.pk})


def _locked_only_by_managers(visit: Visit) -> None:
    locked = PlacementRule.objects.filter(kind="lock").exists()
    assert locked == (visit.persona in MANAGERS)


def _reviewer_assigned_only_by_managers(visit: Visit) -> None:
    assigned = visit.cast.application.reviews.filter(reviewer=visit.cast.marat).exists()
    assert assigned == (visit.persona in MANAGERS)


def _posted_only_for_own_schools(visit: Visit) -> None:
    posted = Vacancy.objects.filter(subject="chemistry", school=visit.cast.school_a1).exists()
    assert posted == (visit.status == REDIRECT and visit.persona != "anonymous")


def _agreement_changed_only_by_managers(visit: Visit) -> None:
    from shamy.fellowship.models import Agreement

    ended = Agreement.objects.filter(region=visit.cast.region_a, status="ended", target_fellows=9).exists()
    assert ended == (visit.persona in MANAGERS)


def _mentor_set_only_by_managers(visit: Visit) -> None:
    mentor = Placement.objects.get(pk=visit.cast.placement.pk).mentor
    assert (mentor == visit.cast.asel) == (visit.persona in MANAGERS)


def _visited_only_by(visit: Visit, personas: set[str]) -> None:
    from shamy.fellowship.models import SupportVisit

    assert SupportVisit.objects.filter(placement=visit.cast.placement).exists() == (visit.persona in personas)


def _trained_only_by_managers(visit: Visit) -> None:
    from shamy.attendance.models import Gathering

    assert Gathering.objects.filter(title="Жазғы дайындық").exists() == (visit.persona in MANAGERS)


def _vacancy_changed_only_by_its_editors(visit: Visit) -> None:
    grades = Vacancy.objects.get(pk=visit.cast.vacancy_b1.pk).grades
    assert (grades == "8–11") == (visit.persona in {"aigerim", "gulnara", "saule"})


def _cohort_created_only_by_coordinators(visit: Visit) -> None:
    from shamy.fellowship.models import FellowshipCohort

    created = FellowshipCohort.objects.filter(cohort__name_ru="Когорта F2", target_fellows=12).exists()
    assert created == (visit.persona == "gulnara")


def _cohort_changed_only_by_managers(visit: Visit) -> None:
    from shamy.fellowship.models import FellowshipCohort

    cohort = FellowshipCohort.objects.select_related("cohort").get(pk=visit.cast.cohort.pk)
    assert (cohort.target_fellows == 14) == (visit.persona in MANAGERS)


def _corrected_only_by_managers(visit: Visit) -> None:
    corrected = Application.objects.get(pk=visit.cast.application.pk).full_name == "Жанар Сейітова"
    assert corrected == (visit.persona in MANAGERS)


def _detail(c):
    return reverse("fellowship:application-detail", kwargs={"application_id": c.application.pk})


def _rule_url(c):
    # get_or_create: the query fuzz may have posted this very rule already (rule-create).
    rule, _created = PlacementRule.objects.get_or_create(
        cohort=c.cohort, fellow=c.fellow_other, vacancy=c.vacancy_b1, defaults={"kind": PlacementRule.Kind.FORBID}
    )
    return reverse("fellowship:rule-delete", kwargs={"cohort_id": c.cohort.pk, "rule_id": rule.pk})


def _unchanged_unless_moved(visit: Visit) -> None:
    stage = Application.objects.get(pk=visit.cast.application.pk).stage
    moved = visit.status == REDIRECT and visit.persona != "anonymous"
    assert stage == (Stage.SCREENED if moved else Stage.APPLIED)


def _own_application_only(visit: Visit) -> None:
    body = visit.response.content.decode()
    assert 'id="application-stage"' in body
    assert "Олег Ким" not in body and "other@example.kz" not in body


def _bearer(user) -> dict[str, str]:
    _token, raw = api_token_create(actor=user, name="tests")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _only_own_placements(visit: Visit) -> None:
    if visit.status == OK:
        fellows = {row["fellow"] for row in visit.response.json()}
        expected = {
            "aigerim": {"Диас Нұрғалиев"},
            "gulnara": {"Диас Нұрғалиев"},
            "dias": {"Диас Нұрғалиев"},
            "dana": set(),
        }
        assert fellows == expected[visit.persona]


API_READERS = {"aigerim", "dana", "gulnara"}

MATRIX = [
    Row(
        "api:fellowship-cohort-list",
        lambda c: reverse("api:fellowship-cohort-list"),
        expect.each(FORBIDDEN, anonymous=401, aigerim=OK, dana=OK, gulnara=OK, dias=OK),
        auth=_bearer,
    ),
    Row(
        "api:fellowship-cohort-reach",
        lambda c: reverse("api:fellowship-cohort-reach", args=[c.cohort.pk]),
        expect.only(API_READERS, visible={"dias"}, anonymous=401),
        auth=_bearer,
    ),
    Row(
        "api:fellowship-placement-list",
        lambda c: reverse("api:fellowship-placement-list", args=[c.cohort.pk]),
        expect.only(SEE_COHORT, anonymous=401),
        auth=_bearer,
        check=_only_own_placements,
    ),
    Row(
        "fellowship:cohort-list",
        lambda c: reverse("fellowship:cohort-list"),
        expect.everyone(OK) | {"olzhas": FORBIDDEN},
    ),
    Row(
        "fellowship:apply-start",
        lambda c: reverse("fellowship:apply-start", kwargs={"cohort_id": c.cohort.pk}),
        EVERYONE_200,
    ),
    Row(
        "fellowship:apply-start",
        lambda c: reverse("fellowship:apply-start", kwargs={"cohort_id": c.cohort.pk}),
        EVERYONE_302,
        method="post",
        data=lambda c: {"email": "new@example.kz", "website": ""},
        label="start",
        login_redirect=False,
    ),
    Row(
        "fellowship:apply-edit",
        lambda c: reverse("fellowship:apply-edit", kwargs={"token": APPLICANT_TOKEN}),
        EVERYONE_200,
        check=_own_application_only,
    ),
    Row(
        "fellowship:apply-edit",
        lambda c: reverse("fellowship:apply-edit", kwargs={"token": "not-a-token"}),
        expect.everyone(NOT_FOUND, anonymous=None),
        label="unknown token",
    ),
    Row(
        "fellowship:apply-withdraw",
        lambda c: reverse("fellowship:apply-withdraw", kwargs={"token": OTHER_TOKEN}),
        EVERYONE_302,
        method="post",
        login_redirect=False,
    ),
    Row(
        "fellowship:cohort-detail",
        lambda c: reverse("fellowship:cohort-detail", kwargs={"cohort_id": c.cohort.pk}),
        expect.only({"aigerim", "dana", "gulnara"}, visible=SEE_COHORT),
    ),
    Row(
        "fellowship:application-list",
        lambda c: reverse("fellowship:application-list", kwargs={"cohort_id": c.cohort.pk}),
        expect.only(MANAGERS, visible=SEE_COHORT),
    ),
    Row(
        "fellowship:application-list",
        lambda c: reverse("fellowship:application-list", kwargs={"cohort_id": c.cohort.pk}),
        expect.only(MANAGERS, visible=SEE_COHORT, ok=REDIRECT),
        method="post",
        data=lambda c: {"to_stage": Stage.SCREENED, "applications": [c.application.pk]},
        label="move",
        check=_unchanged_unless_moved,
    ),
    Row(
        "fellowship:placement",
        lambda c: reverse("fellowship:placement", kwargs={"cohort_id": c.cohort.pk}),
        expect.only(MANAGERS, visible=SEE_COHORT),
    ),
    Row(
        "fellowship:placement",
        lambda c: reverse("fellowship:placement", kwargs={"cohort_id": c.cohort.pk}),
        expect.only(MANAGERS, visible=SEE_COHORT, ok=REDIRECT),
        method="post",
        data=lambda c: {"starts_on": "2025-09-01"},
        label="apply",
    ),
    Row(
        "fellowship:placement-rule",
        lambda c: reverse("fellowship:placement-rule", kwargs={"cohort_id": c.cohort.pk}),
        expect.only(MANAGERS, visible=SEE_COHORT, ok=REDIRECT),
        method="post",
        data=lambda c: {"fellow": c.fellow_other.pk, "vacancy": c.vacancy_b1.pk, "kind": "lock"},
        check=_locked_only_by_managers,
    ),
    Row("fellowship:rule-delete", _rule_url, expect.only(MANAGERS, ok=REDIRECT), method="post"),
    Row(
        "fellowship:application-detail",
        _detail,
        expect.only({"aigerim", "gulnara", "asel"}),
    ),
    Row(
        "fellowship:application-score",
        lambda c: reverse("fellowship:application-score", kwargs={"application_id": c.application.pk}),
        expect.only({"asel"}, visible={"aigerim", "gulnara"}, ok=REDIRECT),
        method="post",
        data=lambda c: {
            f"score_{key}": 4 for key in ("motivation", "subject", "leadership", "resilience", "communication")
        },
        label="score",
    ),
    Row("fellowship:alumni-survey", _survey, EVERYONE_200),
    Row(
        "fellowship:alumni-survey",
        _survey,
        EVERYONE_302,
        method="post",
        data=lambda c: {"pathway": "teaching", "organisation": "Ауыл мектебі", "in_rural_school": "on"},
        label="answer",
        login_redirect=False,
    ),
    Row(
        "fellowship:alumni-survey",
        lambda c: reverse("fellowship:alumni-survey", kwargs={"token": "nobody"}),
        expect.everyone(NOT_FOUND, anonymous=None),
        label="unknown token",
    ),
    Row(
        "fellowship:alumni-survey-send",
        lambda c: reverse("fellowship:alumni-survey-send", kwargs={"cohort_id": c.cohort.pk}),
        expect.only(MANAGERS, visible=SEE_COHORT, ok=REDIRECT),
        method="post",
    ),
    Row("fellowship:placement-detail", _placement, expect.only(PLACEMENT_READERS)),
    Row(
        "fellowship:placement-check-in",
        _placement_action("fellowship:placement-check-in"),
        expect.only({"dias", "bolat"}, visible=PLACEMENT_READERS, ok=REDIRECT),
        method="post",
        data=lambda c: {"year": 1, "kind": "mid_term", "progress": 4, "notes": "Жақсы"},
    ),
    Row(
        "fellowship:placement-visit",
        _placement_action("fellowship:placement-visit"),
        expect.only({"gulnara"}, visible=PLACEMENT_READERS, ok=REDIRECT),
        method="post",
        data=lambda c: {"visited_on": "2025-03-04", "starts_at": "10:00", "hours": "2", "notes": "Сабаққа қатыстым"},
        check=lambda visit: _visited_only_by(visit, {"gulnara"}),
    ),
    Row(
        "fellowship:training-schedule",
        lambda c: reverse("fellowship:training-schedule", kwargs={"cohort_id": c.cohort.pk}),
        expect.only(MANAGERS, visible=SEE_COHORT, ok=REDIRECT),
        method="post",
        data=lambda c: {
            "kind": "induction",
            "title": "Жазғы дайындық",
            "starts_at": "2025-07-01T09:00",
            "ends_at": "2025-07-01T15:00",
        },
        check=_trained_only_by_managers,
    ),
    Row(
        "fellowship:placement-class",
        _placement_action("fellowship:placement-class"),
        expect.only({"dias", "gulnara"}, visible=PLACEMENT_READERS, ok=REDIRECT),
        method="post",
        data=lambda c: {"school_year": 2024, "name": "7 Ә", "subject": "mathematics", "pupils": "1 2 3"},
    ),
    Row(
        "fellowship:placement-leave",
        _placement_action("fellowship:placement-leave"),
        expect.only(MANAGERS, visible=PLACEMENT_READERS, ok=REDIRECT),
        method="post",
        data=lambda c: {"left_on": "2025-02-01", "reason": "health"},
    ),
    Row(
        "fellowship:placement-people",
        _placement_action("fellowship:placement-people"),
        expect.only(MANAGERS, visible=PLACEMENT_READERS, ok=REDIRECT),
        method="post",
        data=lambda c: {"mentor_email": "asel@example.kz"},
        check=_mentor_set_only_by_managers,
    ),
    Row(
        "fellowship:placement-graduate",
        _placement_action("fellowship:placement-graduate"),
        expect.only(MANAGERS, visible=PLACEMENT_READERS, ok=REDIRECT),
        method="post",
    ),
    Row(
        "fellowship:review-assign",
        lambda c: reverse("fellowship:review-assign", kwargs={"application_id": c.application.pk}),
        expect.only(MANAGERS, visible={"aigerim", "gulnara", "asel"}, ok=REDIRECT),
        method="post",
        data=lambda c: {"email": "marat@example.kz"},
        check=_reviewer_assigned_only_by_managers,
    ),
    Row(
        "fellowship:vacancy-list",
        lambda c: reverse("fellowship:vacancy-list"),
        expect.each(FORBIDDEN, aigerim=OK, kairat=OK, bolat=OK, saule=OK),
    ),
    Row(
        "fellowship:vacancy-list",
        lambda c: reverse("fellowship:vacancy-list"),
        expect.each(FORBIDDEN, aigerim=REDIRECT, kairat=REDIRECT, bolat=REDIRECT, saule=OK),
        method="post",
        data=lambda c: {
            "programme": c.programme.pk,
            "school": c.school_a1.pk,
            "subject": "chemistry",
            "grades": "7–11",
            "language": "kk",
            "starts_on": "2027-09-01",
        },
        label="post",
        check=_posted_only_for_own_schools,
    ),
    Row(
        "fellowship:application-edit",
        lambda c: reverse("fellowship:application-edit", kwargs={"application_id": c.application.pk}),
        expect.only(MANAGERS, visible={"aigerim", "gulnara", "asel"}),
    ),
    Row(
        "fellowship:application-edit",
        lambda c: reverse("fellowship:application-edit", kwargs={"application_id": c.application.pk}),
        expect.only(MANAGERS, visible={"aigerim", "gulnara", "asel"}, ok=REDIRECT),
        method="post",
        data=lambda c: {
            "full_name": "Жанар Сейітова",
            "subjects": ["mathematics"],
            "languages": ["kk"],
            "accepted_regions": [c.region_a.pk],
        },
        label="correct",
        check=_corrected_only_by_managers,
    ),
    Row(
        "fellowship:vacancy-edit",
        lambda c: reverse("fellowship:vacancy-edit", kwargs={"vacancy_id": c.vacancy_b1.pk}),
        expect.only({"aigerim", "gulnara", "saule"}),
    ),
    Row(
        "fellowship:vacancy-edit",
        lambda c: reverse("fellowship:vacancy-edit", kwargs={"vacancy_id": c.vacancy_b1.pk}),
        expect.only({"aigerim", "gulnara", "saule"}, ok=REDIRECT),
        method="post",
        data=lambda c: {"subject": "physics", "grades": "8–11", "language": "ru", "starts_on": "2027-09-01"},
        label="save",
        check=_vacancy_changed_only_by_its_editors,
    ),
    Row(
        "fellowship:cohort-create",
        lambda c: reverse("fellowship:cohort-create"),
        expect.each(FORBIDDEN, gulnara=OK),
    ),
    Row(
        "fellowship:cohort-create",
        lambda c: reverse("fellowship:cohort-create"),
        expect.each(FORBIDDEN, gulnara=REDIRECT),
        method="post",
        data=lambda c: {
            "programme": c.programme.pk,
            "name_kk": "F2 когорта",
            "name_ru": "Когорта F2",
            "starts_on": "2026-08-01",
            "ends_on": "2028-06-30",
            "target_fellows": 12,
        },
        label="create",
        check=_cohort_created_only_by_coordinators,
    ),
    Row(
        "fellowship:cohort-edit",
        lambda c: reverse("fellowship:cohort-edit", kwargs={"cohort_id": c.cohort.pk}),
        expect.only(MANAGERS, visible=SEE_COHORT),
    ),
    Row(
        "fellowship:cohort-edit",
        lambda c: reverse("fellowship:cohort-edit", kwargs={"cohort_id": c.cohort.pk}),
        expect.only(MANAGERS, visible=SEE_COHORT, ok=REDIRECT),
        method="post",
        data=lambda c: {
            "name_kk": "F1 когорта (өзгертілген)",
            "name_ru": "Когорта F1",
            "starts_on": "2024-06-01",
            "ends_on": "2026-06-30",
            "target_fellows": 14,
            "applications_open": "on",
        },
        label="save",
        check=_cohort_changed_only_by_managers,
    ),
    Row(
        "fellowship:agreement-save",
        lambda c: reverse("fellowship:agreement-save", kwargs={"cohort_id": c.cohort.pk}),
        expect.only(MANAGERS, visible=SEE_COHORT, ok=REDIRECT),
        method="post",
        data=lambda c: {"region": c.region_a.pk, "status": "ended", "target_fellows": 9, "target_schools": 3},
        check=_agreement_changed_only_by_managers,
    ),
    Row(
        "fellowship:application-file",
        lambda c, s: reverse("fellowship:application-file", kwargs={"application_id": c.application.pk, "kind": "cv"}),
        expect.only({"aigerim", "gulnara", "asel"}),
    ),
]


@pytest.fixture
def fellowship_files(fellowship_cast, settings, tmp_path):
    """The applicant's CV in a temporary media folder."""
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    application = fellowship_cast.application
    application.cv.save("cv.pdf", ContentFile(b"%PDF-1.4\n%%EOF\n"), save=True)
    return application


MATRIX_WITH_FILES = [row for row in MATRIX if row.url_name == "fellowship:application-file"]


def _fellowship_world():
    return build_fellowship_cast(build_cast()), None


# The fixture fellowship_cast, built once for all the cases (shamy.core.testing.shared).
fellowship_world = shared_world(_fellowship_world)
test_fellowship_matrix = matrix_test(
    [row for row in MATRIX if row.url_name != "fellowship:application-file"], ALL, world="fellowship_world"
)
test_fellowship_file_matrix = matrix_test(MATRIX_WITH_FILES, ALL, cast="fellowship_cast", scene="fellowship_files")
test_fellowship_query_parameters = query_fuzz_test(
    [row for row in MATRIX if row.url_name != "fellowship:application-file"], ALL, cast="fellowship_cast"
)


# --- journeys without a browser ----------------------------------------------------------------


@pytest.mark.django_db
def test_the_honeypot_refuses_a_bot(client, fellowship_cast):
    url = reverse("fellowship:apply-start", kwargs={"cohort_id": fellowship_cast.cohort.pk})
    response = client.post(url, {"email": "bot@example.kz", "website": "http://spam"})
    assert response.status_code == OK
    assert not Application.objects.filter(email="bot@example.kz").exists()


@pytest.mark.django_db
def test_starts_are_rate_limited_per_address(client, fellowship_cast):
    url = reverse("fellowship:apply-start", kwargs={"cohort_id": fellowship_cast.cohort.pk})
    statuses = [client.post(url, {"email": f"a{n}@example.kz"}).status_code for n in range(12)]
    assert statuses[:10] == [REDIRECT] * 10
    assert statuses[10:] == [429, 429]
    assert Application.objects.filter(email__startswith="a", stage=Stage.DRAFT).count() == 10


@pytest.mark.django_db
def test_an_applicant_applies_in_kazakh_and_sees_their_status(
    client, fellowship_cast, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    c = fellowship_cast
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("fellowship:apply-start", kwargs={"cohort_id": c.cohort.pk}), {"email": "zh@example.kz"}
        )
    assert response.status_code == REDIRECT
    edit_url = response["Location"]
    application = Application.objects.get(email="zh@example.kz")
    assert application.language == "kk"
    assert mail.outbox[0].subject == "Бағдарламаға өтінішіңіз"
    page = client.get(edit_url)
    assert "Өтінішімді жіберу" in page.content.decode()
    cv = ContentFile(b"%PDF-1.4\n%%EOF\n", name="cv.pdf")
    data = {
        "full_name": "Жанар Әлиева",
        "university": "Қарағанды университеті",
        "subjects": ["english"],
        "languages": ["kk", "en"],
        "accepted_regions": [c.region_a.pk],
        "first_region": c.region_a.pk,
        "motivation": "Ауыл балаларына ағылшын тілін үйреткім келеді.",
        "cv": cv,
        "submit": "1",
    }
    response = client.post(edit_url, data)
    assert response.status_code == REDIRECT, response.content.decode()[:2000]
    application.refresh_from_db()
    assert application.stage == Stage.APPLIED
    assert application.ranked_regions == [c.region_a.pk]
    status = client.get(edit_url).content.decode()
    assert "Өтініш берілді" in status


@pytest.mark.django_db
def test_the_pipeline_page_makes_the_same_queries_for_2_and_20_applications(
    client, fellowship_cast, django_assert_max_num_queries
):
    c = fellowship_cast
    client.force_login(c.gulnara)
    url = reverse("fellowship:application-list", kwargs={"cohort_id": c.cohort.pk})
    client.get(url)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as two:
        assert client.get(url).status_code == OK
    for n in range(18):
        Application.objects.create(
            cohort=c.cohort, token_hash=f"h{n}", email=f"p{n}@example.kz", full_name=f"Үміткер {n}", stage=Stage.APPLIED
        )
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(url).status_code == OK
    assert len(twenty) == len(two)


@pytest.mark.django_db
def test_the_placement_page_explains_and_locks(client, fellowship_cast):
    c = fellowship_cast
    client.force_login(c.gulnara)
    url = reverse("fellowship:placement", kwargs={"cohort_id": c.cohort.pk})
    with translation.override("en"):
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Айдана Төлеген" in body
    rule_url = reverse("fellowship:placement-rule", kwargs={"cohort_id": c.cohort.pk})
    response = client.post(rule_url, {"fellow": c.fellow_other.pk, "vacancy": c.vacancy_b1.pk, "kind": "lock"})
    assert response.status_code == REDIRECT
    assert PlacementRule.objects.filter(kind="lock").count() == 1
    body = client.get(url).content.decode()
    assert "badge" in body  # the locked match is marked


@pytest.mark.django_db
def test_a_fellows_classes_count_each_child_once_on_their_page(client, fellowship_cast):
    c = fellowship_cast
    client.force_login(c.dias)
    url = reverse("fellowship:placement-detail", kwargs={"placement_id": c.placement.pk})
    add = reverse("fellowship:placement-class", kwargs={"placement_id": c.placement.pk})
    for name, pupils in (("7 Ә", "1, 2, 3"), ("8 Б", "3 4")):
        data = {"school_year": 2024, "name": name, "subject": "mathematics", "pupils": pupils}
        assert client.post(add, data).status_code == REDIRECT
    page = client.get(url).content.decode()
    assert 'id="reach-direct">4<' in page
    assert 'id="my-placements"' in client.get(reverse("fellowship:cohort-list")).content.decode()


@pytest.mark.django_db
def test_alumni_get_a_yearly_link_and_answer_through_it(client, fellowship_cast, django_capture_on_commit_callbacks):
    c = fellowship_cast
    c.fellow_dias.graduated_on = datetime.date(2026, 6, 21)
    c.fellow_dias.save()
    client.force_login(c.gulnara)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("fellowship:alumni-survey-send", kwargs={"cohort_id": c.cohort.pk}))
    assert [m.to for m in mail.outbox] == [["dias@example.kz"]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/fellowship/alumni/" in line)
    client.logout()
    response = client.post(link, {"pathway": "policy", "organisation": "Министрлік"})
    assert response.status_code == REDIRECT
    assert c.fellow_dias.pathways.get().pathway == "policy"


@pytest.mark.django_db
def test_the_api_gives_reach_counted_once(client, fellowship_cast):
    c = fellowship_cast
    from shamy.fellowship.services.school_years import taught_class_record

    taught_class_record(
        actor=c.dias, placement=c.placement, school_year=2024, name="7", subject="mathematics", pupil_codes=["1", "2"]
    )
    taught_class_record(
        actor=c.dias, placement=c.placement, school_year=2025, name="8", subject="mathematics", pupil_codes=["2", "3"]
    )
    body = client.get(reverse("api:fellowship-cohort-list"), **_bearer(c.gulnara)).json()
    assert body[0]["reach"] == {
        "fellows_placed": 1,
        "fellows_retained": 1,
        "schools": 1,
        "children_direct": 3,
        "children_indirect": c.school_a1.pupils,
    }
    schema = client.get(reverse("api:openapi-json")).json()
    assert "/api/v1/fellowship/cohorts/{cohort_id}/reach" in schema["paths"]


@pytest.mark.django_db
def test_a_fellows_account_gets_the_fellow_role_and_sees_their_placement(client, fellowship_cast):
    from shamy.access.models import Membership

    c = fellowship_cast
    other = Placement.objects.create(
        fellow=c.fellow_other,
        school=c.school_b1,
        subject="physics",
        starts_on=datetime.date(2024, 9, 1),
        ends_on=datetime.date(2026, 6, 1),
    )
    client.force_login(c.gulnara)
    url = reverse("fellowship:placement-people", kwargs={"placement_id": other.pk})
    assert client.post(url, {"fellow_email": "olzhas@example.kz"}).status_code == REDIRECT
    assert Membership.objects.filter(user=c.olzhas, role="fellow", cohort=c.cohort.cohort).exists()
    client.force_login(c.olzhas)
    page = client.get(reverse("fellowship:placement-detail", kwargs={"placement_id": other.pk}))
    assert page.status_code == OK
    assert "fellowship:placement-check-in" not in page.content.decode()


@pytest.mark.django_db
def test_the_placement_page_says_when_the_solver_stopped_at_its_time_limit(rf, fellowship_cast):
    """A result HiGHS did not prove optimal (a real one: a hard input and a 0.2-second limit) is
    shown with the proven bound; a proven one (the page above) has no such note."""
    from django.template.loader import render_to_string

    from shamy.fellowship import placement as solver
    from shamy.fellowship.forms import ApplyForm
    from shamy.fellowship.services.placement import Run
    from shamy.fellowship.tests.test_placement import sparse_districts_case

    c = fellowship_cast
    result = solver.solve(sparse_districts_case(), time_limit=0.2)
    assert not result.exact and result.bound is not None
    request = rf.get("/")
    request.user = c.gulnara
    context = {"cohort": c.cohort, "run": Run(result=result), "rules": [], "apply_form": ApplyForm()}
    with translation.override("en"):
        body = render_to_string("fellowship/placement.html", context, request=request)
    assert 'id="not-proven"' in body and f"{result.bound:.2f}" in body
    proven = Run(result=solver.solve({"scores": {"a": {"x": 1}}}))
    with translation.override("en"):
        assert 'id="not-proven"' not in render_to_string(
            "fellowship/placement.html", {**context, "run": proven}, request=request
        )
