from __future__ import annotations

from django.shortcuts import get_object_or_404

from shamy.access.context import Actor
from shamy.imports.models import ImportJob, ImportJobQuerySet


def job_list_for_user(*, user: Actor) -> ImportJobQuerySet:
    return ImportJob.objects.restrict(user, "view").select_related("created_by").defer("preview", "errors")


def job_get_for_user(*, user: Actor, job_id: int) -> ImportJob:
    """A job its uploader or a system administrator may see; 404 for anyone else."""
    return get_object_or_404(ImportJob.objects.restrict(user, "view"), pk=job_id)
