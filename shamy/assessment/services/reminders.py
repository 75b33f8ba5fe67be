"""Deadlines: each assessor is reminded, by e-mail in their own language, of the submissions in
their queue that are due within two days or overdue. Run once a day by the background task
``assessor_reminders`` (``manage.py assessment_remind`` queues it: put that in the daily cron or
the scheduler). A submission is mentioned at most once in 20 hours, so a second run the same day
sends nothing."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.assessment.models import Submission, SubmissionStatus
from shamy.audit.services.entries import audit_record
from shamy.programmes.models import LinkAssignment

REMIND_BEFORE = datetime.timedelta(days=2)
QUIET = datetime.timedelta(hours=20)


@dataclass(frozen=True)
class Reminder:
    email: str
    language: str
    lines: tuple[tuple[str, datetime.datetime], ...]  # (project title, due)


def _assessors(submissions: list[Submission], today: datetime.date) -> dict[int, list[User]]:
    """The link facilitators assigned to each submission's school in its programme, with their
    membership current today and their account active."""
    schools = {(s.school_id, s.cohort.programme_id) for s in submissions}
    rows = (
        LinkAssignment.objects.filter(
            membership__role=Role.LINK_FACILITATOR,
            membership__user__is_active=True,
            membership__starts_on__lte=today,
            cohort_school__school_id__in=sorted({school for school, _p in schools}),
            cohort_school__cohort__programme_id__in=sorted({programme for _s, programme in schools}),
        )
        .select_related("membership__user", "cohort_school__cohort")
        .order_by("pk")
    )
    by_place: dict[tuple[int, int], dict[int, User]] = defaultdict(dict)
    for row in rows:
        if row.membership.ends_on is not None and row.membership.ends_on < today:
            continue
        place = (row.cohort_school.school_id, row.cohort_school.cohort.programme_id)
        by_place[place][row.membership.user_id] = row.membership.user
    return {s.pk: list(by_place.get((s.school_id, s.cohort.programme_id), {}).values()) for s in submissions}


@transaction.atomic
def assessor_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """E-mail each assessor the submissions of their queue due within two days or overdue that no
    reminder mentioned in the last 20 hours (after commit). Returns the number of e-mails."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_rows = (
        Submission.objects.select_for_update(of=("self",))
        .filter(status=SubmissionStatus.SUBMITTED)
        .exclude(reminded_at__gt=now - QUIET)
        .select_related("rubric", "cohort")
        .order_by("submitted_at", "pk")
    )
    due = [s for s in open_rows if s.due_at <= now + REMIND_BEFORE]
    if not due:
        return 0
    assessors = _assessors(due, today)
    lines: dict[int, list[tuple[str, datetime.datetime]]] = defaultdict(list)
    users: dict[int, User] = {}
    reminded = []
    for submission in due:
        for user in assessors[submission.pk]:
            users[user.pk] = user
            lines[user.pk].append((submission.title, submission.due_at))
        if assessors[submission.pk]:
            reminded.append(submission.pk)
    Submission.objects.filter(pk__in=reminded).update(reminded_at=now)
    reminders = [Reminder(users[pk].email, users[pk].language, tuple(items)) for pk, items in lines.items()]
    for pk in lines:
        audit_record(
            actor=None,
            action="assessment.assessor.reminded",
            target=users[pk],
            after={"submissions": len(lines[pk])},
        )
    transaction.on_commit(lambda: _send(reminders, now))
    return len(reminders)


def _send(reminders: list[Reminder], now: datetime.datetime) -> None:
    base = str(getattr(settings, "SITE_URL", "http://localhost:8000")).rstrip("/")
    for reminder in reminders:
        with translation.override(reminder.language):
            rows = []
            for title, due in reminder.lines:
                when = date_format(timezone.localtime(due), "SHORT_DATE_FORMAT")
                state = _("overdue since %(date)s") if due < now else _("due %(date)s")
                rows.append(f"- {title}: {state % {'date': when}}")
            subject = _("Portfolios waiting for your assessment")
            body = "\n".join(
                [
                    _("These portfolios in your assessment queue are due soon or overdue:"),
                    "",
                    *rows,
                    "",
                    _("Your queue: %(url)s") % {"url": base + reverse("assessment:queue")},
                ]
            )
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [reminder.email])
