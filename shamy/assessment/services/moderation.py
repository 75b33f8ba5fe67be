"""Moderation: a sample stratified by assessor, blind second marking, the moderator's decision,
and agreement per assessor."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.access.context import access_for
from shamy.access.models import Membership
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.assessment.agreement import adjacent_agreement, exact_agreement, quadratic_weighted_kappa
from shamy.assessment.models import Moderation, ModerationOutcome, Submission, SubmissionStatus
from shamy.audit.services.entries import audit_record
from shamy.portfolios.services.portfolios import portfolio_reopen
from shamy.programmes.models import Programme

LOW_KAPPA = 0.6  # an assessor whose agreement with second markers is below this is flagged


def _second_assessor(programme: Programme, first_id: int, fallback: User, turn: int) -> User:
    """Another link facilitator of the programme, in turn; the coordinator if there is none."""
    others = list(
        Membership.objects.active()
        .filter(programme=programme, role=Role.LINK_FACILITATOR)
        .exclude(user_id=first_id)
        .select_related("user")
        .order_by("user_id")
    )
    return others[turn % len(others)].user if others else fallback


@transaction.atomic
def moderation_sample_draw(*, actor: User, programme: Programme, share: float) -> list[Moderation]:
    """Draw at least ``share`` (0–1] of each assessor's recommended submissions not yet moderated
    (at least one each), deterministically. Needs the programme's coordinator (PermissionDenied).
    Drawn submissions wait in moderation; the certifier does not see them until it is done."""
    if not access_for(actor).is_coordinator(programme):
        raise PermissionDenied
    if not 0 < share <= 1:
        raise ValidationError(_("The share is a percentage from 1 to 100."))
    candidates = list(
        Submission.objects.select_for_update(of=("self",))
        .filter(cohort__programme=programme, status=SubmissionStatus.RECOMMENDED, moderation__isnull=True)
        .select_related("assessment")
        .order_by("id")
    )
    by_assessor: dict[int, list[Submission]] = defaultdict(list)
    for submission in candidates:
        by_assessor[submission.assessment.assessor_id].append(submission)
    rng = random.Random(programme.pk * 7919 + len(candidates))  # noqa: S311 (a sample, not a secret)
    drawn, now, turn = [], timezone.now(), 0
    for assessor_id in sorted(by_assessor):
        group = by_assessor[assessor_id]
        for submission in rng.sample(group, math.ceil(share * len(group))):
            moderation = Moderation(
                submission=submission,
                drawn_by=actor,
                drawn_at=now,
                first_assessor_id=assessor_id,
                second_assessor=_second_assessor(programme, assessor_id, actor, turn),
            )
            turn += 1
            moderation.full_clean()
            moderation.save()
            Submission.objects.filter(pk=submission.pk).update(
                status=SubmissionStatus.MODERATION, status_changed_at=now
            )
            audit_record(actor=actor, action="assessment.moderation.drawn", target=moderation)
            drawn.append(moderation)
    return drawn


def _first_levels(moderation: Moderation) -> dict[str, int | None]:
    return {j.criterion.code: j.level for j in moderation.submission.assessment.judgements.select_related("criterion")}


def _release(moderation: Moderation, actor: User, outcome: str, note: str) -> None:
    submission = moderation.submission
    if outcome == ModerationOutcome.REVISE:
        submission.status = SubmissionStatus.REVISE
        submission.save(update_fields=["status"])
        portfolio_reopen(actor=actor, portfolio=submission.portfolio, reason=note)
    else:
        submission.status = SubmissionStatus.RECOMMENDED
        submission.save(update_fields=["status"])


@transaction.atomic
def moderation_mark(*, actor: User, moderation: Moderation, levels: Mapping[str, int]) -> Moderation:
    """The second assessor's levels, given blind. Within the threshold on every criterion the
    first judgement stands (back to the certifier); beyond it the moderator is asked."""
    moderation = (
        Moderation.objects.select_for_update(of=("self",)).select_related("submission__rubric").get(pk=moderation.pk)
    )
    if moderation.second_assessor_id != actor.pk or moderation.second_marked_at is not None:
        raise PermissionDenied
    criteria = {c.code: c for c in moderation.submission.rubric.criteria.all()}
    if set(levels) != set(criteria) or any(not 1 <= levels[c] <= criteria[c].max_level for c in criteria):
        raise ValidationError(_("Give a level for every criterion before finishing."))
    first = _first_levels(moderation)
    moderation.second_levels = dict(levels)
    moderation.second_marked_at = timezone.now()
    moderation.largest_difference = max(abs((first.get(code) or 0) - level) for code, level in levels.items())
    moderation.needs_moderator = moderation.largest_difference > Moderation.THRESHOLD
    moderation.full_clean()
    moderation.save()
    audit_record(actor=actor, action="assessment.moderation.marked", target=moderation)
    if not moderation.needs_moderator:
        _release(moderation, actor, ModerationOutcome.CERTIFY, "")
    return moderation


@transaction.atomic
def moderation_decide(*, actor: User, moderation: Moderation, outcome: str, note: str = "") -> Moderation:
    """The moderator's verdict where the two assessors differ: certify, or revise with a note.
    Needs the programme's coordinator while the moderator is asked (PermissionDenied)."""
    moderation = (
        Moderation.objects.select_for_update(of=("self",)).select_related("submission__cohort").get(pk=moderation.pk)
    )
    if not (
        access_for(actor).is_coordinator(moderation.submission.cohort.programme_id)
        and moderation.needs_moderator
        and moderation.decided_at is None
    ):
        raise PermissionDenied
    if outcome not in ModerationOutcome.values:
        raise ValidationError(_("Choose a recommendation: certify or revise."))
    moderation.moderator, moderation.outcome, moderation.note = actor, outcome, note.strip()
    moderation.decided_at = timezone.now()
    moderation.full_clean()
    moderation.save()
    audit_record(actor=actor, action="assessment.moderation.decided", target=moderation)
    _release(moderation, actor, outcome, moderation.note)
    return moderation


