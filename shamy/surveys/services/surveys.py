"""Building and distributing surveys: the only writers of surveys and questions."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from shamy.audit.services.entries import audit_record, snapshot
from shamy.surveys.models import Phase, Question, Survey, SurveyStatus
from shamy.surveys.permissions import can_manage_surveys

if TYPE_CHECKING:
    from shamy.accounts.models import User
    from shamy.programmes.models import Cohort, Programme
    from shamy.registry.models import School


def _require_manager(actor: User, programme_id: int) -> None:
    if not can_manage_surveys(actor, programme_id):
        raise PermissionDenied


@transaction.atomic
def survey_create(
    *,
    actor: User,
    programme: Programme,
    title: dict[str, str],
    intro: dict[str, str] | None = None,
    phase: str = Phase.SINGLE,
    anonymous: bool = False,
    audience_role: str,
    cohort: Cohort | None = None,
    school: School | None = None,
    public_link: bool = False,
    opens_at: datetime.datetime,
    closes_at: datetime.datetime,
    is_demo: bool = False,
) -> Survey:
    """Create a draft survey of ``programme``. Needs the programme's coordinator."""
    _require_manager(actor, programme.pk)
    survey = Survey(
        programme=programme,
        title={code: text for code, text in title.items() if text},
        intro={code: text for code, text in (intro or {}).items() if text},
        phase=phase,
        anonymous=anonymous,
        audience_role=audience_role,
        cohort=cohort,
        school=school,
        public_link=public_link,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
        is_demo=is_demo,
    )
    if not survey.title:
        raise ValidationError({"title": _("Give the survey a title in at least one language.")})
    survey.full_clean()
    survey.save()
    audit_record(actor=actor, action="surveys.survey.created", target=survey)
    return survey


@transaction.atomic
def question_add(
    *,
    actor: User,
    survey: Survey,
    kind: str,
    text: dict[str, str],
    choices: list[dict[str, Any]] | None = None,
    rows: list[dict[str, Any]] | None = None,
    required: bool = True,
    show_if: Question | None = None,
    show_if_values: list[str] | None = None,
    paired_with: Question | None = None,
) -> Question:
    """Add a question at the end of a draft survey. Needs the programme's coordinator."""
    _require_manager(actor, survey.programme_id)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Questions can only be changed while the survey is a draft."))
    last = survey.questions.order_by("-position").values_list("position", flat=True).first()
    question = Question(
        survey=survey,
        position=(last or 0) + 1,
        kind=kind,
        text={code: value for code, value in text.items() if value},
        choices=choices or [],
        rows=rows or [],
        required=required,
        show_if=show_if,
        show_if_values=show_if_values or [],
        paired_with=paired_with,
    )
    if not question.text:
        raise ValidationError({"text": _("Write the question in at least one language.")})
    question.full_clean()
    question.save()
    audit_record(actor=actor, action="surveys.question.created", target=question)
    return question


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    _require_manager(actor, question.survey.programme_id)
    if question.survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Questions can only be changed while the survey is a draft."))
    before = snapshot(question)
    audit_record(actor=actor, action="surveys.question.deleted", target=question, before=before)
    question.delete()


@transaction.atomic
def survey_set_status(*, actor: User, survey: Survey, status: str) -> Survey:
    """Open a draft (it then takes answers between its dates), close an open survey, or reopen it."""
    _require_manager(actor, survey.programme_id)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    if status == SurveyStatus.OPEN and not survey.questions.exists():
        raise ValidationError(_("Add at least one question before opening the survey."))
    if status == SurveyStatus.DRAFT and survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("A survey that has been open cannot become a draft again."))
    before = snapshot(survey, ["status"])
    survey.status = status
    survey.full_clean()
    survey.save(update_fields=["status"])
    action = "surveys.survey.opened" if status == SurveyStatus.OPEN else "surveys.survey.closed"
    audit_record(actor=actor, action=action, target=survey, before=before, after=snapshot(survey, ["status"]))
    return survey


@transaction.atomic
def survey_create_post(
    *, actor: User, pre: Survey, opens_at: datetime.datetime, closes_at: datetime.datetime, is_demo: bool = False
) -> Survey:
    """The post survey of a pre survey: the same instrument (every question copied and paired with
    its original, skip logic included), the same audience and anonymity."""
    _require_manager(actor, pre.programme_id)
    if pre.phase != Phase.PRE:
        raise ValidationError(_("Only a pre survey has a post survey."))
    if Survey.objects.filter(pre_survey=pre).exists():
        raise ValidationError(_("This pre survey already has its post survey."))
    suffix = {"kk": " (кейін)", "ru": " (после)", "en": " (after)"}
    post = Survey(
        programme=pre.programme,
        title={code: text + suffix.get(code, "") for code, text in pre.title.items()},
        intro=dict(pre.intro),
        phase=Phase.POST,
        pre_survey=pre,
        anonymous=pre.anonymous,
        audience_role=pre.audience_role,
        cohort=pre.cohort,
        school=pre.school,
        public_link=pre.public_link,
        opens_at=opens_at,
        closes_at=closes_at,
        created_by=actor,
        is_demo=is_demo,
    )
    post.full_clean()
    post.save()
    copies: dict[int, Question] = {}
    for original in pre.questions.order_by("position", "id"):
        copy = Question(
            survey=post,
            position=original.position,
            kind=original.kind,
            text=dict(original.text),
            choices=list(original.choices),
            rows=list(original.rows),
            required=original.required,
            show_if=copies.get(original.show_if_id) if original.show_if_id else None,
            show_if_values=list(original.show_if_values),
            paired_with=original,
        )
        copy.full_clean()
        copy.save()
        copies[original.pk] = copy
    audit_record(actor=actor, action="surveys.survey.created", target=post)
    return post


def _recipient_users(survey: Survey) -> list[User]:
    from shamy.surveys.selectors import recipients_without_answer

    return recipients_without_answer(survey=survey)


@transaction.atomic
def survey_remind(*, actor: User, survey: Survey, base_url: str = "") -> int:
    """E-mail everyone the survey was sent to who has not submitted an answer (each in their own
    language, after commit). Returns how many were reminded."""
    _require_manager(actor, survey.programme_id)
    if not survey.is_accepting():
        raise ValidationError(_("Reminders go out only while the survey is open."))
    users = _recipient_users(survey)
    survey.last_reminded_at = timezone.now()
    survey.save(update_fields=["last_reminded_at"])
    audit_record(actor=actor, action="surveys.survey.reminded", target=survey, after={"reminded": len(users)})
    base = base_url or str(getattr(settings, "SITE_URL", "http://localhost:8000"))
    path = base.rstrip("/") + reverse("surveys:respond", args=[survey.pk])
    targets = [(user.email, user.language) for user in users]

    def send() -> None:
        for email, language in targets:
            with translation.override(language):
                subject = _("A survey is waiting for your answer")
                body = _("Please answer the survey “%(title)s” before %(closes)s: %(url)s") % {
                    "title": survey.label,
                    "closes": date_format(timezone.localtime(survey.closes_at), "SHORT_DATE_FORMAT"),
                    "url": path,
                }
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])

    transaction.on_commit(send)
    return len(users)
