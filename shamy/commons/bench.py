"""Generated commons items for ``make bench`` (``manage.py seed_bench_commons``): 100,000 items in
Kazakh, Russian and English built from the judged items' vocabulary, so the judged queries match a
realistic share of them. Deterministic; a second run adds nothing."""

from __future__ import annotations

import datetime
import random

from django.db import transaction
from django.utils import timezone

from shamy.commons.judged import DOCS
from shamy.commons.models import Resource, Status
from shamy.commons.services.resources import reindex

BENCH_AUTHOR = "make bench"


def bench_items_load(*, count: int = 100_000, batch: int = 2000) -> int:
    existing = Resource.objects.filter(author_name=BENCH_AUTHOR).count()
    if existing >= count:
        return 0
    rng = random.Random(17)  # noqa: S311 (generated data)
    now = timezone.now()
    by_language: dict[str, list[str]] = {}
    for doc in DOCS:
        by_language.setdefault(doc.language, []).extend((doc.title + " " + doc.summary).split())
    made = 0
    with transaction.atomic():
        pending: list[Resource] = []
        for index in range(existing, count):
            doc = DOCS[index % len(DOCS)]
            words = by_language[doc.language]
            summary = doc.summary + " " + " ".join(rng.choice(words) for _ in range(25))
            item = Resource(
                kind=doc.kind,
                title=f"{doc.title} ({index})",
                summary=summary,
                language=doc.language,
                country=doc.country,
                author_name=BENCH_AUTHOR,
                status=Status.PUBLISHED,
                published_at=now - datetime.timedelta(minutes=index),
                url="https://video.example.org/webinar" if doc.kind == "webinar" else "",
            )
            reindex(item)
            pending.append(item)
            if len(pending) >= batch:
                Resource.objects.bulk_create(pending)
                made += len(pending)
                pending = []
        Resource.objects.bulk_create(pending)
        made += len(pending)
    return made
