"""Adding evidence to a project: files checked by content and cleaned, or links to video."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from shamy.audit.services.entries import audit_record, snapshot
from shamy.portfolios import permissions, uploads
from shamy.portfolios.models import DevelopmentProject, Evidence, EvidenceKind
from shamy.portfolios.services.projects import _touch

_KIND_BY_FAMILY = {
    uploads.IMAGE: EvidenceKind.PHOTO,
    uploads.PDF: EvidenceKind.PDF,
    uploads.DOCUMENT: EvidenceKind.DOCUMENT,
    uploads.AUDIO: EvidenceKind.AUDIO,
}
MAX_UPLOAD_BYTES = max(uploads.SIZE_LIMITS.values())


def _read(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > MAX_UPLOAD_BYTES:
        raise uploads.UploadRejected(
            _("The file is larger than %(limit)s MB.") % {"limit": MAX_UPLOAD_BYTES // uploads.MEGABYTE}
        )
    upload.seek(0)
    return upload.read()


def evidence_add(
    *,
    actor: Any,
    project: DevelopmentProject,
    title: str,
    description: str = "",
    upload: UploadedFile | None = None,
    video_url: str = "",
    shows_pupils: bool = False,
    parental_consent: bool = False,
) -> Evidence:
    """Add a file or a video link as evidence of the project.

    Needs the teacher or a collaborator (PermissionDenied). The file's type is decided by its
    content (``uploads.check_upload``); images are re-encoded without EXIF or GPS data and get
    a thumbnail. An item showing pupils needs the parents' consent on file. Rejections raise
    ``ValidationError`` with the field to blame. Files go through Django's default storage.
    """
    if not permissions.can_edit_project(actor, project):
        raise PermissionDenied
    if shows_pupils and not parental_consent:
        raise ValidationError(
            {"parental_consent": _("This item shows pupils: confirm that consent from parents is on file.")}
        )
    evidence = Evidence(
        project=project,
        title=title.strip(),
        description=description.strip(),
        shows_pupils=shows_pupils,
        parental_consent=parental_consent,
        uploaded_by=actor,
    )
    if video_url:
        if upload is not None:
            raise ValidationError({"file": _("Give either a file or a video link, not both.")})
        if urlsplit(video_url).scheme not in {"http", "https"}:
            raise ValidationError({"video_url": _("Give a web address starting with https://.")})
        evidence.kind = EvidenceKind.VIDEO_LINK
        evidence.video_url = video_url
        return _store(actor=actor, evidence=evidence, content=None, thumbnail=None, extension="")
    if upload is None:
        raise ValidationError({"file": _("Choose a file, or give a link to a video.")})
    try:
        data = _read(upload)
        checked = uploads.check_upload(data)
        thumbnail: bytes | None = None
        extension = checked.extension
        if checked.kind == uploads.IMAGE:
            cleaned = uploads.clean_image(data)
            data, thumbnail, extension = cleaned.content, cleaned.thumbnail, cleaned.extension
            checked = uploads.CheckedUpload(
                kind=checked.kind,
                mime="image/jpeg" if extension == "jpg" else "image/png",
                extension=extension,
                size=len(data),
            )
    except uploads.UploadRejected as error:
        raise ValidationError({"file": str(error)}) from error
    evidence.kind = _KIND_BY_FAMILY[checked.kind]
    evidence.mime = checked.mime
    evidence.size = len(data)
    return _store(actor=actor, evidence=evidence, content=data, thumbnail=thumbnail, extension=extension)


def _evidence_snapshot(evidence: Evidence) -> dict[str, Any]:
    """Audit data for evidence: file fields as their stored names."""
    data = snapshot(evidence, [f.name for f in Evidence._meta.concrete_fields if f.name not in {"file", "thumbnail"}])
    return {**(data or {}), "file": evidence.file.name or "", "thumbnail": evidence.thumbnail.name or ""}


def _store(
    *, actor: Any, evidence: Evidence, content: bytes | None, thumbnail: bytes | None, extension: str
) -> Evidence:
    stored: list[Any] = []
    try:
        with transaction.atomic():
            if content is not None:
                evidence.file.save(f"evidence.{extension}", ContentFile(content), save=False)
                stored.append(evidence.file)
            if thumbnail is not None:
                evidence.thumbnail.save("thumbnail.jpg", ContentFile(thumbnail), save=False)
                stored.append(evidence.thumbnail)
            evidence.full_clean()
            evidence.save()
            _touch(evidence.project)
            audit_record(
                actor=actor, action="portfolios.evidence.created", target=evidence, after=_evidence_snapshot(evidence)
            )
    except Exception:
        # The row was not saved: remove the files written for it so storage holds no orphans.
        for field_file in stored:
            field_file.storage.delete(field_file.name)
        raise
    return evidence


@transaction.atomic
def evidence_delete(*, actor: Any, evidence: Evidence) -> None:
    """Remove evidence and its files. Teacher or collaborator, portfolio not submitted."""
    project = evidence.project
    if not permissions.can_edit_project(actor, project) or project.portfolio.is_submitted:
        raise PermissionDenied
    names = [str(field.name) for field in (evidence.file, evidence.thumbnail) if field]
    storage = evidence.file.storage
    audit_record(
        actor=actor, action="portfolios.evidence.deleted", target=evidence, before=_evidence_snapshot(evidence)
    )
    evidence.delete()
    _touch(project)

    def delete_files() -> None:
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)
