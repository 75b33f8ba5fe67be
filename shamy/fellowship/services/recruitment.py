"""Recruitment: the public application (a draft under a magic link), the stage pipeline, reviews."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shamy.audit.services.entries import audit_record, snapshot
from shamy.core.files import (
    LEGACY_OFFICE_TYPES,
    MEGABYTE,
    ODF_TYPES,
    OOXML_TYPES,
    PDF_TYPES,
    UploadPolicy,
    prepare_upload,
    store_file,
)
from shamy.fellowship.models import (
    CLOSED_STAGES,
    PIPELINE,
    REVIEWERS_PER_APPLICATION,
    RUBRIC,
    Application,
    Fellow,
    FellowshipCohort,
    Review,
    Stage,
    StageChange,
)
from shamy.fellowship.permissions import can_manage_cohort, can_review_application

if TYPE_CHECKING:
    from shamy.accounts.models import User

# A CV or a diploma: a PDF or an office document (a scan as PDF), checked by content.
APPLICATION_UPLOADS = UploadPolicy(
    types=frozenset({*PDF_TYPES, *OOXML_TYPES, *ODF_TYPES, *LEGACY_OFFICE_TYPES}),
    limits={"pdf": 10 * MEGABYTE, "document": 10 * MEGABYTE},
    not_accepted=gettext_lazy("Upload a PDF or a Word or OpenDocument file."),
)
# Fields of an application that an applicant fills in (the rest belongs to the pipeline).
APPLICANT_FIELDS = (
    "full_name",
    "phone",
    "university",
    "graduated_year",
    "subjects",
    "languages",
    "ranked_regions",
    "needs_housing",
    "motivation",
)
AUDITED = [*APPLICANT_FIELDS, "email", "language", "stage", "submitted_at"]
REQUIRED_TO_SUBMIT = ("full_name", "university", "subjects", "languages", "motivation")


def _audited(application: Application) -> dict[str, Any]:
    """What the audit trail keeps of an application: the answers and the stored files' names."""
    return {
        **(snapshot(application, AUDITED) or {}),
        "cv": application.cv.name or "",
        "diploma": application.diploma.name or "",
    }


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def application_for_token(token: str) -> Application | None:
    """The application a magic link opens (its only key: no sign-in)."""
    if not token or len(token) > 100:
        return None
    return Application.objects.select_related("cohort__cohort").filter(token_hash=_hash(token)).first()


def _send(application: Application, template: str, context: Mapping[str, Any]) -> None:
    with translation.override(application.language):
        subject = render_to_string(f"fellowship/{template}_subject.txt", {"application": application, **context})
        body = render_to_string(f"fellowship/{template}_email.txt", {"application": application, **context})
    send_mail(subject.strip(), body, settings.DEFAULT_FROM_EMAIL, [application.email])


def _link(base_url: str, token: str) -> str:
    return base_url.rstrip("/") + reverse("fellowship:apply-edit", kwargs={"token": token})


@transaction.atomic
def application_start(*, cohort: FellowshipCohort, email: str, language: str, base_url: str) -> tuple[Application, str]:
    """Open a draft application and mail its magic link (the applicant's only key).

    Anyone may start one while the cohort takes applications, else ValidationError. Returns the
    application and the token (shown once, so the applicant can carry on without waiting for mail).
    """
    if not cohort.applications_open:
        raise ValidationError(_("This cohort does not take applications now."))
    token = secrets.token_urlsafe(32)
    application = Application(cohort=cohort, email=email, language=language, token_hash=_hash(token))
    application.full_clean()
    application.save()
    audit_record(
        actor=None,
        action="fellowship.application.started",
        target=application,
        after=snapshot(application, ["email", "language", "stage"]),
    )
    url = _link(base_url, token)
    transaction.on_commit(lambda: _send(application, "magic_link", {"url": url}))
    return application, token


