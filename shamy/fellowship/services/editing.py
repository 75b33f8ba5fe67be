"""Creating and editing fellowship cohorts, and editing vacancies (each audited with before/after)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.audit.services.entries import audit_record, snapshot
from shamy.fellowship.models import FellowshipCohort, Placement, Vacancy
from shamy.fellowship.permissions import can_edit_vacancy, can_manage_cohort
from shamy.programmes.models import Cohort, Programme
from shamy.programmes.services.programmes import cohort_create

if TYPE_CHECKING:
    from shamy.accounts.models import User

COHORT_FIELDS = ["name_kk", "name_ru", "name_en", "starts_on", "ends_on"]
FELLOWSHIP_FIELDS = ["target_fellows", "applications_open", "applications_close_on"]
VACANCY_FIELDS = ["subject", "grades", "language", "starts_on", "housing", "is_open"]


def _check_applications(applications_close_on: datetime.date | None, ends_on: datetime.date) -> None:
    if applications_close_on is not None and applications_close_on > ends_on:
        raise ValidationError({"applications_close_on": _("Applications close before the cohort ends.")})


@transaction.atomic
def fellowship_cohort_create(
    *,
    actor: User,
    programme: Programme,
    name_kk: str,
    name_ru: str,
    name_en: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    target_fellows: int,
    applications_open: bool,
    applications_close_on: datetime.date | None,
) -> FellowshipCohort:
    """Open a fellowship cohort: a programme cohort (the programmes app's own service, which checks
    the coordinator, the dates and that the programme is active) with its fellowship figures."""
    if not access_for(actor).is_coordinator(programme):
        raise PermissionDenied
    _check_applications(applications_close_on, ends_on)
    cohort = cohort_create(
        actor=actor,
        programme=programme,
        name_kk=name_kk,
        name_ru=name_ru,
        name_en=name_en,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    fellowship = FellowshipCohort(
        cohort=cohort,
        target_fellows=target_fellows,
        applications_open=applications_open,
        applications_close_on=applications_close_on,
    )
    fellowship.full_clean()
    fellowship.save()
    audit_record(
        actor=actor,
        action="fellowship.cohort.created",
        target=fellowship,
        after=snapshot(fellowship, FELLOWSHIP_FIELDS),
    )
    return fellowship


def _both(cohort: Cohort, fellowship: FellowshipCohort) -> dict[str, Any]:
    return {**(snapshot(cohort, COHORT_FIELDS) or {}), **(snapshot(fellowship, FELLOWSHIP_FIELDS) or {})}


@transaction.atomic
def fellowship_cohort_update(
    *,
    actor: User,
    fellowship: FellowshipCohort,
    name_kk: str,
    name_ru: str,
    name_en: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    target_fellows: int,
    applications_open: bool,
    applications_close_on: datetime.date | None,
) -> FellowshipCohort:
    """Edit a fellowship cohort's names, dates, target and applications. Needs can_manage_cohort;
    the dates stay within the programme's period."""
    if not can_manage_cohort(actor, fellowship):
        raise PermissionDenied
    fellowship = FellowshipCohort.objects.select_for_update().select_related("cohort__programme").get(pk=fellowship.pk)
    cohort: Cohort = Cohort.objects.select_for_update().get(pk=fellowship.cohort_id)
    programme = fellowship.cohort.programme
    if starts_on < programme.starts_on or ends_on > programme.ends_on:
        raise ValidationError(_("A cohort must lie within the programme's period."))
    _check_applications(applications_close_on, ends_on)
    before = _both(cohort, fellowship)
    cohort.name_kk, cohort.name_ru, cohort.name_en = name_kk.strip(), name_ru.strip(), name_en.strip()
    cohort.starts_on, cohort.ends_on = starts_on, ends_on
    cohort.full_clean()
    cohort.save()
    fellowship.target_fellows = target_fellows
    fellowship.applications_open = applications_open
    fellowship.applications_close_on = applications_close_on
    fellowship.full_clean()
    fellowship.save()
    audit_record(
        actor=actor,
        action="fellowship.cohort.updated",
        target=fellowship,
        before=before,
        after=_both(cohort, fellowship),
    )
    return fellowship


@transaction.atomic
def vacancy_update(
    *,
    actor: User,
    vacancy: Vacancy,
    subject: str,
    grades: str,
    language: str,
    starts_on: datetime.date,
    housing: bool,
    is_open: bool,
) -> Vacancy:
    """Edit or close a vacancy. Needs can_edit_vacancy (its school's posters or the programme's
    coordinators). A vacancy a fellow was placed in keeps its subject and language."""
    if not can_edit_vacancy(actor, vacancy):
        raise PermissionDenied
    vacancy = Vacancy.objects.select_for_update().select_related("school").get(pk=vacancy.pk)
    if Placement.objects.filter(vacancy=vacancy).exists() and (subject, language) != (
        vacancy.subject,
        vacancy.language,
    ):
        raise ValidationError(_("A fellow is placed in this vacancy: its subject and language stay as they are."))
    before = snapshot(vacancy, VACANCY_FIELDS)
    vacancy.subject, vacancy.grades, vacancy.language = subject, grades.strip(), language
    vacancy.starts_on, vacancy.housing, vacancy.is_open = starts_on, housing, is_open
    vacancy.full_clean()
    vacancy.save()
    audit_record(
        actor=actor,
        action="fellowship.vacancy.updated",
        target=vacancy,
        before=before,
        after=snapshot(vacancy, VACANCY_FIELDS),
    )
    return vacancy
