"""Placement runs from the database: solve, explain, lock or forbid, and apply."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shamy.audit.services.entries import audit_record
from shamy.fellowship import placement as solver
from shamy.fellowship.models import (
    Fellow,
    FellowshipCohort,
    Placement,
    PlacementRule,
    Stage,
    StageChange,
    Subject,
    TeachingLanguage,
    Vacancy,
)
from shamy.fellowship.permissions import can_manage_cohort
from shamy.fellowship.selectors import placement_input
from shamy.programmes.models import CohortSchool
from shamy.registry.models import Region

if TYPE_CHECKING:
    from shamy.accounts.models import User

PLACEMENT_YEARS = 2


@dataclass
class Match:
    fellow: Fellow
    vacancy: Vacancy
    score: float
    locked: bool
    reasons: list[str]
    gave_up: str = ""


@dataclass
class Run:
    """A solved placement with everything the coordinator's page shows."""

    result: solver.Result
    matches: list[Match] = field(default_factory=list)
    unplaced: list[tuple[Fellow, str]] = field(default_factory=list)
    unlocked_objective: float | None = None  # the optimum without the locks, when there are locks
    unlocked_placed: int | None = None
    vacancies_left: int = 0


def _reasons(
    fellow: solver.Fellow, vacancy: solver.Vacancy, part: solver.PairScore, weights: dict[str, float]
) -> list[str]:
    """The match in plain words: the hard constraints it meets and each soft preference's share."""
    words = [
        _("Qualified to teach %(subject)s, in %(language)s, in a region they accept.")
        % {"subject": Subject(vacancy.subject).label, "language": vacancy.language.upper()},
    ]
    if part.region:
        rank = fellow.ranked_regions.index(vacancy.region) + 1
        words.append(
            _("The region is their choice number %(rank)s (+%(points).2f).")
            % {"rank": rank, "points": weights["region"] * part.region}
        )
    else:
        words.append(_("The region is accepted but not among their ranked choices (+0)."))
    words.append(
        _("The school's need score in the equity analytics' ranking is %(score).0f of 100 (+%(points).2f).")
        % {"score": vacancy.need_score, "points": weights["need"] * part.need}
    )
    if part.together:
        words.append(
            _("Other fellows already serve in the same district (+%(points).2f).")
            % {"points": weights["together"] * part.together}
        )
    if part.housing:
        words.append(
            _("The school offers the housing they need (+%(points).2f).")
            % {"points": weights["housing"] * part.housing}
        )
    return words


def placement_solve(*, actor: User, cohort: FellowshipCohort, weights: dict[str, float] | None = None) -> Run:
    """Solve the cohort's placement (unplaced fellows, open vacancies, the locks and bans) and
    explain it: why each match, why each unplaced fellow, and what the optimum gave up (each
    fellow's better-scoring option that went to someone else; the cost of the locks). Needs
    can_manage_cohort. Reads only; nothing is stored until placement_apply."""
    if not can_manage_cohort(actor, cohort):
        raise PermissionDenied
    data = placement_input(cohort, weights)
    result = solver.solve(data, time_limit=settings.PLACEMENT_SECONDS)
    run = Run(result=result)
    problem = result.problem
    if result.infeasible or problem is None:
        if problem is not None:
            result.infeasible = _named_lock_conflict(problem, data) or result.infeasible
        return run
    fellows = {str(f.pk): f for f in Fellow.objects.filter(pk__in=[int(x) for x in problem.fellows])}
    vacancies = {
        str(v.pk): v
        for v in Vacancy.objects.filter(pk__in=[int(x) for x in problem.vacancies]).select_related("school")
    }
    locked = {tuple(pair) for pair in data["locked"]}
    taken_by = {vacancy: fellow for fellow, vacancy in result.assignment}
    placed_in = [problem.vacancy_objects[v].district for _f, v in result.assignment]
    for fellow_id, vacancy_id in result.assignment:
        parsed_fellow = problem.fellow_objects[fellow_id]
        parsed_vacancy = problem.vacancy_objects[vacancy_id]
        part = solver.pair_score(parsed_fellow, parsed_vacancy, problem.weights)
        score = result.score_of(fellow_id, vacancy_id)
        match = Match(
            fellows[fellow_id],
            vacancies[vacancy_id],
            score,
            (fellow_id, vacancy_id) in locked,
            _reasons(parsed_fellow, parsed_vacancy, part, problem.weights),
        )
        peers = placed_in.count(parsed_vacancy.district) - 1 if parsed_vacancy.district else 0
        if peers > 0 and problem.peers:
            match.reasons.append(
                ngettext(
                    "%(count)s other fellow of this cohort is placed in the same district (+%(points).2f).",
                    "%(count)s other fellows of this cohort are placed in the same district (+%(points).2f).",
                    peers,
                )
                % {"count": peers, "points": problem.peers * solver.together_value(peers)}
            )
        # Their best option, if it scored more, and who took it.
        row = problem.fellows.index(fellow_id)
        options = [
            (float(problem.scores[row, j]), problem.vacancies[j])
            for j in range(len(problem.vacancies))
            if problem.allowed[row, j] and (fellow_id, problem.vacancies[j]) not in problem.forbidden
        ]
        best_score, best_vacancy = max(options)
        if best_score > score + 1e-9 and best_vacancy != vacancy_id:
            other = taken_by.get(best_vacancy)
            match.gave_up = (
                _("Their best option, %(school)s (%(best).2f), went to %(other)s: the total is higher that way.")
                % {
                    "school": vacancies[best_vacancy].school,
                    "best": best_score,
                    "other": fellows[other] if other else "—",
                }
                if other
                else _(
                    "Their best option, %(school)s (%(best).2f), was left open so that more fellows could be placed."
                )
                % {"school": vacancies[best_vacancy].school, "best": best_score}
            )
        run.matches.append(match)
    taken = set(taken_by)
    for fellow_id in problem.fellows:
        if fellow_id not in {f for f, _v in result.assignment}:
            run.unplaced.append((fellows[fellow_id], solver.unplaced_reason(problem, fellow_id, taken)))
    if locked:
        free = solver.solve({**data, "locked": []}, time_limit=settings.PLACEMENT_SECONDS)
        run.unlocked_objective, run.unlocked_placed = free.objective, free.placed
    run.vacancies_left = len(problem.vacancies) - result.placed
    return run