@transaction.atomic
def application_save(
    *,
    application: Application,
    data: Mapping[str, Any],
    accepted_region_ids: Iterable[int] | None = None,
    cv: UploadedFile | None = None,
    diploma: UploadedFile | None = None,
) -> Application:
    """Save what the applicant typed (a draft may be incomplete). Uploads go through the content
    checks of core.files (UploadRejected). Only a draft may change."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.stage != Stage.DRAFT:
        raise ValidationError(_("A submitted application can no longer be changed."))
    before = _audited(application)
    for field in APPLICANT_FIELDS:
        if field in data:
            setattr(application, field, data[field])
    for field_name, upload in (("cv", cv), ("diploma", diploma)):
        if upload is not None:
            prepared = prepare_upload(upload, policy=APPLICATION_UPLOADS)
            store_file(getattr(application, field_name), prepared.content, name=f"{field_name}.{prepared.extension}")
    application.full_clean()
    application.save()
    if accepted_region_ids is not None:
        application.accepted_regions.set(sorted(set(accepted_region_ids)))
    audit_record(
        actor=None,
        action="fellowship.application.saved",
        target=application,
        before=before,
        after=_audited(application),
    )
    return application


def _label(name: str) -> str:
    return str(getattr(Application._meta.get_field(name), "verbose_name", name))


def missing_to_submit(application: Application) -> list[str]:
    """The labels of what a draft still lacks before it can be submitted."""
    missing = [_label(f) for f in REQUIRED_TO_SUBMIT if not getattr(application, f)]
    if not application.accepted_regions.exists() and not application.ranked_regions:
        missing.append(_label("accepted_regions"))
    if not application.cv:
        missing.append(_label("cv"))
    return missing


@transaction.atomic
def application_submit(*, application: Application) -> Application:
    """Submit a complete draft: it enters the pipeline as "applied". ValidationError names what is
    missing."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.stage != Stage.DRAFT:
        raise ValidationError(_("This application is already submitted."))
    missing = missing_to_submit(application)
    if missing:
        raise ValidationError(_("Still missing: %(fields)s.") % {"fields": ", ".join(missing)})
    now = timezone.now()
    application.stage, application.stage_changed_at, application.submitted_at = Stage.APPLIED, now, now
    application.save(update_fields=["stage", "stage_changed_at", "submitted_at", "updated_at"])
    StageChange.objects.create(application=application, from_stage=Stage.DRAFT, to_stage=Stage.APPLIED, at=now)
    audit_record(actor=None, action="fellowship.application.submitted", target=application, after=_audited(application))
    return application


