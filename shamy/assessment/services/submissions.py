"""Submitting a portfolio for assessment: an immutable snapshot, one version per submission."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shamy.accounts.models import User
from shamy.assessment.models import (
    OPEN_STATUSES,
    Rubric,
    Submission,
    SubmissionFile,
    SubmissionStatus,
    section_criterion_codes,
)
from shamy.audit.services.entries import audit_record
from shamy.core.files import store_file
from shamy.portfolios import permissions as portfolio_permissions
from shamy.portfolios.models import Evidence, Portfolio
from shamy.portfolios.services.portfolios import portfolio_submit


def current_rubric(programme_id: int) -> Rubric | None:
    return Rubric.objects.filter(programme_id=programme_id, is_current=True).prefetch_related("criteria").first()


def _file_digest(evidence: Evidence) -> str:
    if not evidence.file:
        return ""
    digest = hashlib.sha256()
    with evidence.file.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def portfolio_snapshot(portfolio: Portfolio, rubric: Rubric) -> dict[str, Any]:
    """Everything the assessor judges, copied: texts, the section-criterion links, and each piece
    of evidence's description with the SHA-256 of its file (so a later change is detectable)."""
    project = portfolio.project
    sections = []
    rows = list(portfolio.sections.prefetch_related("evidence").order_by("order", "id"))
    codes = section_criterion_codes(rubric, rows)
    for section in rows:
        sections.append(
            {
                "id": section.pk,
                "title": section.title,
                "criterion_code": codes[section.pk],
                "body": section.body,
                "version": section.version,
                "evidence": [
                    {
                        "id": item.pk,
                        "kind": item.kind,
                        "title": item.title,
                        "description": item.description,
                        "mime": item.mime,
                        "size": item.size,
                        "video_url": item.video_url,
                        "sha256": _file_digest(item),
                    }
                    for item in section.evidence.all()
                ],
            }
        )
    return {
        "project": {
            "id": project.pk,
            "title": project.title,
            "concern": project.concern,
            "theme": project.theme.code,
            "teacher": project.teacher.full_name,
            "school": project.school.name,
            "cohort": project.cohort.name,
        },
        "sections": sections,
    }


@transaction.atomic
def submission_create(*, actor: User, portfolio: Portfolio) -> Submission:
    """Submit the teacher's portfolio for assessment and freeze it as the next version.

    Needs the project's teacher (PermissionDenied). Submits the portfolio if it is still a draft
    (the portfolio app's rules: every section written). Refused while an earlier version awaits
    assessment or certification, once certified, or when the programme has no rubric.
    """
    project = portfolio.project
    if not portfolio_permissions.can_manage_project(actor, project):
        raise PermissionDenied
    portfolio = Portfolio.objects.select_for_update(of=("self",)).select_related("project__cohort").get(pk=portfolio.pk)
    rubric = current_rubric(project.cohort.programme_id)
    if rubric is None:
        raise ValidationError(_("This programme has no rubric yet: ask its coordinator."))
    earlier = Submission.objects.filter(portfolio=portfolio).order_by("-version").first()
    if earlier is not None and earlier.status in OPEN_STATUSES:
        raise ValidationError(_("The previous version is still being assessed."))
    if earlier is not None and earlier.status == SubmissionStatus.APPROVED:
        raise ValidationError(_("This portfolio has already been certified."))
    if not portfolio.is_submitted:
        portfolio = portfolio_submit(actor=actor, portfolio=portfolio)
    now = timezone.now()
    submission = Submission(
        portfolio=portfolio,
        project=project,
        teacher=project.teacher,
        cohort=project.cohort,
        school=project.school,
        rubric=rubric,
        version=(earlier.version + 1) if earlier else 1,
        snapshot=portfolio_snapshot(portfolio, rubric),
        submitted_by=actor,
        submitted_at=now,
        status_changed_at=now,
    )
    submission.full_clean()
    submission.save()
    copied = _copy_evidence_files(submission, portfolio)
    audit_record(
        actor=actor,
        action="assessment.submission.created",
        target=submission,
        after={"version": submission.version, "files": copied},
    )
    return submission


def _copy_evidence_files(submission: Submission, portfolio: Portfolio) -> int:
    """Copy every evidence file of the portfolio into the submission (``SubmissionFile``), so the
    submission keeps what was judged whatever later happens to the portfolio. The copy's SHA-256
    is the one the snapshot records."""
    digests = {
        item["id"]: item["sha256"] for section in submission.sections for item in section["evidence"] if item["sha256"]
    }
    evidence = Evidence.objects.filter(pk__in=sorted(digests)).exclude(file="")
    count = 0
    for item in evidence:
        with item.file.open("rb") as handle:
            content = handle.read()
        copy = SubmissionFile(
            submission=submission,
            evidence_id=item.pk,
            title=item.title,
            mime=item.mime,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
        )
        store_file(copy.file, content, name=str(item.file.name))
        copy.full_clean()
        copy.save()
        count += 1
    return count


def submission_after_portfolio_submit(*, portfolio_id: int, actor_id: int) -> Submission | None:
    """A portfolio was submitted on the portfolio's own page: freeze it as the next submission.

    Registered with ``portfolios.hooks`` (``AssessmentConfig.ready``), run after the portfolio's
    submission commits. Does nothing when a version already awaits assessment (it was submitted
    through :func:`submission_create`), once certified, or while the programme has no rubric:
    the teacher's submission stands either way, and the assessment's own submit page remains.
    """
    portfolio = Portfolio.objects.select_related("project__cohort", "project__teacher").filter(pk=portfolio_id).first()
    actor = User.objects.filter(pk=actor_id).first()
    if portfolio is None or actor is None or not portfolio.is_submitted:
        return None
    if current_rubric(portfolio.project.cohort.programme_id) is None:
        return None
    earlier = Submission.objects.filter(portfolio=portfolio).order_by("-version").first()
    if earlier is not None and (earlier.status in OPEN_STATUSES or earlier.status == SubmissionStatus.APPROVED):
        return None
    return submission_create(actor=actor, portfolio=portfolio)
