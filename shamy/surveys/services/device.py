"""Survey answers given offline on a device and sent later (issue 13), through the one offline
mechanism (``shamy.offline``): each answer carries an idempotency key and is applied at most once
per user (``apply_once``).

The rules when an answer arrives:

- submitted: the answers are checked as the page checks them (required questions shown by the
  skip logic) and submitted once, as ``response_submit`` does; a draft (``submit`` false) is saved
  as the page's autosave does;
- the survey closed meanwhile, or the answers are incomplete: refused with the reason (nothing
  is saved, the device keeps the item);
- the person already submitted (another device, another tab): the first submission stands, and
  this one is answered "conflict" (nothing is changed).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import QueryDict
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.offline.models import Outcome
from shamy.offline.services.keys import ItemResult, Refused, apply_batch
from shamy.surveys import answers
from shamy.surveys.models import Survey
from shamy.surveys.permissions import can_answer
from shamy.surveys.selectors import questions_of
from shamy.surveys.services.responses import (
    AlreadyAnswered,
    has_answered,
    response_save_draft,
    response_submit,
)

MAX_BATCH = 50
KIND = "surveys.answer"


@dataclass(frozen=True)
class DeviceAnswer:
    key: uuid.UUID
    survey_id: int
    fields: Mapping[str, Sequence[str]]  # the answering form's fields, as the page would post them
    device_at: datetime.datetime
    submit: bool = True


def _form_data(fields: Mapping[str, Sequence[str]]) -> QueryDict:
    data = QueryDict(mutable=True)
    for name, values in fields.items():
        data.setlist(name, [str(value) for value in values])
    return data


def _apply(actor: User, item: DeviceAnswer) -> ItemResult:
    survey = Survey.objects.filter(pk=item.survey_id).first()
    if survey is None or not can_answer(actor, survey):
        raise Refused(_("This survey is not found, or not for you to answer."))
    if has_answered(survey=survey, user=actor):
        return ItemResult(
            key=item.key,
            outcome=Outcome.CONFLICT,
            detail=_("You had already sent your answers to this survey: the first ones stand."),
            extra={"survey": survey.pk},
        )
    parsed = answers.parse(questions_of(survey), _form_data(item.fields), final=item.submit)
    if item.submit and parsed.errors:
        raise Refused(_("Some answers are missing or invalid: open the survey to complete them."))
    try:
        if item.submit:
            response_submit(actor=actor, survey=survey, parsed=parsed, device_at=item.device_at)
        else:
            response_save_draft(actor=actor, survey=survey, parsed=parsed)
    except AlreadyAnswered:
        return ItemResult(
            key=item.key,
            outcome=Outcome.CONFLICT,
            detail=_("You had already sent your answers to this survey: the first ones stand."),
            extra={"survey": survey.pk},
        )
    except ValidationError as error:  # closed meanwhile
        raise Refused(" ".join(error.messages)) from error
    except PermissionDenied as error:
        raise Refused(_("This survey is not found, or not for you to answer.")) from error
    detail = _("Your answers have been sent.") if item.submit else _("Saved.")
    return ItemResult(key=item.key, outcome=Outcome.APPLIED, detail=detail, extra={"survey": survey.pk})


def answers_from_device(*, actor: User, items: Iterable[DeviceAnswer]) -> list[ItemResult]:
    """Apply a device's queued survey answers, each at most once (by key), each in its own
    transaction, with the answering page's permission (the survey's "answer" rule) per item:
    otherwise refused. See the module for the rules. Raises ValueError for a batch over
    ``MAX_BATCH``."""
    return apply_batch(
        actor=actor, items=items, kind=KIND, limit=MAX_BATCH, noun="answers", apply=lambda item: _apply(actor, item)
    )