def _named_lock_conflict(problem: solver.Problem, data: dict[str, Any]) -> str | None:
    """The solver names fellows, vacancies, subjects and regions by code; the coordinator reads
    names: the same check, on the same pair, with every code turned into its label."""
    for fellow_id, vacancy_id in data["locked"]:
        fellow = problem.fellow_objects.get(fellow_id)
        vacancy = problem.vacancy_objects.get(vacancy_id)
        if fellow is None or vacancy is None or solver.hard_constraint_broken(fellow, vacancy) is None:
            continue
        regions = {str(pk): str(region) for pk, region in Region.objects.in_bulk().items()}

        def subject(code: str) -> str:
            return str(Subject(code).label) if code in Subject.values else code

        def language(code: str) -> str:
            return str(TeachingLanguage(code).label) if code in TeachingLanguage.values else code

        named_fellow = replace(
            fellow,
            id=str(Fellow.objects.get(pk=int(fellow_id))),
            subjects=frozenset(subject(code) for code in fellow.subjects),
            languages=frozenset(language(code) for code in fellow.languages),
            accepted_regions=frozenset(regions.get(code, code) for code in fellow.accepted_regions),
        )
        named_vacancy = replace(
            vacancy,
            id=str(Vacancy.objects.select_related("school").get(pk=int(vacancy_id))),
            subject=subject(vacancy.subject),
            language=language(vacancy.language),
            region=regions.get(vacancy.region, vacancy.region),
        )
        return _("Locked pair (%(fellow)s, %(vacancy)s) cannot be met: %(reason)s.") % {
            "fellow": named_fellow.id,
            "vacancy": named_vacancy.id,
            "reason": solver.hard_constraint_broken(named_fellow, named_vacancy),
        }
    return None


@transaction.atomic
def placement_rule_set(
    *, actor: User, cohort: FellowshipCohort, fellow: Fellow, vacancy: Vacancy, kind: str
) -> PlacementRule:
    """Lock a pair (the next solves keep it) or forbid it; a second call with the other kind
    replaces the first. Needs can_manage_cohort."""
    if not can_manage_cohort(actor, cohort):
        raise PermissionDenied
    if fellow.cohort_id != cohort.pk or vacancy.programme_id != cohort.cohort.programme_id:
        raise ValidationError(_("This fellow or vacancy is not in this cohort's programme."))
    if kind == PlacementRule.Kind.LOCK:
        # One lock per fellow and per vacancy: a new lock replaces the older ones it conflicts with.
        PlacementRule.objects.filter(cohort=cohort, kind=PlacementRule.Kind.LOCK).filter(
            Q(fellow=fellow) | Q(vacancy=vacancy)
        ).exclude(fellow=fellow, vacancy=vacancy).delete()
    rule, _created = PlacementRule.objects.update_or_create(
        cohort=cohort, fellow=fellow, vacancy=vacancy, defaults={"kind": kind, "created_by": actor}
    )
    rule.full_clean()
    audit_record(
        actor=actor, action=f"fellowship.placement_rule.{'locked' if kind == 'lock' else 'forbidden'}", target=rule
    )
    return rule


@transaction.atomic
def placement_rule_remove(*, actor: User, rule: PlacementRule) -> None:
    if not can_manage_cohort(actor, rule.cohort):
        raise PermissionDenied
    audit_record(actor=actor, action="fellowship.placement_rule.deleted", target=rule)
    rule.delete()


@transaction.atomic
def placement_apply(*, actor: User, cohort: FellowshipCohort, starts_on: datetime.date) -> list[Placement]:
    """Solve again and store the answer: a two-year placement per match (with its explanation),
    the school joins the cohort (so the analytics' coverage counts it), the application moves to
    "placed". Needs can_manage_cohort; an infeasible solve raises ValidationError."""
    run = placement_solve(actor=actor, cohort=cohort)
    if run.result.infeasible:
        raise ValidationError(run.result.infeasible)
    placements = []
    ends_on = starts_on.replace(year=starts_on.year + PLACEMENT_YEARS)
    for match in run.matches:
        placement = Placement(
            fellow=match.fellow,
            vacancy=match.vacancy,
            school=match.vacancy.school,
            subject=match.vacancy.subject,
            starts_on=starts_on,
            ends_on=ends_on,
            explanation="\n".join(match.reasons),
        )
        placement.full_clean()
        placement.save()
        CohortSchool.objects.get_or_create(
            cohort=cohort.cohort, school=match.vacancy.school, defaults={"joined_on": starts_on}
        )
        application = match.fellow.application
        if application is not None and application.stage != Stage.PLACED:
            StageChange.objects.create(
                application=application, from_stage=application.stage, to_stage=Stage.PLACED, by=actor
            )
            application.stage, application.stage_changed_at = Stage.PLACED, timezone.now()
            application.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        audit_record(actor=actor, action="fellowship.placement.created", target=placement)
        placements.append(placement)
    PlacementRule.objects.filter(cohort=cohort).delete()
    return placements
