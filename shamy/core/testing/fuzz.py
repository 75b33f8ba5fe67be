"""No input gives a server error: a fuzz test over every GET parameter of every page, and the
fields of every form POST, of an app's permission matrix.

An app's matrix module adds one line beside its permission matrix::

    test_permission_matrix = matrix_test(MATRIX, PERSONAS)
    test_query_parameters = query_fuzz_test(MATRIX, PERSONAS)

The test takes the matrix's GET rows (pages, not the token-authenticated API, which schemathesis
covers in ``shamy/api/tests``). For each row it signs in a persona the matrix expects to get 200
and finds the parameters the view reads: it requests the page once and records every key looked up
in a ``QueryDict`` (``request.GET.get("region")``, a form bound to ``request.GET``...), adding the
keys of the row's own query string. Then:

1. each number in the page's path replaced by one past 64 bits (a 404, not a 500);
2. a sweep: every parameter at once set to each of ``SWEEP_VALUES``, the inputs that once gave
   server errors ("²", "٣", 2**70, NUL...);
3. hypothesis: a row and some of its parameters with generated values (those values, any integer,
   any text, including other scripts and control characters);
4. last (they change things), each form POST of the matrix: the fields the view reads (recorded
   the same way) with each of ``POST_SWEEP_VALUES``.

Any status of 500 or more, or an exception raised by the view, fails the test with the row, the
persona and the query. ``shamy/core/tests/test_url_coverage.py`` checks that every module with a
``MATRIX`` of pages also has this test.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shamy.core.testing.matrix import OK, REDIRECT, Row

# The inputs found to give server errors, and their relatives.
SWEEP_VALUES = (
    "²",  # str.isdigit() is true, int() raises
    "٣",  # an Arabic-Indic 3: int() reads it
    str(2**70),  # past 64 bits: the database driver overflows
    "99999999999999999999",
    "-1",
    "0",
    "\x00",
    "1\x00",
    "ǅ" * 300,
    "1e400",
    "%s",
    "' OR 1=1 --",
)

HUGE_ID = "99999999999999999999"  # for ids in paths

_TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)  # no lone surrogates
FUZZ_VALUES = st.one_of(
    st.sampled_from(SWEEP_VALUES),
    st.integers().map(str),
    st.integers(min_value=2**31 - 2, max_value=2**80).map(str),
    _TEXT,
)

# Keys read from QueryDicts while recording (the view's GET parameters).
_READERS = ("get", "getlist", "__getitem__", "__contains__", "pop")


@contextmanager
def _recording_keys() -> Iterator[set[str]]:
    keys: set[str] = set()
    originals = {name: getattr(QueryDict, name) for name in _READERS}

    def recorder(name: str) -> Callable[..., Any]:
        original = originals[name]

        def read(self: QueryDict, key: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(key, str):
                keys.add(key)
            return original(self, key, *args, **kwargs)

        return read

    try:
        for name in _READERS:
            setattr(QueryDict, name, recorder(name))
        yield keys
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)


def _split(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    return parts.path, dict(parse_qsl(parts.query, keep_blank_values=True))


def fuzzed_rows(rows: Iterable[Row], personas: Collection[str]) -> list[tuple[Row, str]]:
    """(row, persona) for each GET page row: the first persona (in ``personas`` order) given 200."""
    chosen = []
    for row in rows:
        if row.method != "get" or row.auth is not None or row.url_name.startswith("api:"):
            continue  # the JSON API has its own fuzz test: schemathesis, from its OpenAPI schema
        persona = next((p for p in personas if row.expected.get(p) == OK), None)
        if persona is not None:
            chosen.append((row, persona))
    return chosen


def posted_rows(rows: Iterable[Row], personas: Collection[str]) -> list[tuple[Row, str]]:
    """(row, persona) for each form POST row: the first persona (in ``personas`` order) the matrix
    lets through (200 or 302). Rows posting files are left out (their uploads have their own tests)."""
    chosen = []
    for row in rows:
        if row.method != "post" or row.auth is not None or row.url_name.startswith("api:"):
            continue
        persona = next((p for p in personas if row.expected.get(p) in (OK, REDIRECT)), None)
        if persona is not None:
            chosen.append((row, persona))
    return chosen


POST_SWEEP_VALUES = ("²", "٣", str(2**70), "-1", "ǅ" * 300)


class _Visitor:
    """Requests rows as their personas, one signed-in client per persona."""

    def __init__(self, people: Any, objects: Any) -> None:
        self.people, self.objects = people, objects
        self.clients: dict[str, Client] = {}

    def client(self, persona: str) -> Client:
        if persona not in self.clients:
            client = Client()
            user = self.people.user(persona)
            if user is not None:
                client.force_login(user)
            self.clients[persona] = client
        return self.clients[persona]

    def base(self, row: Row) -> tuple[str, dict[str, str]]:
        args = (self.people,) if self.objects is None else (self.people, self.objects)
        path, query = _split(row.url(*args))
        if row.data is not None:
            query.update({key: str(value) for key, value in row.data(*args).items()})
        return path, query

    def get(self, row: Row, persona: str, values: Mapping[str, str]) -> None:
        path, query = self.base(row)
        query = {**query, **values}
        response = self.client(persona).get(path, query)
        assert response.status_code < 500, (
            f"{row.id} as {persona} with {query!r}: {response.status_code} (a server error)"
        )

    def huge_path_ids(self, row: Row, persona: str) -> None:
        """Each number in the row's path replaced by one past 64 bits: a 404, never a 500."""
        path, query = self.base(row)
        segments = path.split("/")
        for index, segment in enumerate(segments):
            if segment.isascii() and segment.isdigit():
                huge = "/".join([*segments[:index], HUGE_ID, *segments[index + 1 :]])
                response = self.client(persona).get(huge, query)
                assert response.status_code < 500, f"{row.id} as {persona}: {huge} gave {response.status_code}"

    def post_sweep(self, row: Row, persona: str) -> None:
        """Post the row's data once, recording the fields read, then each field with each of
        ``POST_SWEEP_VALUES``: any answer but a server error."""
        args = (self.people,) if self.objects is None else (self.people, self.objects)
        url = row.url(*args)
        data = dict(row.data(*args)) if row.data is not None else {}
        if not all(isinstance(value, str | int | float | bool | list) for value in data.values()):
            return  # a file upload
        with _recording_keys() as keys:
            response = self.client(persona).post(url, data)
        assert response.status_code < 500, f"POST {row.id} as {persona}: {response.status_code}"
        for value in POST_SWEEP_VALUES:
            hostile = {**data, **dict.fromkeys(sorted(keys | set(data)), value)}
            response = self.client(persona).post(url, hostile)
            assert response.status_code < 500, (
                f"POST {row.id} as {persona} with {hostile!r}: {response.status_code} (a server error)"
            )

    def parameters(self, row: Row, persona: str) -> list[str]:
        path, query = self.base(row)
        with _recording_keys() as keys:
            response = self.client(persona).get(path, query)
        assert response.status_code == OK, f"{row.id} as {persona}: {response.status_code}, the matrix says 200"
        return sorted(keys | set(query))


