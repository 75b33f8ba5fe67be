"""Certification rules: which a teacher already meets before submitting, and the level rule after.

The attendance figure is the attendance app's: marked places at gatherings not cancelled, present
or late counting as attended (``attendance.selectors.RateRow``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.assessment.models import Rubric, section_criterion_codes
from shamy.attendance.models import ATTENDED, Attendance
from shamy.portfolios.models import Portfolio


@dataclass(frozen=True)
class RuleCheck:
    code: str
    label: str
    met: bool | None  # None: not known yet (decided by the assessment)
    detail: str = ""


def attendance_percent(*, person_id: int, programme_id: int) -> float | None:
    """The person's attendance in the programme, per cent of marked places; None if none marked."""
    counts = (
        Attendance.objects.filter(
            person_id=person_id,
            gathering__programme_id=programme_id,
            gathering__cancelled_at__isnull=True,
            # A mark on a gathering still ahead counts only once it has taken place.
            gathering__starts_at__lte=timezone.now(),
        )
        .exclude(status="")
        .aggregate(marked=Count("id"), attended=Count("id", filter=Q(status__in=ATTENDED)))
    )
    return 100 * counts["attended"] / counts["marked"] if counts["marked"] else None


def readiness(*, portfolio: Portfolio, rubric: Rubric) -> list[RuleCheck]:
    """The rules as they stand for this portfolio, before assessment."""
    project = portfolio.project
    sections = list(portfolio.sections.all())
    empty = [section.title for section in sections if not section.body.strip()]
    checks = []
    if rubric.requires_complete_portfolio:
        checks.append(
            RuleCheck(
                "complete",
                _("Every section of the portfolio is written"),
                not empty and bool(sections),
                _("Empty: %(sections)s") % {"sections": ", ".join(empty)} if empty else "",
            )
        )
    codes = set(section_criterion_codes(rubric, sections).values()) - {""}
    missing = [criterion.label for criterion in rubric.criteria.all() if criterion.code not in codes]
    checks.append(
        RuleCheck(
            "criteria",
            _("Every criterion has a section of the portfolio"),
            not missing,
            _("No section for: %(criteria)s") % {"criteria": ", ".join(missing)} if missing else "",
        )
    )
    percent = attendance_percent(person_id=project.teacher_id, programme_id=project.cohort.programme_id)
    checks.append(
        RuleCheck(
            "attendance",
            _("Attendance at least %(percent)s%%") % {"percent": rubric.min_attendance_percent},
            percent is not None and percent >= rubric.min_attendance_percent,
            _("Now %(percent).0f%%") % {"percent": percent} if percent is not None else _("No attendance marked yet"),
        )
    )
    checks.append(
        RuleCheck(
            "levels",
            _("Every criterion at least at level %(level)s") % {"level": rubric.min_level},
            None,
            _("Decided by the assessment"),
        )
    )
    return checks


def levels_meet_rule(levels: Mapping[str, int | None], rubric: Rubric) -> bool:
    """True if every criterion of the rubric has a level at or above the rubric's minimum."""
    return all((levels.get(criterion.code) or 0) >= rubric.min_level for criterion in rubric.criteria.all())
