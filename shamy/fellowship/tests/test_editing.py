"""Creating and editing fellowship cohorts, and editing vacancies: services audited, forms keep
what was typed when they refuse it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from shamy.audit.models import AuditEntry
from shamy.fellowship.models import Application, FellowshipCohort, Placement, Vacancy
from shamy.fellowship.services.editing import fellowship_cohort_create, fellowship_cohort_update, vacancy_update

pytestmark = pytest.mark.django_db


def _cohort_values(**changes):
    return {
        "name_kk": "F2 когорта",
        "name_ru": "Когорта F2",
        "name_en": "",
        "starts_on": datetime.date(2026, 8, 1),
        "ends_on": datetime.date(2028, 6, 30),
        "target_fellows": 12,
        "applications_open": True,
        "applications_close_on": datetime.date(2026, 3, 31),
        **changes,
    }


def test_a_coordinator_opens_a_fellowship_cohort_in_their_programme(fellowship_cast):
    c = fellowship_cast
    cohort = fellowship_cohort_create(actor=c.gulnara, programme=c.programme, **_cohort_values())
    assert cohort.cohort.programme == c.programme and cohort.target_fellows == 12 and cohort.applications_open
    assert AuditEntry.objects.filter(action="fellowship.cohort.created", actor=c.gulnara).exists()
    assert AuditEntry.objects.filter(action="programmes.cohort.created", actor=c.gulnara).exists()
    with pytest.raises(PermissionDenied):
        fellowship_cohort_create(actor=c.aigerim, programme=c.programme, **_cohort_values(name_ru="Другая"))
    with pytest.raises(ValidationError):  # outside the programme's period
        fellowship_cohort_create(
            actor=c.gulnara, programme=c.programme, **_cohort_values(ends_on=datetime.date(2031, 6, 30))
        )
    with pytest.raises(ValidationError):  # applications close after the cohort ends
        fellowship_cohort_create(
            actor=c.gulnara,
            programme=c.programme,
            **_cohort_values(name_ru="Третья", applications_close_on=datetime.date(2029, 1, 1)),
        )
    assert FellowshipCohort.objects.filter(cohort__programme=c.programme).count() == 2


def test_editing_a_cohort_records_before_and_after(fellowship_cast):
    c = fellowship_cast
    fellowship_cohort_update(
        actor=c.gulnara,
        fellowship=c.cohort,
        **_cohort_values(name_ru="Когорта F1*", starts_on=datetime.date(2024, 6, 1), applications_open=False),
    )
    c.cohort.refresh_from_db()
    c.cohort.cohort.refresh_from_db()
    assert c.cohort.cohort.name_ru == "Когорта F1*" and not c.cohort.applications_open
    entry = AuditEntry.objects.get(action="fellowship.cohort.updated")
    assert entry.before["name_ru"] == "Когорта F1" and entry.after["name_ru"] == "Когорта F1*"
    for outsider in (c.dias, c.bolat, c.dana):
        with pytest.raises(PermissionDenied):
            fellowship_cohort_update(actor=outsider, fellowship=c.cohort, **_cohort_values())


def test_a_vacancy_is_edited_or_closed_by_its_school_or_the_coordinator(fellowship_cast):
    c = fellowship_cast
    values = {
        "subject": "physics",
        "grades": "8–11",
        "language": "ru",
        "starts_on": datetime.date(2027, 9, 1),
        "housing": True,
        "is_open": False,
    }
    vacancy = vacancy_update(actor=c.saule, vacancy=c.vacancy_b1, **values)
    assert (vacancy.grades, vacancy.is_open, vacancy.housing) == ("8–11", False, True)
    entry = AuditEntry.objects.get(action="fellowship.vacancy.updated")
    assert entry.before["is_open"] is True and entry.after["is_open"] is False
    vacancy_update(actor=c.gulnara, vacancy=c.vacancy_b1, **{**values, "is_open": True})
    for outsider in (c.bolat, c.kairat, c.dias, c.olzhas):
        with pytest.raises(PermissionDenied):
            vacancy_update(actor=outsider, vacancy=c.vacancy_b1, **values)


def test_a_filled_vacancy_keeps_its_subject_and_language(fellowship_cast):
    c = fellowship_cast
    assert Placement.objects.filter(vacancy=c.vacancy_a1).exists()
    values = {"grades": "5–11", "starts_on": datetime.date(2024, 9, 1), "housing": True, "is_open": True}
    with pytest.raises(ValidationError):
        vacancy_update(actor=c.bolat, vacancy=c.vacancy_a1, subject="physics", language="kk", **values)
    vacancy_update(actor=c.bolat, vacancy=c.vacancy_a1, subject="mathematics", language="kk", **values)
    assert Vacancy.objects.get(pk=c.vacancy_a1.pk).grades == "5–11"


def test_the_forms_keep_what_was_typed_when_refused(client, fellowship_cast):
    c = fellowship_cast
    client.force_login(c.gulnara)
    response = client.post(
        reverse("fellowship:cohort-create"),
        {
            "programme": c.programme.pk,
            "name_kk": "Жаңа когорта",
            "name_ru": "Новая когорта",
            "starts_on": "2026-08-01",
            "ends_on": "2026-01-01",
            "target_fellows": "7",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "Жаңа когорта" in body and "Новая когорта" in body and 'value="7"' in body
    response = client.post(
        reverse("fellowship:cohort-edit", kwargs={"cohort_id": c.cohort.pk}),
        {"name_kk": "Түзетілген", "name_ru": "Исправленная", "starts_on": "2020-01-01", "ends_on": "2026-06-30"},
    )
    assert response.status_code == 200
    assert "Түзетілген" in response.content.decode()  # refused: outside the programme's period (and no target)
    client.force_login(c.saule)
    response = client.post(
        reverse("fellowship:vacancy-edit", kwargs={"vacancy_id": c.vacancy_b1.pk}),
        {"subject": "physics", "grades": "9–11 қосымша", "language": "ru", "starts_on": "not a date"},
    )
    assert response.status_code == 200
    assert "9–11 қосымша" in response.content.decode()
    assert Vacancy.objects.get(pk=c.vacancy_b1.pk).grades == "7–11"


def test_a_coordinator_corrects_a_submitted_application_and_the_waiting_fellow_follows(fellowship_cast):
    from shamy.fellowship.models import Fellow, Stage
    from shamy.fellowship.services.recruitment import application_correct

    c = fellowship_cast
    application = c.application
    fellow = Fellow.objects.create(cohort=c.cohort, application=application, full_name="Айдана Төлеген")
    data = {"full_name": "Айдана Төлегенова", "subjects": ["chemistry"], "languages": ["kk"], "ranked_regions": []}
    application_correct(actor=c.gulnara, application=application, data=data, accepted_region_ids=[c.region_a.pk])
    application.refresh_from_db()
    fellow.refresh_from_db()
    assert application.full_name == "Айдана Төлегенова" and application.subjects == ["chemistry"]
    assert (fellow.full_name, fellow.subjects, fellow.languages) == ("Айдана Төлегенова", ["chemistry"], ["kk"])
    assert list(fellow.accepted_regions.all()) == [c.region_a]
    entry = AuditEntry.objects.get(action="fellowship.application.corrected")
    assert entry.actor == c.gulnara and entry.before["full_name"] == "Айдана Төлеген"
    for outsider in (c.asel, c.dias, c.dana):
        with pytest.raises(PermissionDenied):
            application_correct(actor=outsider, application=application, data=data, accepted_region_ids=[])
    application.stage = Stage.DRAFT
    application.save()
    with pytest.raises(ValidationError):
        application_correct(actor=c.gulnara, application=application, data=data, accepted_region_ids=[])


def test_the_correction_form_keeps_what_was_typed_when_refused(client, fellowship_cast):
    c = fellowship_cast
    client.force_login(c.gulnara)
    response = client.post(
        reverse("fellowship:application-edit", kwargs={"application_id": c.application.pk}),
        {"full_name": "Жаңа есім", "graduated_year": "1800", "subjects": ["physics"]},
    )
    assert response.status_code == 200
    assert "Жаңа есім" in response.content.decode()
    assert Application.objects.get(pk=c.application.pk).full_name == "Айдана Төлеген"
