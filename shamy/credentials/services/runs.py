"""Cohort runs: every approved teacher's certificate issued, rendered and packed into one ZIP, in
the background, with progress."""

from __future__ import annotations

import io
import json
import multiprocessing
import os
import zipfile
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from functools import partial
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from shamy.access.context import access_for
from shamy.access.roles import Role
from shamy.accounts.models import User
from shamy.assessment.models import Submission, SubmissionStatus
from shamy.audit.services.entries import audit_record
from shamy.core.db import kazakh_order
from shamy.credentials.models import Certificate, CertificateRun, RunStatus
from shamy.credentials.pdf import PDF_LANGUAGES, certificate_html
from shamy.credentials.services.certificates import certificate_issue
from shamy.programmes.models import Cohort

PROGRESS_EVERY = 10
IN_FLIGHT = 6  # pages handed to the renderers and not yet packed
RENDERERS = int(os.environ.get("SHAMY_PDF_RENDERERS", "2"))  # renderer processes, at most one per core


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
        .order_by(kazakh_order("teacher__surname"), kazakh_order("teacher__given_name"), "id")
    )


def _render(html: str) -> bytes:
    """One certificate page to PDF bytes (in the renderer process: no database, only WeasyPrint)."""
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def _render_certificate(certificate: Certificate, language: str) -> bytes:
    """The page (template, QR code) and its PDF, in the renderer process. The certificate comes
    with its issuer already loaded (see the caller): nothing here reads the database."""
    return _render(certificate_html(certificate, language=language))


def _renderer(total: int) -> Executor:
    """Where the PDFs are rendered: a second process for a run of several certificates, so that
    issuing and signing the next certificate (database, RDF canonicalisation, Ed25519) overlaps
    with rendering this one on the machine's other core. The child only turns HTML into PDF bytes;
    it never touches the database. One certificate, or a platform without ``fork``: in process."""
    if total < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return _InProcess()
    workers = max(1, min(RENDERERS, os.cpu_count() or 1, total))
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("fork"))


class _InProcess(Executor):
    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(fn(*args, **kwargs))
        return future


def certificate_run_execute_now(run_id: int) -> CertificateRun:
    """The task's body: idempotent (a finished run is left alone; a re-run rebuilds the ZIP and
    issues nothing twice, since issuing is idempotent per submission).

    Issuing is sequential (certificate numbers follow the issuer's series); each certificate's
    page is handed to the renderer (:func:`_renderer`) and packed into the ZIP in order, with at
    most a few pages in flight."""
    run = CertificateRun.objects.select_related("cohort").get(pk=run_id)
    if run.status == RunStatus.DONE:
        return run
    submissions = _approved(run.cohort_id)
    CertificateRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, total=len(submissions), done=0)
    buffer = io.BytesIO()
    pending: deque[tuple[Certificate, Future[bytes]]] = deque()

    def pack(archive: zipfile.ZipFile) -> int:
        certificate, future = pending.popleft()
        # A PDF's streams are already compressed: stored, not deflated again.
        archive.writestr(f"{certificate.number}.pdf", future.result(), compress_type=zipfile.ZIP_STORED)
        archive.writestr(f"{certificate.number}.json", json.dumps(certificate.credential, ensure_ascii=False, indent=2))
        return 1

    try:
        with (
            _renderer(len(submissions)) as renderer,
            zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive,
        ):
            done = 0
            for submission in submissions:
                certificate: Certificate = certificate_issue(actor=None, submission=submission)
                certificate.issuer  # noqa: B018 (loaded here, so the renderer process never queries)
                pending.append((certificate, renderer.submit(_render_certificate, certificate, run.language)))
                while len(pending) > IN_FLIGHT:
                    done += pack(archive)
                    if done % PROGRESS_EVERY == 0:
                        CertificateRun.objects.filter(pk=run.pk).update(done=done)
            while pending:
                done += pack(archive)
            CertificateRun.objects.filter(pk=run.pk).update(done=done)
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
