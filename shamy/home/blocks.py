"""The start page's blocks: what each role should do next.

Each block is a function of the actor's ``Access`` that returns a :class:`Block` (or ``None``
when it has nothing to say) and reads a fixed number of queries, whatever the amount of data:
lists are sliced in SQL, counts are aggregated in SQL, related rows are selected with the row.
``home`` is the top layer (docs/architecture.md), so it reads the apps' models and selectors
directly; each block starts from the apps' named rules (``restrict(access, "view")``).

``BLOCKS`` lists them with the roles that see them; a user with several roles sees each role's
blocks once, in this order.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from shamy.access.context import Access
from shamy.access.roles import Role
from shamy.analytics import dashboard
from shamy.analytics import selectors as analytics
from shamy.analytics.indicators import spec_for
from shamy.assessment.models import Submission, SubmissionStatus
from shamy.attendance.models import ATTENDED, Attendance, Gathering
from shamy.imports.models import ImportJob
from shamy.portfolios.models import Comment, DevelopmentProject, Portfolio, PortfolioStatus, Thread
from shamy.portfolios.selectors import DEFAULT_STUCK_WEEKS, project_list_own
from shamy.programmes.models import LinkAssignment

UPCOMING = 5  # sessions shown
LISTED = 5  # projects, imports, gaps shown


@dataclass
class Block:
    key: str
    title: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)


BlockBuilder = Callable[[Access], "Block | None"]


# --- Teacher ------------------------------------------------------------------------------------


def _last_author(path: str, thread: str | None = None) -> Subquery:
    """Who wrote the project's latest feedback message (in ``thread``, or any): ``path`` is
    ``author_id`` (the account) or ``author__person`` (the registry person)."""
    messages = Comment.objects.filter(project=OuterRef("pk"))
    if thread is not None:
        messages = messages.filter(thread=thread)
    return Subquery(messages.order_by("-created_at", "-id").values(path)[:1])


def teacher_block(access: Access) -> Block | None:
    """The next session, the projects to continue (at their stage, with their portfolio's
    status) and the feedback waiting for the teacher's answer. Three queries."""
    person = access.person
    if person is None:
        return None
    now = timezone.now()
    next_session = (
        Gathering.objects.restrict(access, "view")
        .filter(attendances__person=person, ends_at__gte=now, cancelled_at__isnull=True)
        .select_related("school__district")  # what the block shows (not the programme)
        .order_by("starts_at", "id")
        .first()
    )
    # Only what the list shows (stage, portfolio): each table joined costs the planner more than
    # the rows cost to read, and the planning is paid on every request.
    projects = list(
        project_list_own(actor=access.user)  # type: ignore[arg-type]
        .select_related(None)
        .select_related("stage", "portfolio")
        .annotate(last_author=_last_author("author_id"))
        .order_by("-last_activity_at", "id")[:LISTED]
    )
    waiting = [project for project in projects if project.last_author not in (None, access.user_id)]
    return Block(
        "teacher",
        str(_("Your work as a teacher")),
        "home/blocks/teacher.html",
        {"next_session": next_session, "projects": projects, "waiting": waiting},
    )


# --- School facilitator -------------------------------------------------------------------------


def facilitator_block(access: Access) -> Block | None:
    """Today's and the next sessions the facilitator leads (with "take attendance" where marking
    is open) and the projects of their schools whose teacher wrote last. Two queries."""
    now = timezone.now()
    sessions = list(
        Gathering.objects.restrict(access, "view")
        .filter(leads=access.user, ends_at__gte=now, cancelled_at__isnull=True)
        .select_related("school__district")  # what the block shows (not the programme)
        .order_by("starts_at", "id")[:UPCOMING]
    )
    today = timezone.localdate()
    for session in sessions:
        session.is_today = timezone.localtime(session.starts_at).date() == today  # type: ignore[attr-defined]
    school_ids = sorted(
        {m.school_id for m in access.memberships if m.role == Role.SCHOOL_FACILITATOR and m.school_id is not None}
    )
    waiting = list(
        DevelopmentProject.objects.restrict(access, "view")
        .filter(school_id__in=school_ids)
        .alias(last_author=_last_author("author__person", Thread.SCHOOL))  # in WHERE only, not selected
        .filter(last_author=F("teacher_id"))
        .select_related("teacher", "school")  # what the list shows
        .order_by("last_activity_at", "id")[:LISTED]
    )
    return Block(
        "facilitator",
        str(_("Your sessions and projects")),
        "home/blocks/facilitator.html",
        {"sessions": sessions, "waiting": waiting},
    )


