"""Answering: saving a draft as people go, and submitting once. The only writers of responses.

One response per respondent: a signed-in recipient's draft is found again by a keyed hash of the
survey and the user; a public-link visitor's by a random key kept in their session. Submitting
an anonymous survey cuts the link (see :mod:`shamy.surveys.models`).
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.audit.services.entries import audit_record
from shamy.surveys.answers import Parsed, Value
from shamy.surveys.models import Answer, Participation, Response, Survey
from shamy.surveys.permissions import audience_membership
from shamy.surveys.results_cache import results_changed

if TYPE_CHECKING:
    from shamy.accounts.models import User


class AlreadyAnswered(ValidationError):
    pass


def respondent_key(survey: Survey, user: User) -> str:
    """The draft key of a signed-in respondent: HMAC-SHA256 of the survey and the user."""
    message = f"survey-respondent:{survey.pk}:{user.pk}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def new_public_key() -> str:
    return "public:" + secrets.token_hex(24)


def has_answered(*, survey: Survey, user: User) -> bool:
    if survey.anonymous:
        return Participation.objects.filter(survey=survey, user=user).exists()
    return Response.objects.filter(survey=survey, respondent=user, submitted_on__isnull=False).exists()


def _draft_for_user(survey: Survey, user: User) -> Response:
    """The user's response (draft) to ``survey``, created on first save with their coarse attributes."""
    membership = audience_membership(access_for(user), survey)
    if membership is None:
        raise PermissionDenied
    if has_answered(survey=survey, user=user):
        raise AlreadyAnswered(_("You have already answered this survey."))
    key = respondent_key(survey, user)
    response = Response.objects.select_for_update().filter(survey=survey, respondent_key=key).first()
    if response is not None:
        return response
    school = membership.school
    response = Response(
        survey=survey,
        respondent=None if survey.anonymous else user,
        respondent_key=key,
        role=membership.role,
        region_id=school.region_id if school is not None else None,
        locality=school.locality if school is not None else "",
        school=None if survey.anonymous else school,
    )
    response.full_clean()
    response.save(force_insert=True)
    return response


def _replace_answers(response: Response, values: Sequence[Value]) -> None:
    response.answers.all().delete()
    Answer.objects.bulk_create(
        Answer(
            response=response,
            question_id=value.question_id,
            row_code=value.row_code,
            choice=value.choice,
            number=value.number,
            text=value.text,
        )
        for value in values
    )


def _check_open(survey: Survey) -> None:
    if not survey.is_accepting():
        raise ValidationError(_("This survey is not taking answers now."))


@transaction.atomic
def response_save_draft(*, actor: User, survey: Survey, parsed: Parsed) -> Response:
    """Save what the respondent has entered so far (valid answers only; nothing is required yet).

    Not audited per keystroke: the draft is the respondent's own unsent work; the submission is.
    """
    _check_open(survey)
    response = _draft_for_user(survey, actor)
    _replace_answers(response, parsed.values)
    return response


@transaction.atomic
def response_submit(
    *, actor: User, survey: Survey, parsed: Parsed, device_at: datetime.datetime | None = None
) -> Response:
    """Submit the respondent's answers once. ``parsed`` must come from a final parse without errors.
    ``device_at``: answered offline on a device at that time (the audit records it beside the
    server's time).

    Anonymous survey: the response loses its link to the user and a participation row records
    only that they answered; the audit entry names no one.
    """
    _check_open(survey)
    if parsed.errors:
        raise ValidationError(_("Some answers are missing or invalid."))
    response = _draft_for_user(survey, actor)
    _replace_answers(response, parsed.values)
    response.submitted_on = timezone.localdate()
    if survey.anonymous:
        response.respondent_key = "submitted:" + secrets.token_hex(24)
        try:
            with transaction.atomic():
                Participation.objects.create(survey=survey, user=actor)
        except IntegrityError as error:
            raise AlreadyAnswered(_("You have already answered this survey.")) from error
    response.save(update_fields=["submitted_on", "respondent_key"])
    results_changed(survey.pk)
    audit_record(
        actor=None if survey.anonymous else actor,
        action="surveys.response.submitted",
        target=survey,
        after={
            "survey": survey.pk,
            "anonymous": survey.anonymous,
            **(
                {"device_at": device_at.isoformat(), "received_at": timezone.now().isoformat()}
                if device_at is not None
                else {}
            ),
        },
        target_label=str(survey),
    )
    return response


@transaction.atomic
def response_save_public(*, survey: Survey, key: str, parsed: Parsed, submit: bool) -> Response:
    """Save or submit an answer given through the public link (always anonymous, no account)."""
    if not survey.public_link:
        raise PermissionDenied
    _check_open(survey)
    if submit and parsed.errors:
        raise ValidationError(_("Some answers are missing or invalid."))
    response = Response.objects.select_for_update().filter(survey=survey, respondent_key=key).first()
    if response is not None and response.is_submitted:
        raise AlreadyAnswered(_("You have already answered this survey."))
    if response is None:
        response = Response(survey=survey, respondent_key=key, role="public")
        response.full_clean()
        response.save(force_insert=True)
    _replace_answers(response, parsed.values)
    if submit:
        response.submitted_on = timezone.localdate()
        response.respondent_key = "submitted:" + secrets.token_hex(24)
        response.save(update_fields=["submitted_on", "respondent_key"])
        results_changed(survey.pk)
        audit_record(
            actor=None,
            action="surveys.response.submitted",
            target=survey,
            after={"survey": survey.pk, "public": True},
            target_label=str(survey),
        )
    return response