@transaction.atomic
def application_withdraw(*, application: Application) -> Application:
    """The applicant withdraws (through their magic link), at any open stage."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.stage in CLOSED_STAGES:
        return application
    now = timezone.now()
    StageChange.objects.create(application=application, from_stage=application.stage, to_stage=Stage.WITHDRAWN, at=now)
    application.stage, application.stage_changed_at = Stage.WITHDRAWN, now
    application.save(update_fields=["stage", "stage_changed_at", "updated_at"])
    audit_record(actor=None, action="fellowship.application.withdrawn", target=application, after=_audited(application))
    return application


def allowed_moves(stage: str) -> list[str]:
    """Where an application may go from ``stage``: the next pipeline stage (or any later one,
    for bulk catch-up), back one, or withdrawn/declined from anywhere open."""
    if stage in CLOSED_STAGES or stage == Stage.DRAFT:
        return []
    index = PIPELINE.index(Stage(stage))
    return [str(s) for s in PIPELINE if PIPELINE.index(s) != index] + [Stage.WITHDRAWN, Stage.DECLINED]


@transaction.atomic
def applications_move(
    *, actor: User, cohort: FellowshipCohort, applications: Sequence[Application], to_stage: str, base_url: str
) -> list[Application]:
    """Move applications of ``cohort`` to ``to_stage`` in one go, mailing each applicant in their
    own language after commit. An application moved to "accepted" makes its applicant a fellow
    of the cohort (waiting for placement). Needs can_manage_cohort; an application that may not move there
    (a draft, a closed one) raises ValidationError and nothing moves."""
    if not can_manage_cohort(actor, cohort):
        raise PermissionDenied
    if to_stage not in Stage.values or to_stage == Stage.DRAFT:
        raise ValidationError(_("Unknown stage."))
    ids = sorted(a.pk for a in applications)
    locked = list(Application.objects.select_for_update().filter(pk__in=ids, cohort=cohort).order_by("pk"))
    if len(locked) != len(ids):
        raise ValidationError(_("Some applications are not in this cohort."))
    now = timezone.now()
    moved = []
    for application in locked:
        if application.stage == to_stage:
            continue
        if to_stage not in allowed_moves(application.stage):
            raise ValidationError(
                _("%(name)s cannot move from %(from)s to %(to)s.")
                % {"name": application, "from": application.get_stage_display(), "to": Stage(to_stage).label}
            )
        StageChange.objects.create(
            application=application, from_stage=application.stage, to_stage=to_stage, at=now, by=actor
        )
        before = snapshot(application, ["stage"])
        application.stage, application.stage_changed_at = to_stage, now
        application.save(update_fields=["stage", "stage_changed_at", "updated_at"])
        audit_record(
            actor=actor,
            action="fellowship.application.moved",
            target=application,
            before=before,
            after=snapshot(application, ["stage"]),
        )
        if to_stage == Stage.ACCEPTED:
            _fellow_from(application)
        moved.append(application)
    status_url = base_url.rstrip("/")
    for application in moved:
        transaction.on_commit(
            partial(_send, application, "stage", {"stage": Stage(application.stage).label, "site": status_url})
        )
    return moved


def _fellow_from(application: Application) -> Fellow:
    """An accepted applicant becomes a fellow of the cohort (once), with what placement needs:
    subjects, languages of instruction, accepted and ranked regions, housing."""
    existing = Fellow.objects.filter(application=application).first()
    if existing is not None:
        return existing
    fellow = Fellow(
        cohort=application.cohort,
        application=application,
        full_name=application.full_name or application.email,
        email=application.email,
        language=application.language,
        subjects=list(application.subjects),
        languages=list(application.languages),
        ranked_regions=list(application.ranked_regions),
        needs_housing=application.needs_housing,
    )
    fellow.full_clean()
    fellow.save()
    fellow.accepted_regions.set(application.accepted_regions.all())
    audit_record(actor=None, action="fellowship.fellow.created", target=fellow)
    return fellow


@transaction.atomic
def review_assign(*, actor: User, application: Application, reviewer: User) -> Review:
    """Assign a reviewer (at most two per application). Needs can_manage_cohort."""
    if not can_manage_cohort(actor, application.cohort):
        raise PermissionDenied
    existing = list(application.reviews.all())
    if any(r.reviewer_id == reviewer.pk for r in existing):
        return next(r for r in existing if r.reviewer_id == reviewer.pk)
    if len(existing) >= REVIEWERS_PER_APPLICATION:
        raise ValidationError(_("An application has at most two reviewers."))
    review = Review(application=application, reviewer=reviewer)
    review.full_clean()
    review.save()
    audit_record(actor=actor, action="fellowship.review.assigned", target=review)
    return review


@transaction.atomic
def review_submit(*, actor: User, review: Review, scores: Mapping[str, int], comment: str = "") -> Review:
    """The assigned reviewer scores every rubric criterion 1..5. Needs can_review_application
    (and to be this review's reviewer)."""
    if review.reviewer_id != actor.pk or not can_review_application(actor, review.application):
        raise PermissionDenied
    if set(scores) != set(RUBRIC):
        raise ValidationError(_("Score every criterion of the rubric."))
    before = snapshot(review)
    review.scores = {key: int(value) for key, value in scores.items()}
    review.comment = comment
    review.submitted_at = timezone.now()
    review.full_clean()
    review.save()
    audit_record(actor=actor, action="fellowship.review.submitted", target=review, before=before)
    return review


@transaction.atomic
def application_correct(
    *,
    actor: User,
    application: Application,
    data: Mapping[str, Any],
    accepted_region_ids: Iterable[int],
) -> Application:
    """A coordinator corrects a submitted application's answers (a draft is the applicant's to
    change; files stay the applicant's). When the applicant is already a fellow waiting for
    placement, the fellow's subjects, languages, regions and housing follow, so the next placement
    run uses the corrected answers. Needs can_manage_cohort (the programme's coordinators)."""
    if not can_manage_cohort(actor, application.cohort):
        raise PermissionDenied
    application = Application.objects.select_for_update().select_related("cohort__cohort").get(pk=application.pk)
    if application.stage == Stage.DRAFT:
        raise ValidationError(_("A draft is the applicant's to change: it can be corrected once submitted."))
    before = _audited(application)
    for field in APPLICANT_FIELDS:
        if field in data:
            setattr(application, field, data[field])
    application.full_clean()
    application.save()
    regions = sorted(set(accepted_region_ids))
    application.accepted_regions.set(regions)
    fellow = Fellow.objects.filter(application=application, placements__isnull=True).first()
    if fellow is not None:
        fellow.full_name = application.full_name or fellow.full_name
        fellow.subjects, fellow.languages = list(application.subjects), list(application.languages)
        fellow.ranked_regions, fellow.needs_housing = list(application.ranked_regions), application.needs_housing
        fellow.full_clean()
        fellow.save()
        fellow.accepted_regions.set(regions)
    audit_record(
        actor=actor,
        action="fellowship.application.corrected",
        target=application,
        before=before,
        after={**_audited(application), "fellow_updated": fellow is not None},
    )
    return application
