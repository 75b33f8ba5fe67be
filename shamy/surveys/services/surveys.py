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
from shamy.core.translated import localized
from shamy.surveys.models import CHOICE_KINDS, Phase, Question, QuestionKind, Survey, SurveyStatus
from shamy.surveys.permissions import can_manage_surveys
from shamy.surveys.results_cache import results_changed

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
    results_changed(survey.pk)
    return question


@transaction.atomic
def question_delete(*, actor: User, question: Question) -> None:
    _require_manager(actor, question.survey.programme_id)
    if question.survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Questions can only be changed while the survey is a draft."))
    before = snapshot(question)
    audit_record(actor=actor, action="surveys.question.deleted", target=question, before=before)
    question.delete()
    results_changed(question.survey_id)


# What may change once a survey has been opened: its texts (a typo, a missing translation) and its
# closing date. Everything else changes who is asked or what an answer means, so only in a draft.
EDITABLE_ALWAYS = ("title", "intro", "closes_at")
EDITABLE_IN_DRAFT = ("phase", "anonymous", "audience_role", "cohort", "school", "public_link", "opens_at")


def _differs(survey: Survey, name: str, value: Any) -> bool:
    if name in ("cohort", "school"):
        return getattr(survey, f"{name}_id") != (value.pk if value is not None else None)
    return bool(getattr(survey, name) != value)


@transaction.atomic
def survey_update(*, actor: User, survey: Survey, changes: dict[str, Any]) -> Survey:
    """Change a survey's settings. Texts (``title``, ``intro`` as ``{"kk", "ru", "en"}``) and the
    closing date change at any time; the phase, anonymity, audience, public link and opening date
    only while it is a draft. A pre survey with its post survey stays a pre survey, and a pre/post
    pair keeps one anonymity."""
    _require_manager(actor, survey.programme_id)
    survey = Survey.objects.select_for_update().get(pk=survey.pk)
    unknown = set(changes) - set(EDITABLE_ALWAYS) - set(EDITABLE_IN_DRAFT)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    before = snapshot(survey, changes)
    has_post = Survey.objects.filter(pre_survey=survey).exists()
    for name, value in changes.items():
        if name in ("title", "intro"):
            value = {code: text.strip() for code, text in value.items() if text and text.strip()}
        elif not _differs(survey, name, value):
            continue
        elif name in EDITABLE_IN_DRAFT and survey.status != SurveyStatus.DRAFT:
            raise ValidationError(_("Only the texts and the closing date change once a survey has been opened."))
        if name == "phase" and (survey.phase == Phase.POST or value == Phase.POST or has_post):
            raise ValidationError(_("The phase of a pre/post pair cannot change."))
        if name == "anonymous" and (survey.pre_survey_id is not None or has_post):
            raise ValidationError(_("A post survey is anonymous exactly when its pre survey is."))
        setattr(survey, name, value)
    if not survey.title:
        raise ValidationError({"title": _("Give the survey a title in at least one language.")})
    survey.full_clean()
    survey.save()
    audit_record(
        actor=actor, action="surveys.survey.updated", target=survey, before=before, after=snapshot(survey, changes)
    )
    results_changed(survey.pk)
    return survey


def _merge_options(old: list[dict[str, Any]], new: list[dict[str, Any]], *, same_count: bool) -> list[dict[str, Any]]:
    """New labels on the old codes, position by position (answers and skip logic refer to codes)."""
    if same_count and len(new) != len(old):
        raise ValidationError(
            _("Once a survey has been opened, its choices and rows can be reworded but not added or removed.")
        )
    merged = []
    used = {item["code"] for item in old[: len(new)]}
    for index, item in enumerate(new):
        if index < len(old):
            merged.append({"code": old[index]["code"], "label": item["label"]})
            continue
        code = item["code"]
        while code in used:
            code = f"{code[:27]}-{index + 1}"
        used.add(code)
        merged.append({"code": code, "label": item["label"]})
    return merged