def query_fuzz_test(
    rows: Iterable[Row],
    personas: Collection[str],
    *,
    cast: str = "cast",
    scene: str | None = None,
    examples_per_row: int = 3,
) -> Callable[..., None]:
    """The test function: ``test_query_parameters = query_fuzz_test(MATRIX, PERSONAS)``.

    ``cast`` and ``scene`` name the fixtures, as for ``matrix_test``. Hypothesis runs
    ``examples_per_row`` examples per page row (at least 20), after the sweep.
    """
    rows = list(rows)
    targets = fuzzed_rows(rows, personas)
    posts = posted_rows(rows, personas)

    @pytest.mark.django_db
    def test_query_parameters_never_give_a_server_error(request: pytest.FixtureRequest) -> None:
        people = request.getfixturevalue(cast)
        objects = request.getfixturevalue(scene) if scene is not None else None
        visitor = _Visitor(people, objects)
        for row, persona in targets:
            visitor.huge_path_ids(row, persona)
        pages = [(row, persona, visitor.parameters(row, persona)) for row, persona in targets]
        pages = [page for page in pages if page[2]]
        for row, persona, names in pages:
            for value in SWEEP_VALUES:
                visitor.get(row, persona, dict.fromkeys(names, value))

        @settings(
            max_examples=max(20, examples_per_row * len(pages)),
            deadline=None,
            database=None,  # the rows' objects differ between runs: replaying old examples means nothing
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(data=st.data())
        def fuzz(data: st.DataObject) -> None:
            row, persona, names = data.draw(st.sampled_from(pages), label="page")
            chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True), label="parameters")
            values = {name: data.draw(FUZZ_VALUES, label=name) for name in chosen}
            visitor.get(row, persona, values)

        if pages:
            fuzz()
        # Last, as they change things: every posted field the view reads, with each hostile value.
        for row, persona in posts:
            visitor.post_sweep(row, persona)

    test_query_parameters_never_give_a_server_error.fuzzed_rows = targets  # type: ignore[attr-defined]
    return test_query_parameters_never_give_a_server_error
