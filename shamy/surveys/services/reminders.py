"""Automatic reminders to those who have not answered an open survey, by e-mail in each person's
language. Run by the background task ``survey_reminders`` (``manage.py surveys_remind`` queues
it: put that in the daily cron or the scheduler, as ``assessment_remind``).

When a survey is reminded (the coordinator's button counts too):

- not in its first two days (people answer the invitation first);
- then once a week while it is open;
- and a last call in its final two days, unless a reminder already went out in that window;
- never twice within 20 hours, so a second run the same day sends nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shamy.surveys.models import Survey, SurveyStatus
from shamy.surveys.services.surveys import remind_recipients

FIRST_AFTER = datetime.timedelta(days=2)
EVERY = datetime.timedelta(days=7)
LAST_CALL = datetime.timedelta(days=2)
QUIET = datetime.timedelta(hours=20)


def due_for_reminder(survey: Survey, now: datetime.datetime) -> bool:
    """Whether the scheduled run reminds ``survey`` at ``now`` (the rules of the module docstring)."""
    if not survey.is_accepting(now) or survey.opens_at > now - FIRST_AFTER:
        return False
    last = survey.last_reminded_at
    if last is None:
        return True
    if last > now - QUIET:
        return False
    last_call = survey.closes_at - LAST_CALL
    return last <= now - EVERY or (now >= last_call and last < last_call)


@transaction.atomic
def survey_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the recipients of every survey due for a reminder (after commit). Returns how many
    people were reminded in all."""
    now = now or timezone.now()
    candidates = (
        Survey.objects.select_for_update()
        .filter(status=SurveyStatus.OPEN, opens_at__lte=now - FIRST_AFTER, closes_at__gt=now)
        .filter(Q(last_reminded_at__isnull=True) | Q(last_reminded_at__lte=now - QUIET))
        .order_by("pk")
    )
    return sum(
        remind_recipients(actor=None, survey=survey, now=now) for survey in candidates if due_for_reminder(survey, now)
    )
