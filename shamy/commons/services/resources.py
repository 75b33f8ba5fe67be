"""Adding, moderating and syncing commons items: the only writers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shamy.audit.services.entries import audit_record, snapshot
from shamy.commons import search
from shamy.commons.models import Kind, Resource, Status
from shamy.commons.permissions import can_moderate, can_submit
from shamy.core import files
from shamy.portfolios.models import PublicSummary

if TYPE_CHECKING:
    from shamy.accounts.models import User

COMMONS_POLICY = files.UploadPolicy(
    types=frozenset({"application/pdf", "image/jpeg", "image/png", *files.OOXML_TYPES, *files.ODF_TYPES}),
    limits={files.PDF: 40 * files.MEGABYTE, files.DOCUMENT: 40 * files.MEGABYTE, files.IMAGE: 15 * files.MEGABYTE},
    not_accepted=gettext_lazy("Upload a PDF, an office document or an image (JPEG, PNG)."),
)

_RECORDED = ["kind", "title", "language", "country", "licence", "status", "anonymous", "url", "public_id"]


def reindex(resource: Resource) -> None:
    """Store the stems the search reads (title apart, to rank title matches first)."""
    theme = resource.theme
    theme_names = [theme.name_kk, theme.name_ru, theme.name_en] if theme is not None else []
    resource.title_stems = search.index_text(resource.title)
    resource.search_stems = search.index_text(resource.title, resource.summary, resource.credit, *theme_names)


@transaction.atomic
def resource_submit(
    *, actor: User, fields: dict[str, Any], upload: UploadedFile | None = None, is_demo: bool = False
) -> Resource:
    """Add an item to the commons; it waits for moderation. The file goes through core/files.py.

    Raises PermissionDenied (no role), ValidationError (invalid fields), files.UploadRejected.
    """
    if not can_submit(actor):
        raise PermissionDenied
    resource = Resource(author=actor, status=Status.SUBMITTED, is_demo=is_demo, **fields)
    if not resource.anonymous and not resource.author_name:
        resource.author_name = actor.get_full_name()
    if resource.kind in (Kind.PROJECT,):
        raise ValidationError({"kind": _("Project summaries come from published projects.")})
    if upload is not None:
        prepared = files.prepare_upload(upload, policy=COMMONS_POLICY)
        stem = files.safe_filename(upload.name or "file").rsplit(".", 1)[0][:80] or "file"
        files.store_file(resource.file, prepared.content, name=f"{stem}.{prepared.extension}")
        resource.mime, resource.size = prepared.mime, prepared.size
    reindex(resource)
    resource.full_clean()
    resource.save()
    audit_record(actor=actor, action="commons.resource.submitted", target=resource, after=snapshot(resource, _RECORDED))
    return resource


@transaction.atomic
def resource_moderate(*, actor: User, resource: Resource, publish: bool, note: str = "") -> Resource:
    """Publish an item or turn it down with a note. Needs can_moderate."""
    if not can_moderate(actor, resource):
        raise PermissionDenied
    resource = Resource.objects.select_for_update().get(pk=resource.pk)
    before = snapshot(resource, _RECORDED)
    resource.status = Status.PUBLISHED if publish else Status.REJECTED
    resource.published_at = (resource.published_at or timezone.now()) if publish else None
    resource.moderated_by = actor
    resource.moderation_note = note
    resource.full_clean()
    resource.save()
    audit_record(
        actor=actor,
        action="commons.resource.published" if publish else "commons.resource.rejected",
        target=resource,
        before=before,
        after=snapshot(resource, _RECORDED),
    )
    return resource


@transaction.atomic
def summaries_sync(*, actor: User | None = None, is_demo: bool = False) -> int:
    """Bring every published project summary into the commons (consented by the teacher; the
    item shows the name and school only as the consent allows). Returns how many were added."""
    existing = set(Resource.objects.filter(public_summary__isnull=False).values_list("public_summary_id", flat=True))
    added = 0
    summaries = (
        PublicSummary.objects.published()
        .exclude(pk__in=existing)
        .select_related(
            "project", "project__teacher", "project__school", "project__theme", "project__cohort__programme"
        )
        .select_related("consent")
    )
    for summary in summaries:
        project = summary.project
        consent = summary.consent
        show_name = consent is not None and consent.show_name
        teacher = project.teacher
        resource = Resource(
            kind=Kind.PROJECT,
            title=project.title,
            summary="\n\n".join(part for part in (summary.summary, summary.actions, summary.impact) if part),
            language=summary.language,
            country=project.cohort.programme.country,
            theme=project.theme,
            author_name=str(teacher) if show_name else "",
            anonymous=not show_name,
            programme=project.cohort.programme,
            public_summary=summary,
            status=Status.PUBLISHED,
            published_at=summary.published_at,
            is_demo=is_demo,
        )
        reindex(resource)
        resource.full_clean()
        resource.save()
        audit_record(
            actor=actor, action="commons.resource.synced", target=resource, after=snapshot(resource, _RECORDED)
        )
        added += 1
    return added