# --- Link facilitator and coordinator -------------------------------------------------------------


def _support_scope(access: Access) -> tuple[list[int], list[int]]:
    """Programmes the actor coordinates, and the link-facilitator memberships of the others."""
    coordinated = sorted(
        {m.programme_id for m in access.memberships if m.role == Role.COORDINATOR and m.programme_id is not None}
    )
    links = sorted(
        m.pk
        for m in access.memberships
        if m.role == Role.LINK_FACILITATOR and m.programme_id is not None and m.programme_id not in coordinated
    )
    return coordinated, links


def _in_support_scope(coordinated: list[int], links: list[int], programme: str, school: str) -> Q:
    """Rows of the coordinated programmes, and of the schools assigned to the link facilitator
    in theirs (one EXISTS, whatever the number of programmes; none without link memberships)."""
    coordinated_rows = Q(**{f"{programme}__in": coordinated})
    if not links:
        return coordinated_rows
    assigned = LinkAssignment.objects.filter(
        membership_id__in=links,
        cohort_school__school_id=OuterRef(school),
        cohort_school__cohort__programme_id=OuterRef(programme),
    )
    return coordinated_rows | Q(Exists(assigned)) if coordinated else Q(Exists(assigned))


def support_block(access: Access) -> Block | None:
    """Per programme: how many projects are stuck (no activity for three weeks; a link to the
    list), attendance this month and the portfolios waiting for assessment. Three queries, and
    the programmes' unless the memberships were read with them."""
    coordinated, links = _support_scope(access)
    if not coordinated and not links:
        return None
    programme_ids = set(coordinated) | {m.programme_id for m in access.memberships if m.pk in links and m.programme_id}
    # The programmes of those memberships, read with them (no query when the page read them so).
    memberships = access.memberships_with_programmes()
    found = {
        m.programme.pk: m.programme for m in memberships if m.programme is not None and m.programme_id in programme_ids
    }
    programmes = {
        programme.pk: programme
        for programme in sorted(found.values(), key=lambda programme: (-programme.starts_on.toordinal(), programme.pk))
    }
    rows: dict[int, dict[str, Any]] = {
        pk: {"programme": programme, "stuck": 0, "present": 0, "marked": 0, "waiting": 0}
        for pk, programme in programmes.items()
    }
    threshold = timezone.now() - datetime.timedelta(weeks=DEFAULT_STUCK_WEEKS)
    stuck = (
        DevelopmentProject.objects.restrict(access, "view")
        .filter(_in_support_scope(coordinated, links, "cohort__programme_id", "school_id"))
        .filter(last_activity_at__lt=threshold)
        .values("cohort__programme_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for stuck_row in stuck:
        rows[stuck_row["cohort__programme_id"]]["stuck"] = stuck_row["count"]
    now = timezone.now()
    month_start = timezone.localtime(now).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    attendance = (
        Attendance.objects.restrict(access, "view")
        .filter(_in_support_scope(coordinated, links, "gathering__programme_id", "school_id"))
        .filter(gathering__cancelled_at__isnull=True, gathering__starts_at__gte=month_start)
        .filter(gathering__starts_at__lte=now)
        .exclude(status="")
        .values("gathering__programme_id")
        .annotate(marked=Count("id"), present=Count("id", filter=Q(status__in=ATTENDED)))
        .order_by()
    )
    for marks in attendance:
        rows[marks["gathering__programme_id"]].update(marked=marks["marked"], present=marks["present"])
    open_submission = Submission.objects.filter(portfolio=OuterRef("pk"), status=SubmissionStatus.SUBMITTED)
    waiting = (
        Portfolio.objects.restrict(access, "view")
        .filter(_in_support_scope(coordinated, links, "project__cohort__programme_id", "project__school_id"))
        .filter(Q(status=PortfolioStatus.SUBMITTED) & Exists(open_submission))
        .values("project__cohort__programme_id")
        .annotate(count=Count("id"))
        .order_by()
    )
    for waiting_row in waiting:
        rows[waiting_row["project__cohort__programme_id"]]["waiting"] = waiting_row["count"]
    for summary in rows.values():
        summary["rate"] = round(100 * summary["present"] / summary["marked"]) if summary["marked"] else None
        summary["coordinates"] = summary["programme"].pk in coordinated
    return Block(
        "support",
        str(_("Your programmes' schools")),
        "home/blocks/support.html",
        {"rows": list(rows.values()), "weeks": DEFAULT_STUCK_WEEKS, "month": month_start},
    )


# --- Analyst --------------------------------------------------------------------------------------


def largest_gaps(access: Access, limit: int = LISTED) -> list[dashboard.Gap]:
    """The region × indicator pairs whose rural-urban parity index is farthest from parity, for
    the registry's reference year, among the indicators the registry gives: the "Largest gaps"
    page's own ranking (``analytics.dashboard.largest_gaps``), so the two never disagree; a fixed
    set of queries per indicator, cached by the analytics panel."""
    indicators = [
        indicator
        for indicator in analytics.indicator_list()
        if spec_for(indicator.code, indicator.source_kind).parity
        and indicator.code not in dashboard.DATED
        and not dashboard.needs_attendance(indicator)
        and not dashboard.provided_by_apps(indicator)
        and not dashboard.varies_by_programme(indicator)
    ]
    if not indicators:
        return []
    filters = dashboard.Filters(year=analytics.registry_year())
    return dashboard.largest_gaps(scope=access.analytics, filters=filters, indicators=indicators)[:limit]


def analyst_block(access: Access) -> Block | None:
    """The largest rural-urban gaps in the analyst's regions, and the way to the map."""
    if not access.analytics.any:
        return None
    return Block(
        "analyst",
        str(_("Where the gaps are largest")),
        "home/blocks/analyst.html",
        {"gaps": largest_gaps(access), "year": None},
    )


# --- Administrator --------------------------------------------------------------------------------


def admin_block(access: Access) -> Block | None:
    """Imports being checked, ready to import or running, and background tasks waiting or
    running. Two queries."""
    imports = list(
        ImportJob.objects.restrict(access, "view")
        .filter(status__in=[ImportJob.Status.UPLOADED, ImportJob.Status.VALIDATED, ImportJob.Status.RUNNING])
        .select_related("created_by")
        .order_by("-created_at", "-id")[:LISTED]
    )
    tasks = DBTaskResult.objects.aggregate(
        waiting=Count("id", filter=Q(status=TaskResultStatus.READY)),
        running=Count("id", filter=Q(status=TaskResultStatus.RUNNING)),
    )
    return Block(
        "admin",
        str(_("Imports and tasks in progress")),
        "home/blocks/admin.html",
        {"imports": imports, "tasks": tasks},
    )


BLOCKS: list[tuple[frozenset[str], BlockBuilder]] = [
    (frozenset({Role.TEACHER}), teacher_block),
    (frozenset({Role.SCHOOL_FACILITATOR}), facilitator_block),
    (frozenset({Role.LINK_FACILITATOR, Role.COORDINATOR}), support_block),
    (frozenset({Role.MINISTRY_ANALYST, Role.REGIONAL_ANALYST}), analyst_block),
    (frozenset({Role.SYSTEM_ADMIN}), admin_block),
]


def blocks_for(access: Access) -> list[Block]:
    """Each block whose roles the actor holds, once, in the order of ``BLOCKS``."""
    result = []
    for roles, build in BLOCKS:
        if access.roles & roles:
            block = build(access)
            if block is not None:
                result.append(block)
    return result
