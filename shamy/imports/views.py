from __future__ import annotations

from collections import defaultdict
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.decorators.vary import vary_on_headers

from shamy.access.http import AuthedHttpRequest
from shamy.core.rules import checked, requires
from shamy.imports.base import Problem
from shamy.imports.files import FileProblem
from shamy.imports.forms import UploadForm
from shamy.imports.kinds import all_importers, importer_for, importers_for_user
from shamy.imports.models import ImportJob
from shamy.imports.permissions import may_import
from shamy.imports.samples import template_response
from shamy.imports.selectors import importer_get_for_user, job_list_for_user
from shamy.imports.services.jobs import JobStateError, job_create
from shamy.imports.services.jobs import job_commit as job_commit_service

PREVIEW_PAGE_SIZE = 100
ERROR_LIST_LIMIT = 200


@requires(may_import)
def start(request: AuthedHttpRequest) -> HttpResponse:
    importers = importers_for_user(request.user)
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, importers=importers)
        if form.is_valid():
            try:
                job = job_create(actor=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"])
            except FileProblem as problem:
                form.add_error("file", problem.text())
            else:
                return redirect("imports:job-detail", job_id=job.pk)
    else:
        requested = request.GET.get("kind")
        form = UploadForm(
            initial={"kind": requested} if requested in {i.kind for i in importers} else None, importers=importers
        )
    return render(request, "imports/start.html", {"form": form, "importers": importers})


def template_download(request: AuthedHttpRequest, kind: str, file_format: str) -> HttpResponse:
    importer = importer_get_for_user(user=request.user, kind=kind, file_format=file_format)
    return template_response(importer, file_format)


@requires(may_import)
def job_list(request: AuthedHttpRequest) -> HttpResponse:
    page = Paginator(job_list_for_user(user=request.user), 50).get_page(request.GET.get("page"))
    labels = {importer.kind: importer.label for importer in all_importers()}
    for job in page:
        job.kind_label = labels.get(job.kind, job.kind)  # type: ignore[attr-defined]
    return render(request, "imports/job_list.html", {"page": page, "query": ""})


def _problem_text(problem: dict[str, Any], labels: dict[str, str]) -> str:
    message = Problem.text(problem)
    line, column = problem.get("line"), problem.get("column")
    label = labels.get(column or "", column or "")
    if line and column:
        return _("Row %(line)s, column «%(column)s»: %(message)s") % {"line": line, "column": label, "message": message}
    if line:
        return _("Row %(line)s: %(message)s") % {"line": line, "message": message}
    if column:
        return _("Column «%(column)s»: %(message)s") % {"column": label, "message": message}
    return message


@vary_on_headers("HX-Request")
@checked(ImportJob, kwarg="job_id", name="job")
def job_detail(request: AuthedHttpRequest, job: ImportJob) -> HttpResponse:
    if request.htmx and not request.htmx.boosted:  # type: ignore[attr-defined]
        response = render(request, "imports/_job_status.html", {"job": job})
        if not job.is_running:
            # Finished while the page was polling: reload it to show the preview and results.
            response["HX-Refresh"] = "true"
        return response
    return render(request, "imports/job_detail.html", _job_context(job, user=request.user, query=request.GET))


def _job_context(job: ImportJob, *, user: Any, query: Any) -> dict[str, Any]:
    """The preview table with each cell's problems, and the problems that belong to no row."""
    importer = importer_for(job.kind)
    labels = {column.code: str(column.label) for column in importer.columns} if importer else {}
    problems = job.errors or []
    messages_by_cell: dict[tuple[int | None, str | None], list[str]] = defaultdict(list)
    for problem in problems:
        messages_by_cell[(problem.get("line"), problem.get("column"))].append(Problem.text(problem))
    file_problems = [_problem_text(p, labels) for p in problems if not p.get("line")]
    row_problems = [_problem_text(p, labels) for p in problems if p.get("line")][:ERROR_LIST_LIMIT]
    preview = job.preview or {}
    columns = preview.get("columns", [])
    rows = preview.get("rows", [])
    only_errors = query.get("errors") == "1"
    if only_errors:
        rows = [row for row in rows if row["action"] == "error"]
    page = Paginator(rows, PREVIEW_PAGE_SIZE).get_page(query.get("page"))
    table = [
        {
            "line": row["line"],
            "action": row["action"],
            "summary": row.get("summary", ""),
            "row_errors": messages_by_cell.get((row["line"], None), []),
            "cells": [
                {"value": value, "errors": messages_by_cell.get((row["line"], code), [])}
                for code, value in zip(columns, row["cells"], strict=False)
            ],
        }
        for row in page
    ]
    return {
        "job": job,
        "importer": importer,
        "headers": [labels.get(code, code) for code in columns],
        "table": table,
        "page": page,
        "query": "errors=1" if only_errors else "",
        "only_errors": only_errors,
        "file_problems": file_problems,
        "row_problems": row_problems,
        "problem_count": len(problems),
        "can_commit": job.can_commit and importer is not None and importer.allowed(user),
    }


@require_POST
@checked(ImportJob, kwarg="job_id", name="job")
def job_commit(request: AuthedHttpRequest, job: ImportJob) -> HttpResponse:
    try:
        job = job_commit_service(actor=request.user, job=job)
    except JobStateError:
        messages.error(request, _("This import cannot be committed now: it has errors, is running or is done."))
        return redirect("imports:job-detail", job_id=job.pk)
    job.refresh_from_db()
    if job.status == ImportJob.Status.DONE:
        messages.success(request, _("The import is done."))
    elif job.status == ImportJob.Status.FAILED:
        messages.error(request, _("Nothing was imported: see the errors below."))
    return redirect("imports:job-detail", job_id=job.pk)