@transaction.atomic
def question_update(
    *,
    actor: User,
    question: Question,
    text: dict[str, str],
    choices: list[dict[str, Any]] | None = None,
    rows: list[dict[str, Any]] | None = None,
    kind: str | None = None,
    required: bool | None = None,
    show_if: Question | None = None,
    show_if_values: list[str] | None = None,
) -> Question:
    """Edit a question. In a draft everything changes; once the survey has been opened only the
    wording does (question text, and the labels of its choices and rows, which keep their codes).
    Skip logic can refer only to an earlier question of the same survey."""
    _require_manager(actor, question.survey.programme_id)
    question = Question.objects.select_for_update().select_related("survey").get(pk=question.pk)
    draft = question.survey.status == SurveyStatus.DRAFT
    before = snapshot(question)
    question.text = {code: value.strip() for code, value in text.items() if value and value.strip()}
    if not question.text:
        raise ValidationError({"text": _("Write the question in at least one language.")})
    structural: dict[str, Any] = {
        "kind": kind if kind is not None else question.kind,
        "required": required if required is not None else question.required,
        "show_if_id": show_if.pk if show_if is not None else None,
        "show_if_values": list(show_if_values or []),
    }
    current = {
        "kind": question.kind,
        "required": question.required,
        "show_if_id": question.show_if_id,
        "show_if_values": [str(value) for value in question.show_if_values],
    }
    if not draft and structural != current:
        raise ValidationError(_("Only the wording changes once a survey has been opened."))
    question.kind = structural["kind"]
    question.required = structural["required"]
    question.show_if = show_if
    question.show_if_values = structural["show_if_values"]
    if show_if is not None and (
        show_if.survey_id != question.survey_id or (show_if.position, show_if.pk) >= (question.position, question.pk)
    ):
        raise ValidationError({"show_if": _("Skip logic can only refer to an earlier question of the same survey.")})
    question.choices = (
        _merge_options(question.choices, choices or [], same_count=not draft) if question.kind in CHOICE_KINDS else []
    )
    question.rows = (
        _merge_options(question.rows, rows or [], same_count=not draft) if question.kind == QuestionKind.MATRIX else []
    )
    question.full_clean()
    question.save()
    audit_record(actor=actor, action="surveys.question.updated", target=question, before=before)
    results_changed(question.survey_id)
    return question


@transaction.atomic
def question_move(*, actor: User, question: Question, up: bool) -> Question:
    """Swap a draft survey's question with the one before (``up``) or after it. Refused when that
    would put a question before the question its skip logic refers to."""
    _require_manager(actor, question.survey.programme_id)
    survey = Survey.objects.select_for_update().get(pk=question.survey_id)
    if survey.status != SurveyStatus.DRAFT:
        raise ValidationError(_("Questions can only be changed while the survey is a draft."))
    ordered = list(survey.questions.order_by("position", "id"))
    index = next(i for i, item in enumerate(ordered) if item.pk == question.pk)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(ordered):
        return ordered[index]
    first, second = sorted((index, other_index))
    earlier, later = ordered[first], ordered[second]
    if later.show_if_id == earlier.pk:
        raise ValidationError(_("A question must stay after the question that decides whether it is shown."))
    ordered[first], ordered[second] = later, earlier
    for position, item in enumerate(ordered, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    moved = ordered[second if up is False else first]
    audit_record(actor=actor, action="surveys.question.moved", target=moved, after={"position": moved.position})
    results_changed(survey.pk)
    return moved


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
    results_changed(survey.pk)
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
    return remind_recipients(actor=actor, survey=survey, base_url=base_url)


def remind_recipients(*, actor: User | None, survey: Survey, base_url: str = "", now: Any = None) -> int:
    """Record a reminder of ``survey`` (by ``actor``, or the scheduled run when None) and mail its
    recipients who have not answered, after commit. Call inside a transaction."""
    users = _recipient_users(survey)
    survey.last_reminded_at = now or timezone.now()
    survey.save(update_fields=["last_reminded_at"])
    after = {"reminded": len(users), "automatic": actor is None}
    audit_record(actor=actor, action="surveys.survey.reminded", target=survey, after=after)
    base = base_url or str(getattr(settings, "SITE_URL", "http://localhost:8000"))
    path = base.rstrip("/") + reverse("surveys:respond", args=[survey.pk])
    targets = [(user.email, user.language) for user in users]
    title = dict(survey.title)
    closes = survey.closes_at

    def send() -> None:
        for email, language in targets:
            with translation.override(language):
                subject = _("A survey is waiting for your answer")
                body = _("Please answer the survey “%(title)s” before %(closes)s: %(url)s") % {
                    "title": localized(title) or f"#{survey.pk}",
                    "closes": date_format(timezone.localtime(closes), "SHORT_DATE_FORMAT"),
                    "url": path,
                }
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [email])

    transaction.on_commit(send)
    return len(users)
