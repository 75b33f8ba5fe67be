"""The search configurations compared on the judged queries (issue 17), on PostgreSQL.

- ``rules``: what the commons uses (``shamy/commons/search.py``: Kazakh letters folded, Russian
  and English Snowball stems, Kazakh suffix stripping; matched through the stems' GIN index);
- ``simple`` and ``russian``: PostgreSQL's own text-search configurations over title and summary
  (``plainto_tsquery``: every word must match), ranked by ``ts_rank``;
- ``simple+fold`` and ``russian+fold``: the same after folding the Kazakh letters in SQL
  (``translate``), so a query typed without Kazakh letters can match;
- ``hunspell``: a configuration with the ``hunspell-kk`` and ``hunspell-ru`` dictionaries (ispell
  template), Kazakh first, then Russian, then ``simple``. It needs the Debian packages
  ``hunspell-kk`` and ``hunspell-ru`` (their files linked into PostgreSQL's ``tsearch_data`` as
  ``kk_kz`` and ``ru_ru``); without them it is reported as unavailable, not measured.

Everything runs inside a transaction that is rolled back: the judged items and any dictionary
created for the comparison are gone afterwards. ``manage.py commons_search_compare`` prints the
table recorded in docs/benchmarks.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction

from shamy.commons.demo import judged_resources
from shamy.commons.judged import DOCS, QUERIES
from shamy.commons.models import Resource
from shamy.commons.selectors import RankedItems, SearchFilters, resource_search

FOLD_FROM, FOLD_TO = "әғқңөұүһіё", "агкноуухие"
HUNSPELL_SQL = (
    "CREATE TEXT SEARCH DICTIONARY shamy_cmp_kk (TEMPLATE = ispell, DictFile = kk_kz, AffFile = kk_kz)",
    "CREATE TEXT SEARCH DICTIONARY shamy_cmp_ru (TEMPLATE = ispell, DictFile = ru_ru, AffFile = ru_ru,"
    " StopWords = russian)",
    "CREATE TEXT SEARCH CONFIGURATION shamy_cmp_hunspell (COPY = simple)",
    "ALTER TEXT SEARCH CONFIGURATION shamy_cmp_hunspell ALTER MAPPING FOR word, hword, hword_part,"
    " asciiword, asciihword, hword_asciipart WITH shamy_cmp_kk, shamy_cmp_ru, simple",
)


@dataclass(frozen=True)
class Measured:
    name: str
    recall: float | None  # None: not available here
    missed: tuple[str, ...] = ()
    note: str = ""


def _recall(search: Callable[[str], list[int]], key_of: dict[int, str]) -> tuple[float, tuple[str, ...]]:
    total, missed = 0.0, []
    for judged in QUERIES:
        top = {key_of[pk] for pk in search(judged.query)[:10]}
        hit = len(top & judged.relevant) / len(judged.relevant)
        total += hit
        if hit < 1:
            missed.append(judged.query)
    return total / len(QUERIES), tuple(missed)


def _fts(config: str, ids: list[int], *, folded: bool) -> Callable[[str], list[int]]:
    document = "coalesce(title, '') || ' ' || coalesce(summary, '')"
    if folded:
        document = f"translate(lower({document}), '{FOLD_FROM}', '{FOLD_TO}')"
    sql = (
        f"SELECT id FROM commons_resource WHERE id = ANY(%s) AND "  # noqa: S608 (fixed names; values bound)
        f"to_tsvector('{config}'::regconfig, {document}) @@ plainto_tsquery('{config}'::regconfig, %s) "
        f"ORDER BY ts_rank(to_tsvector('{config}'::regconfig, {document}), plainto_tsquery('{config}'::regconfig, %s))"
        " DESC, id LIMIT 10"
    )

    def search(query: str) -> list[int]:
        text = query.lower().translate(str.maketrans(FOLD_FROM, FOLD_TO)) if folded else query
        with connection.cursor() as cursor:
            cursor.execute(sql, [ids, text, text])
            return [row[0] for row in cursor.fetchall()]

    return search


def _hunspell_available() -> str:
    """Creates the hunspell configuration for this transaction; returns why not, or ""."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in HUNSPELL_SQL:
                cursor.execute(statement)
    except DatabaseError as error:
        return str(error).strip().splitlines()[0]
    return ""


def compare() -> list[Measured]:
    """Recall at 10 of every configuration on the judged queries (PostgreSQL only)."""
    if connection.vendor != "postgresql":
        raise RuntimeError("The comparison uses PostgreSQL's text search: run it with DATABASE_URL=postgres://…")
    results: list[Measured] = []
    with transaction.atomic():
        items = Resource.objects.bulk_create(judged_resources(is_demo=False))
        ids = [item.pk for item in items]
        key_of = {item.pk: doc.key for item, doc in zip(items, DOCS, strict=True)}

        def rules(query: str) -> list[int]:
            found, _terms = resource_search(filters=SearchFilters(query=query))
            among = found.among(ids) if isinstance(found, RankedItems) else found.filter(pk__in=ids)
            return [item.pk for item in among[:10]]

        results.append(Measured("rules", *_recall(rules, key_of)))
        for config in ("simple", "russian"):
            results.append(Measured(config, *_recall(_fts(config, ids, folded=False), key_of)))
            results.append(Measured(f"{config}+fold", *_recall(_fts(config, ids, folded=True), key_of)))
        missing = _hunspell_available()
        if missing:
            results.append(Measured("hunspell", None, note=missing))
        else:
            results.append(Measured("hunspell", *_recall(_fts("shamy_cmp_hunspell", ids, folded=False), key_of)))
        transaction.set_rollback(True)
    return results
