"""Reads of the commons: the public search, an item, the moderation queue, the feed."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404

from shamy.access.context import Actor, access_for
from shamy.commons import search
from shamy.commons.models import Kind, Language, Resource, Status
from shamy.core.inputs import parse_id
from shamy.programmes.models import Programme
from shamy.registry.models import Country


@dataclass(frozen=True)
class SearchFilters:
    query: str = ""
    theme: int | None = None
    country: str = ""
    language: str = ""
    kind: str = ""

    @classmethod
    def from_query(cls, data: Mapping[str, Any]) -> SearchFilters:
        country = str(data.get("country") or "")
        language = str(data.get("language") or "")
        kind = str(data.get("kind") or "")
        return cls(
            query=str(data.get("q") or "")[:200].strip(),
            theme=parse_id(data.get("theme")),
            country=country if country in Country.values else "",
            language=language if language in Language.values else "",
            kind=kind if kind in Kind.values else "",
        )


def _term_condition(field: str, keys: frozenset[str]) -> Q:
    condition = Q()
    for key in sorted(keys):
        condition |= Q(**{f"{field}__contains": f" {key} "})
    return condition


def resource_search(*, filters: SearchFilters) -> tuple[QuerySet[Resource], list[frozenset[str]]]:
    """Published items matching every query word (any of its keys), ranked by title matches,
    then newest first. Filters by theme, country, language and type."""
    items = Resource.objects.public()
    if filters.theme:
        items = items.filter(theme_id=filters.theme)
    if filters.country:
        items = items.filter(country=filters.country)
    if filters.language:
        items = items.filter(language=filters.language)
    if filters.kind:
        items = items.filter(kind=filters.kind)
    terms = search.query_terms(filters.query)
    if not terms:
        return items.select_related("theme").order_by("-published_at", "-id"), []
    if connection.vendor == "postgresql":
        # The GIN index of migration 0002: every term, any of its keys.
        query = " & ".join("(" + " | ".join(f"'{key}'" for key in sorted(keys)) + ")" for keys in terms)
        items = items.extra(  # type: ignore[assignment]  # noqa: S610 (the keys are \w+ words; the query is a bound parameter)
            where=["to_tsvector('simple'::regconfig, search_stems) @@ to_tsquery('simple'::regconfig, %s)"],
            params=[query],
        )
    else:
        # SQLite: the FTS5 index of migration 0003 over the same stems (the keys are \w+ words).
        match = " AND ".join("(" + " OR ".join(f'"{key}"' for key in sorted(keys)) + ")" for keys in terms)
        items = items.extra(  # type: ignore[assignment]  # noqa: S610 (the match is a bound parameter)
            where=[
                "commons_resource.id IN (SELECT rowid FROM commons_resource_fts WHERE commons_resource_fts MATCH %s)"
            ],
            params=[match],
        )
    score = sum(
        (
            Case(
                When(_term_condition("title_stems", keys), then=Value(1)), default=Value(0), output_field=IntegerField()
            )
            for keys in terms
        ),
        start=Value(0, output_field=IntegerField()),
    )
    ranked = items.annotate(score=score).select_related("theme").order_by("-score", "-published_at", "-id")
    return ranked, terms


def resource_get_for_user(*, user: Actor, public_id: str) -> Resource:
    """A published item for anyone; an unpublished one under the "view" rule (its author, its
    moderators). 404 otherwise."""
    access = access_for(user)
    rows = Resource.objects.restrict(access, "view") if access.user is not None else Resource.objects.public()
    return get_object_or_404(rows.select_related("theme", "programme", "public_summary"), public_id=public_id)


def public_item(*, public_id: str) -> Resource:
    """A published item (404 for anything else, whoever asks: the API's public read)."""
    try:
        return get_object_or_404(Resource.objects.public().select_related("theme"), public_id=public_id)
    except ValidationError as error:  # not a UUID
        raise Http404 from error


def with_relations(rows: QuerySet[Resource]) -> QuerySet[Resource]:
    return rows.select_related("theme", "programme", "public_summary")


def submittable_programmes(*, actor: Actor) -> QuerySet[Programme]:
    return Programme.objects.filter(pk__in=sorted(access_for(actor).programme_ids))


def moderation_queue(*, actor: Actor) -> QuerySet[Resource]:
    access = access_for(actor)
    items = Resource.objects.filter(status=Status.SUBMITTED).select_related("theme", "programme")
    if access.is_system_admin:
        return items.order_by("created_at", "id")
    coordinated = sorted(
        {m.programme_id for m in access.programme_memberships() if m.role == "coordinator" and m.programme_id}
    )
    return items.filter(programme_id__in=coordinated).order_by("created_at", "id")


def feed_items(*, limit: int = 50) -> list[Resource]:
    return list(Resource.objects.public().select_related("theme").order_by("-published_at", "-id")[:limit])