@dataclass(frozen=True)
class AssessorAgreement:
    assessor: Any
    pairs: int
    exact: float | None
    adjacent: float | None
    kappa: float | None

    @property
    def flagged(self) -> bool:
        return self.kappa is not None and self.kappa < LOW_KAPPA


def agreement_by_assessor(*, programme: Programme) -> tuple[list[AssessorAgreement], AssessorAgreement | None]:
    """Agreement of each first assessor with the second markers (every criterion of every
    moderated submission is one pair), and overall."""
    moderations = (
        Moderation.objects.filter(submission__cohort__programme=programme, second_marked_at__isnull=False)
        .select_related("first_assessor")
        .prefetch_related("submission__assessment__judgements__criterion")
        .order_by("first_assessor_id", "id")
    )
    pairs: dict[Any, tuple[list[int], list[int]]] = {}
    for moderation in moderations:
        first, second = pairs.setdefault(moderation.first_assessor, ([], []))
        for judgement in moderation.submission.assessment.judgements.all():
            if judgement.level is not None and judgement.criterion.code in moderation.second_levels:
                first.append(judgement.level)
                second.append(int(moderation.second_levels[judgement.criterion.code]))

    def row(assessor: Any, a: list[int], b: list[int]) -> AssessorAgreement:
        return AssessorAgreement(
            assessor, len(a), exact_agreement(a, b), adjacent_agreement(a, b), quadratic_weighted_kappa(a, b)
        )

    rows = [row(assessor, a, b) for assessor, (a, b) in pairs.items()]
    all_first = [level for a, _ in pairs.values() for level in a]
    all_second = [level for _, b in pairs.values() for level in b]
    return rows, (row(None, all_first, all_second) if all_first else None)
