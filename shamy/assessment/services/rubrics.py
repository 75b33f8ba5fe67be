"""Writing rubrics: a new version replaces the current one; submissions keep theirs."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max

from shamy.access.context import access_for
from shamy.accounts.models import User
from shamy.assessment.models import Criterion, Rubric
from shamy.audit.services.entries import audit_record
from shamy.programmes.models import Programme


@transaction.atomic
def rubric_create(
    *,
    actor: User | None,
    programme: Programme,
    title: Mapping[str, str],
    criteria: Sequence[Mapping[str, Any]],
    min_level: int = 2,
    min_attendance_percent: int = 80,
    requires_complete_portfolio: bool = True,
) -> Rubric:
    """Add the programme's next rubric version and make it current.

    Needs the programme's coordinator (PermissionDenied); ``actor=None`` is the demo loader.
    ``criteria``: ``{"code", "name": {kk, ru, en}, "levels": [...], "section_order"}``.
    """
    if actor is not None and not access_for(actor).is_coordinator(programme):
        raise PermissionDenied
    latest = Rubric.objects.filter(programme=programme).aggregate(v=Max("version"))["v"] or 0
    Rubric.objects.filter(programme=programme, is_current=True).update(is_current=False)
    rubric = Rubric(
        programme=programme,
        version=latest + 1,
        title=dict(title),
        min_level=min_level,
        min_attendance_percent=min_attendance_percent,
        requires_complete_portfolio=requires_complete_portfolio,
    )
    rubric.full_clean()
    rubric.save()
    for order, item in enumerate(criteria, start=1):
        criterion = Criterion(
            rubric=rubric,
            code=item["code"],
            order=order,
            name=dict(item["name"]),
            levels=list(item["levels"]),
            section_order=item.get("section_order"),
        )
        criterion.full_clean()
        criterion.save()
    audit_record(actor=actor, action="assessment.rubric.created", target=rubric)
    return rubric


def _levels(*descriptors: tuple[str, str, str]) -> list[dict[str, Any]]:
    return [{"level": n, "descriptor": {"kk": kk, "ru": ru, "en": en}} for n, (kk, ru, en) in enumerate(descriptors, 1)]


_FOUR_LEVELS = _levels(
    ("Бастапқы", "Начальный", "Beginning"),
    ("Дамып келе жатқан", "Развивающийся", "Developing"),
    ("Жеткілікті", "Достаточный", "Secure"),
    ("Үлгілі", "Образцовый", "Exemplary"),
)

# The teacher-leadership rubric: one criterion per default portfolio section, four levels each.
TEACHER_LEADERSHIP_CRITERIA: tuple[dict[str, Any], ...] = (
    {
        "code": "concern",
        "section_order": 1,
        "levels": _FOUR_LEVELS,
        "name": {"kk": "Мәселе және құндылықтар", "ru": "Проблема и ценности", "en": "The concern and its values"},
    },
    {
        "code": "consult",
        "section_order": 2,
        "levels": _FOUR_LEVELS,
        "name": {"kk": "Әріптестермен кеңесу", "ru": "Консультации с коллегами", "en": "Consulting colleagues"},
    },
    {
        "code": "plan",
        "section_order": 3,
        "levels": _FOUR_LEVELS,
        "name": {"kk": "Жоспарлау", "ru": "Планирование", "en": "Planning"},
    },
    {
        "code": "lead",
        "section_order": 4,
        "levels": _FOUR_LEVELS,
        "name": {
            "kk": "Өзгерісті басқару және дәлелдер",
            "ru": "Проведение изменений и материалы",
            "en": "Leading the change, with evidence",
        },
    },
    {
        "code": "reflect",
        "section_order": 5,
        "levels": _FOUR_LEVELS,
        "name": {"kk": "Әсер туралы рефлексия", "ru": "Осмысление влияния проекта", "en": "Reflecting on the impact"},
    },
    {
        "code": "write",
        "section_order": 6,
        "levels": _FOUR_LEVELS,
        "name": {"kk": "Жобаның сипаттамасы", "ru": "Описание проекта", "en": "The written account"},
    },
)
TEACHER_LEADERSHIP_TITLE = {
    "kk": "Педагогтік көшбасшылық рубрикасы",
    "ru": "Рубрика педагогического лидерства",
    "en": "Teacher leadership rubric",
}
