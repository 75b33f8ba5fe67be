"""Reads of the commons: the public search, an item, the moderation queue, the feed."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar, overload

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.http import Http404
from django.shortcuts import get_object_or_404

from shamy.access.context import Actor, access_for
from shamy.commons import search
from shamy.commons.models import (
    Kind,
    Language,
    Resource,
    ResourceSearch,
    Status,
    public_condition,
    public_search_condition,
)
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


Rows = TypeVar("Rows", QuerySet[Resource], QuerySet[ResourceSearch])


def _filtered(rows: Rows, filters: SearchFilters) -> Rows:
    """The public rows under the filters (the same fields on an item and on its search row)."""
    rows = rows.filter(public_search_condition() if rows.model is ResourceSearch else public_condition())
    if filters.theme:
        rows = rows.filter(theme_id=filters.theme)
    if filters.country:
        rows = rows.filter(country=filters.country)
    if filters.language:
        rows = rows.filter(language=filters.language)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    return rows


# The ids of a query word's keys in the dictionary of stems (migration 0004): an unknown key has
# none, so it matches nothing, as a stem no item has. A subquery, not the ids themselves: PostgreSQL
# then cannot tell a common word from a rare one and reads the matches through the GIN index (a
# bitmap), where with the ids in the text it walked all 100,000 rows for a count whose filter
# leaves no match ("школы" in Kazakh items: 9,000 estimated, none found).
_KEY_IDS = "ARRAY(SELECT id FROM commons_search_key WHERE key = ANY(%s))"


class RankedItems:
    """The matches of a search on PostgreSQL, ranked in the narrow search rows (migration 0004),
    and only a slice's items read from ``commons_resource``, in rank order. A sequence for
    ``Paginator`` and the API: ``count()``, slicing, iteration, ``exists()``; no ``__len__``, so
    that ``list()`` of a page does not count its matches again.

    The ranking is (how many query words are in the title, newest, id), as on SQLite. Ranking
    every match before cutting the page reads every match's row (22,000 for "школы" among the
    100,000 bench items), so a slice is first looked for among the newest items only
    (:data:`NEWEST_WINDOW` rows of the date index, whatever the query): the matches found there
    with every query word in the title are exactly the newest of that top tier, so when there
    are enough of them for the slice, they are the slice. Otherwise (a deep page, a rare word, a
    word seldom in titles, a filter that leaves few) every match is ranked as before, which reads
    the matches through the GIN index of the stems. Counting reads the matches without ranking
    them (the page's capped count stops at the cap)."""

    def __init__(
        self,
        matches: QuerySet[ResourceSearch],
        terms: list[frozenset[str]],
        start: int = 0,
        stop: int | None = None,
        known: dict[str, int] | None = None,
    ) -> None:
        self.matches = matches
        self.terms = terms
        self.start = start
        self.stop = stop
        # Shared by the slices of one search: the number of matches, once a count has seen them all.
        self.known = {} if known is None else known

    def _window(self, rows: QuerySet[ResourceSearch]) -> QuerySet[ResourceSearch]:
        return rows[self.start : self.stop]

    def count(self) -> int:
        found = int(self._window(self.matches.order_by()).count())
        if self.start == 0 and (self.stop is None or found < self.stop):
            self.known["matches"] = found
        return found

    def exists(self) -> bool:
        return bool(self._window(self.matches.order_by()).exists())

    def among(self, ids: list[int]) -> RankedItems:
        """Only these items, in the same order (the judged comparison, on a database with others)."""
        return RankedItems(self.matches.filter(resource_id__in=ids), self.terms, self.start, self.stop)

    @overload
    def __getitem__(self, index: int) -> Resource: ...

    @overload
    def __getitem__(self, index: slice) -> RankedItems: ...

    def __getitem__(self, index: int | slice) -> Resource | RankedItems:
        if not isinstance(index, slice):
            found = list(self[index : index + 1])
            if not found:
                raise IndexError(index)
            return found[0]
        if index.step is not None or (index.start or 0) < 0 or (index.stop is not None and index.stop < 0):
            raise ValueError("RankedItems takes plain slices")
        start = self.start + (index.start or 0)
        stop = None if index.stop is None else self.start + index.stop
        if self.stop is not None:
            stop = self.stop if stop is None else min(stop, self.stop)
        return RankedItems(self.matches, self.terms, start, max(start, stop) if stop is not None else None, self.known)

    def _score(self) -> tuple[str, list[list[str]]]:
        """One point per query word one of whose stems is among the title's."""
        score = " + ".join(f"(commons_resource_search.title_key_ids && {_KEY_IDS})::int" for _keys in self.terms)
        return score, [sorted(keys) for keys in self.terms]

    def ranked(self) -> QuerySet[ResourceSearch]:
        """Every match, ranked: title matches first, then newest first."""
        score, params = self._score()
        return self.matches.annotate(
            score=RawSQL(score, params, output_field=IntegerField())  # noqa: S611 (bound parameters)
        ).order_by("-score", "-published_at", "-resource_id")

    def _from_newest(self) -> list[int] | None:
        """The slice's ids found among the newest items, or None when they cannot be told there.

        The window is the first :data:`NEWEST_WINDOW` search rows in the ranking's date order,
        read from the date index whatever the query, so its cost does not depend on the planner's
        estimate of how many items match (which it cannot know for words that go together).
        Within it, the matches of the top tier (every query word in the title) are the newest
        members of that tier, in order."""
        query = self.matches.query
        compiler = query.get_compiler(using=self.matches.db)
        try:
            where, where_params = compiler.compile(query.where)
        except EmptyResultSet:
            return []
        score, score_params = self._score()
        # The window is named like the table so that the compiled conditions apply to it as is.
        sql = (
            f"SELECT commons_resource_search.id, {score}"  # noqa: S608 (no input in the text)
            " FROM (SELECT * FROM commons_resource_search ORDER BY published_at DESC, id DESC LIMIT %s)"
            f" AS commons_resource_search WHERE {where or 'TRUE'}"
            " ORDER BY commons_resource_search.published_at DESC, commons_resource_search.id DESC"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*score_params, NEWEST_WINDOW, *where_params])
            top = [pk for pk, points in cursor.fetchall() if points == len(self.terms)]
        if self.stop is not None and self.stop <= len(top):
            return top[self.start : self.stop]
        return None

    def ids(self) -> list[int]:
        """The ids of the slice's items, in rank order."""
        if self.stop is not None and self.stop <= self.start:
            return []
        # A search whose matches were all counted (at most the page's count cap) ranks them all:
        # fewer rows than the window would read.
        if self.known.get("matches", NEWEST_WINDOW) >= NEWEST_WINDOW // 3:
            found = self._from_newest()
            if found is not None:
                return found
        return list(self._window(self.ranked()).values_list("resource_id", flat=True))

    def __iter__(self) -> Iterator[Resource]:
        ids = self.ids()
        if not ids:
            return iter([])
        items = Resource.objects.select_related("theme").in_bulk(ids)
        return iter([items[pk] for pk in ids if pk in items])


