"""Demo commons (``manage.py seed_demo_commons``): the judged items of ``shamy/commons/judged.py``
published, plus every published demo project summary. Idempotent."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from shamy.audit.services.entries import audit_record
from shamy.commons.judged import DOCS
from shamy.commons.models import Kind, Resource, Status
from shamy.commons.services.resources import reindex, summaries_sync

AUDIT_ACTION = "commons.demo.loaded"


def judged_resources(*, is_demo: bool = True) -> list[Resource]:
    """Unsaved, published, indexed items for the judged documents (demo, tests and bench)."""
    now = timezone.now()
    items = []
    for index, doc in enumerate(DOCS):
        item = Resource(
            kind=doc.kind,
            title=doc.title,
            summary=doc.summary,
            language=doc.language,
            country=doc.country,
            author_name="Shamy demo",
            status=Status.PUBLISHED,
            published_at=now - datetime.timedelta(days=index),
            url="https://video.example.org/webinar" if doc.kind == Kind.WEBINAR else "",
            is_demo=is_demo,
        )
        reindex(item)
        items.append(item)
    return items


def commons_demo_load() -> tuple[bool, int]:
    """Returns (already loaded, number of items)."""
    if Resource.objects.filter(is_demo=True, public_summary__isnull=True).exists():
        return True, Resource.objects.filter(is_demo=True).count()
    with transaction.atomic():
        Resource.objects.bulk_create(judged_resources())
        synced = summaries_sync(is_demo=True)
        count = Resource.objects.filter(is_demo=True).count()
        audit_record(actor=None, action=AUDIT_ACTION, target=None, after={"items": count, "summaries": synced})
    return False, count
