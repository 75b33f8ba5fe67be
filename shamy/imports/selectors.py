from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from shamy.access.context import Actor
from shamy.imports.base import Importer
from shamy.imports.files import CSV, XLSX
from shamy.imports.kinds import importer_for
from shamy.imports.models import ImportJob, ImportJobQuerySet


def job_list_for_user(*, user: Actor) -> ImportJobQuerySet:
    return ImportJob.objects.restrict(user, "view").select_related("created_by").defer("preview", "errors")


def job_get_for_user(*, user: Actor, job_id: int) -> ImportJob:
    """A job its uploader or a system administrator may see; 404 for anyone else."""
    return get_object_or_404(ImportJob.objects.restrict(user, "view"), pk=job_id)


def importer_get_for_user(*, user: Actor, kind: str, file_format: str) -> Importer:
    """An import kind's template: 404 for an unknown kind or format, 403 for a kind the user may
    not import (the kinds are listed on the import page, so their existence is not secret)."""
    importer = importer_for(kind)
    if importer is None or file_format not in {CSV, XLSX}:
        raise Http404
    if not importer.allowed(user):
        raise PermissionDenied
    return importer