# How many of the newest search rows a slice is first looked for in (see RankedItems): reading
# them costs about as much as ranking a few hundred matches.
NEWEST_WINDOW = 3000


def _postgresql_search(filters: SearchFilters, terms: list[frozenset[str]]) -> RankedItems:
    rows = _filtered(ResourceSearch.objects.all(), filters)
    for keys in terms:
        rows = rows.extra(  # noqa: S610 (the keys are a bound parameter)
            where=[f"commons_resource_search.key_ids && {_KEY_IDS}"], params=[sorted(keys)]
        )
    return RankedItems(rows, terms)


def resource_search(*, filters: SearchFilters) -> tuple[QuerySet[Resource] | RankedItems, list[frozenset[str]]]:
    """Published items matching every query word (any of its keys), ranked by title matches,
    then newest first. Filters by theme, country, language and type.

    PostgreSQL ranks in the narrow search rows (:class:`RankedItems`); SQLite in the items
    themselves, matched through the FTS5 index of the same stems."""
    terms = search.query_terms(filters.query)
    if not terms:
        return _filtered(Resource.objects.all(), filters).select_related("theme").order_by("-published_at", "-id"), []
    if connection.vendor == "postgresql":
        return _postgresql_search(filters, terms), terms
    # SQLite: the FTS5 index of migration 0003 over the same stems (the keys are \w+ words).
    match = " AND ".join("(" + " OR ".join(f'"{key}"' for key in sorted(keys)) + ")" for keys in terms)
    items = _filtered(Resource.objects.all(), filters).extra(  # noqa: S610 (the match is a bound parameter)
        where=["commons_resource.id IN (SELECT rowid FROM commons_resource_fts WHERE commons_resource_fts MATCH %s)"],
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
