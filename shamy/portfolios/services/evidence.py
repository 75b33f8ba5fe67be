"""Adding evidence to a project: files checked by content and cleaned, or links to video."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shamy.accounts.models import User
from shamy.audit.services.entries import audit_record, snapshot
from shamy.core import files
from shamy.core.rules import require
from shamy.portfolios.models import DevelopmentProject, Evidence, EvidenceKind
from shamy.portfolios.services.projects import _touch

_KIND_BY_FAMILY = {
    files.IMAGE: EvidenceKind.PHOTO,
    files.PDF: EvidenceKind.PDF,
    files.DOCUMENT: EvidenceKind.DOCUMENT,
    files.AUDIO: EvidenceKind.AUDIO,
}
# Rural connections are slow: the limits fit a lesson recording, a scanned report or a phone
# photo, not a film (video is a link).
EVIDENCE_POLICY = files.UploadPolicy(
    types=frozenset(
        {**files.IMAGE_TYPES, **files.PDF_TYPES, **files.OOXML_TYPES, **files.ODF_TYPES, **files.AUDIO_TYPES}
    ),
    limits={
        files.IMAGE: 10 * files.MEGABYTE,
        files.PDF: 20 * files.MEGABYTE,
        files.DOCUMENT: 20 * files.MEGABYTE,
        files.AUDIO: 30 * files.MEGABYTE,
    },
    not_accepted=gettext_lazy(
        "This kind of file is not accepted. Upload a photo (JPEG, PNG, WebP), a PDF, an office "
        "document (DOCX, XLSX, PPTX, ODT) or an audio recording; for a video, add a link instead."
    ),
    thumbnail=True,
)


def evidence_add(
    *,
    actor: User,
    project: DevelopmentProject,
    title: str,
    description: str = "",
    upload: UploadedFile | None = None,
    video_url: str = "",
    shows_pupils: bool = False,
    parental_consent: bool = False,
    publication_consent: bool = False,
) -> Evidence:
    """Add a file or a video link as evidence of the project.

    Needs the teacher or a collaborator (PermissionDenied). The file's type is decided by its
    content under ``EVIDENCE_POLICY`` (``core.files``); images are re-encoded without EXIF or GPS
    data and get a thumbnail. An item showing pupils needs the parents' consent on file. Only with
    ``publication_consent`` may a photo appear on the public page and the poster. Rejections raise
    ``ValidationError`` with the field to blame. Files go through Django's default storage.
    """
    require(actor, project, "edit")
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
        publication_consent=publication_consent,
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
        prepared = files.prepare_upload(upload, policy=EVIDENCE_POLICY)
    except files.UploadRejected as error:
        raise ValidationError({"file": str(error)}) from error
    evidence.kind = _KIND_BY_FAMILY[prepared.kind]
    evidence.mime = prepared.mime
    evidence.size = prepared.size
    return _store(
        actor=actor,
        evidence=evidence,
        content=prepared.content,
        thumbnail=prepared.thumbnail,
        extension=prepared.extension,
    )


def _evidence_snapshot(evidence: Evidence) -> dict[str, Any]:
    """Audit data for evidence: file fields as their stored names."""
    data = snapshot(evidence, [f.name for f in Evidence._meta.concrete_fields if f.name not in {"file", "thumbnail"}])
    return {**(data or {}), "file": evidence.file.name or "", "thumbnail": evidence.thumbnail.name or ""}


def _store(
    *, actor: User, evidence: Evidence, content: bytes | None, thumbnail: bytes | None, extension: str
) -> Evidence:
    stored: list[Any] = []
    try:
        with transaction.atomic():
            if content is not None:
                files.store_file(evidence.file, content, name=f"evidence.{extension}")
                stored.append(evidence.file)
            if thumbnail is not None:
                files.store_file(evidence.thumbnail, thumbnail, name="thumbnail.jpg")
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
def evidence_delete(*, actor: User, evidence: Evidence) -> None:
    """Remove evidence and its files. Teacher or collaborator, portfolio not submitted."""
    project = evidence.project
    require(actor, evidence, "delete")
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


@transaction.atomic
def evidence_set_publication(*, actor: User, evidence: Evidence, published: bool) -> Evidence:
    """Allow or withdraw publishing a piece of evidence on the project's public page and poster.

    Needs the teacher or a collaborator (PermissionDenied). Withdrawing always works; allowing a
    photo that shows pupils needs the parents' consent on file (ValidationError).
    """
    require(actor, evidence.project, "edit")
    locked = Evidence.objects.select_for_update().get(pk=evidence.pk)
    if locked.publication_consent == published:
        return locked
    if published and locked.shows_pupils and not locked.parental_consent:
        raise ValidationError(_("A photo showing pupils is published only with the parents' consent."))
    before = snapshot(locked, ["publication_consent"])
    locked.publication_consent = published
    locked.full_clean()
    locked.save(update_fields=["publication_consent"])
    audit_record(
        actor=actor,
        action="portfolios.evidence.publication_changed",
        target=locked,
        before=before,
        after=snapshot(locked, ["publication_consent"]),
    )
    return locked
