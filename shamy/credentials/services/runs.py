"""Cohort runs: every approved teacher's certificate issued, rendered and packed into one ZIP, in
the background, with progress."""

from __future__ import annotations

import io
import json
import zipfile
from functools import partial

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.assessment.models import Submission, SubmissionStatus
from shamy.audit.services.entries import audit_record
from shamy.credentials.models import Certificate, CertificateRun, RunStatus
from shamy.credentials.pdf import PDF_LANGUAGES, certificate_pdf
from shamy.credentials.services.certificates import certificate_issue
from shamy.programmes.models import Cohort

PROGRESS_EVERY = 10


def can_run_cohort(actor: User, cohort: Cohort) -> bool:
    roles = access_for(actor).programme_roles(cohort.programme_id)
    return bool(roles & {Role.CERTIFIER, Role.COORDINATOR})


@transaction.atomic
def certificate_run_start(*, actor: User, cohort: Cohort, language: str = "kk") -> CertificateRun:
    """Queue a cohort run. Needs the programme's certifier or coordinator (PermissionDenied).
    After commit: the background task ``certificate_run_execute``."""
    from shamy.credentials.tasks import certificate_run_execute

    if not can_run_cohort(actor, cohort):
        raise PermissionDenied
    run = CertificateRun(cohort=cohort, requested_by=actor, language=language if language in PDF_LANGUAGES else "kk")
    run.full_clean()
    run.save()
    audit_record(
        actor=actor, action="credentials.run.started", target=run, after={"cohort": cohort.pk, "language": run.language}
    )
    transaction.on_commit(partial(certificate_run_execute.enqueue, run_id=run.pk))
    return run


def _approved(cohort_id: int) -> list[Submission]:
    return list(
        Submission.objects.filter(cohort_id=cohort_id, status=SubmissionStatus.APPROVED)
        .select_related("teacher", "cohort__programme")
        .order_by("teacher__surname", "teacher__given_name", "id")
    )


def certificate_run_execute_now(run_id: int) -> CertificateRun:
    """The task's body: idempotent (a finished run is left alone; a re-run rebuilds the ZIP and
    issues nothing twice, since issuing is idempotent per submission)."""
    run = CertificateRun.objects.select_related("cohort").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    submissions = _approved(run.cohort_id)
    CertificateRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, total=len(submissions), done=0)
    buffer = io.BytesIO()
    try:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for index, submission in enumerate(submissions, start=1):
                certificate: Certificate = certificate_issue(actor=None, submission=submission)
                archive.writestr(f"{certificate.number}.pdf", certificate_pdf(certificate, language=run.language))
                archive.writestr(
                    f"{certificate.number}.json", json.dumps(certificate.credential, ensure_ascii=False, indent=2)
                )
                if index % PROGRESS_EVERY == 0 or index == len(submissions):
                    CertificateRun.objects.filter(pk=run.pk).update(done=index)
    except Exception as error:
        CertificateRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED, error=str(error)[:2000], finished_at=timezone.now()
        )
        raise
    run.refresh_from_db()
    run.archive.save(f"{run.public_id}.zip", ContentFile(buffer.getvalue()), save=False)
    run.status, run.finished_at = RunStatus.DONE, timezone.now()
    run.save(update_fields=["archive", "status", "finished_at"])
    audit_record(actor=None, action="credentials.run.finished", target=run, after={"certificates": run.total})
    return run
