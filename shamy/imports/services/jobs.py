"""Import jobs: upload, check (preview), commit.

The job row is the import's own log (who, what file, when, what happened), so these services do
not add audit entries for it; the records an import writes are audited by the services of the app
that owns them (the registry's, for schools and people), which its importer calls. A commit
re-checks the stored file inside its transaction, so nothing is written unless every row is still
valid when it is applied: all or nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shamy.imports.base import CREATE, ERROR, UNCHANGED, UPDATE, Importer, Problem, Report, check_table
from shamy.imports.files import FileProblem, Table, format_from_name, read_table
from shamy.imports.kinds import importer_for
from shamy.imports.models import ImportJob

if TYPE_CHECKING:
    from shamy.accounts.models import User

logger = logging.getLogger(__name__)


class JobStateError(Exception):
    """The job is not in a state that allows this step (already running, has errors, done)."""


def _importer(job_kind: str) -> Importer:
    importer = importer_for(job_kind)
    if importer is None:
        raise PermissionDenied
    return importer


def _background(rows: int) -> bool:
    return rows > settings.IMPORT_BACKGROUND_ROWS


def job_create(*, actor: User, kind: str, upload: UploadedFile) -> ImportJob:
    """Store an uploaded file as a new job and check it (in the background for large files).

    Needs the importer's permission, else PermissionDenied. Raises FileProblem when the file is
    too large, is not what its name says, or cannot be read: then nothing is stored.
    """
    importer = importer_for(kind)
    if importer is None or not importer.allowed(actor):
        raise PermissionDenied
    if upload.size is not None and upload.size > settings.IMPORT_MAX_BYTES:
        raise FileProblem(
            _("The file is too large: the limit is %(limit)s MB."),
            {"limit": round(settings.IMPORT_MAX_BYTES / 1024 / 1024, 1)},
        )
    name = upload.name or "upload"
    file_format = format_from_name(name)
    data = upload.read()
    table = read_table(data, file_format)
    with transaction.atomic():
        job = ImportJob(
            created_by=actor,
            kind=kind,
            original_name=name[-255:],
            file_format=file_format,
            rows_total=len(table.rows),
            progress_total=len(table.rows),
        )
        job.file.save("upload." + file_format, ContentFile(data), save=False)
        if _background(len(table.rows)):
            job.status, job.stage = ImportJob.Status.RUNNING, ImportJob.Stage.CHECK
            job.save()
            from shamy.imports.tasks import import_job_check

            transaction.on_commit(partial(import_job_check.enqueue, job_id=job.pk))
            return job
        job.save()
    job_check(job=job, table=table)
    return job


def _read(job: ImportJob) -> Table:
    with job.file.open("rb") as stored:
        data = stored.read()
    return read_table(data, job.file_format)


def _store_report(job: ImportJob, importer: Importer, report: Report) -> None:
    job.errors = [problem.as_json() for problem in report.problems]
    job.preview = {
        "columns": report.columns,
        "rows": [
            {
                "line": row.line,
                "action": row.action,
                "summary": importer.summary(row),
                "cells": [row.cells.get(code, "") for code in report.columns],
            }
            for row in report.rows
        ],
    }
    job.rows_total = len(report.rows)
    job.rows_created = report.count(CREATE)
    job.rows_updated = report.count(UPDATE)
    job.rows_unchanged = report.count(UNCHANGED)
    job.rows_failed = report.count(ERROR)


def job_check(*, job: ImportJob, table: Table | None = None) -> ImportJob:
    """Check every row of the job's file and keep the preview. Writes only the job row."""
    importer = _importer(job.kind)

    def progress(done: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(progress_done=done)

    try:
        report = check_table(importer, table if table is not None else _read(job), progress=progress)
    except FileProblem as problem:
        report = Report(columns=[], rows=[], file_problems=[Problem.of(problem.message, problem.params)])
    _store_report(job, importer, report)
    job.status = ImportJob.Status.VALIDATED if report.ok else ImportJob.Status.FAILED
    job.stage = ImportJob.Stage.CHECK
    job.progress_done = job.progress_total = len(report.rows)
    job.save()
    return job


def job_check_background(job_id: int) -> None:
    """The task body: check a large file. Does nothing unless the job is waiting for its check."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING, stage=ImportJob.Stage.CHECK).first()
    if job is None:
        return
    try:
        job_check(job=job)
    except Exception:
        logger.exception("Import job %s: check failed", job_id)
        _fail(job, Problem.of(_("The check stopped because of an internal error. Please try again.")))


def _fail(job: ImportJob, problem: Problem) -> None:
    job.status = ImportJob.Status.FAILED
    job.errors = [problem.as_json()]
    job.finished_at = timezone.now()
    job.save()


def job_commit(*, actor: User, job: ImportJob) -> ImportJob:
    """Import a checked job's rows: all of them in one transaction, or none.

    Needs the importer's permission and a job the actor may see, else PermissionDenied; raises
    JobStateError unless the job is checked and error-free. Large jobs are committed by a
    background task enqueued after this transaction commits.
    """
    importer = _importer(job.kind)
    if not importer.allowed(actor) or not ImportJob.objects.restrict(actor, "view").filter(pk=job.pk).exists():
        raise PermissionDenied
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=job.pk)
        if job.status != ImportJob.Status.VALIDATED:
            raise JobStateError(job.status)
        job.status, job.stage = ImportJob.Status.RUNNING, ImportJob.Stage.COMMIT
        job.progress_done, job.progress_total = 0, job.rows_total
        job.save()
        if _background(job.rows_total):
            from shamy.imports.tasks import import_job_commit

            transaction.on_commit(partial(import_job_commit.enqueue, job_id=job.pk))
            return job
    _run_commit(job=job, actor=actor)
    return job


def job_commit_background(job_id: int) -> None:
    """The task body: commit a large job. Does nothing unless the job is waiting for its commit."""
    job = (
        ImportJob.objects.select_related("created_by")
        .filter(pk=job_id, status=ImportJob.Status.RUNNING, stage=ImportJob.Stage.COMMIT)
        .first()
    )
    if job is None:
        return
    _run_commit(job=job, actor=job.created_by, report_progress=True)


class _Rejected(Exception):
    def __init__(self, report: Report) -> None:
        super().__init__("rows no longer valid")
        self.report = report


# Rows written per batch: new records go in with one bulk insert per batch (see Importer.apply_many).
COMMIT_BATCH = 500


def _run_commit(*, job: ImportJob, actor: User, report_progress: bool = False) -> None:
    importer = _importer(job.kind)
    progress, close = _commit_progress(job.pk) if report_progress else (None, None)
    try:
        table = _read(job)
        with transaction.atomic():
            # Checked again inside the transaction: the data may have changed since the preview.
            report = check_table(importer, table)
            if not report.ok:
                raise _Rejected(report)
            for start in range(0, len(report.rows), COMMIT_BATCH):
                batch = report.rows[start : start + COMMIT_BATCH]
                importer.apply_many(actor=actor, rows=batch)
                if progress is not None:
                    progress(start + len(batch))
    except _Rejected as rejected:
        _store_report(job, importer, rejected.report)
        job.status = ImportJob.Status.FAILED
    except (ValidationError, IntegrityError, PermissionDenied, FileProblem) as error:
        logger.warning("Import job %s: commit refused: %r", job.pk, error)
        job.status = ImportJob.Status.FAILED
        job.errors = [Problem.of(_("The import was refused and nothing was saved. Upload the file again.")).as_json()]
    except Exception:
        logger.exception("Import job %s: commit failed", job.pk)
        job.status = ImportJob.Status.FAILED
        job.errors = [Problem.of(_("The import stopped because of an internal error; nothing was saved.")).as_json()]
    else:
        _store_report(job, importer, report)
        job.status = ImportJob.Status.DONE
        job.progress_done = job.rows_total
    finally:
        if close is not None:
            close()
    job.finished_at = timezone.now()
    job.save()


def _commit_progress(job_id: int) -> tuple[Callable[[int], None] | None, Callable[[], None] | None]:
    """Progress of a commit, written where the polling page can see it before the commit ends.

    The import's own transaction hides its writes until it commits, so PostgreSQL gets progress
    through a second, autocommitting connection. SQLite allows one writer at a time, so there the
    progress bar shows the commit as running until it is done.
    """
    if connection.vendor != "postgresql":
        return None, None
    side = connections.create_connection(DEFAULT_DB_ALIAS)
    table = side.ops.quote_name(ImportJob._meta.db_table)
    sql = "UPDATE " + table + " SET progress_done = %s WHERE id = %s"  # noqa: S608 (a quoted model table name)
    prepared = False

    def report(done: int) -> None:
        nonlocal prepared
        try:
            with side.cursor() as cursor:
                if not prepared:
                    # Never wait on a lock: progress is a courtesy, the import must not stall for it.
                    cursor.execute("SET lock_timeout = '200ms'")
                    prepared = True
                cursor.execute(sql, [done, job_id])
        except DatabaseError:
            logger.debug("Import job %s: progress not recorded", job_id)

    return report, side.close
