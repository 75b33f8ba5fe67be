"""Permission matrices: one row type, one expectation builder, one runner.

An app's matrix module declares data only::

    from shamy.core.testing.matrix import FORBIDDEN, Expect, Row, matrix_test

    expect = Expect(PERSONAS)
    MATRIX = [
        Row("registry:school-list", lambda c: reverse("registry:school-list"), expect.each(200, olzhas=403)),
        Row("audit:entry-list", lambda c: reverse("audit:entry-list"), expect.only({"aigerim"}, visible=PERSONAS)),
    ]
    test_permission_matrix = matrix_test(MATRIX, personas=PERSONAS)

``matrix_test`` makes one test case per (row, persona), with ids such as
``registry:school-list-dana``. Each case signs the persona in (or sends a bearer token, see
``Row.auth``), requests the row's URL with its method and data, and asserts the status; an
anonymous visitor's 302 must lead to the sign-in page (unless ``login_redirect=False``);
``Row.check`` may assert more (that a refused POST changed nothing, the body of an error...).

``shamy/core/tests/test_url_coverage.py`` reads the module-level ``MATRIX`` of every test module
and fails on any named URL that no row lists.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

OK, REDIRECT, UNAUTHORISED, FORBIDDEN, NOT_FOUND = 200, 302, 401, 403, 404
ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Visit:
    """What ``Row.check`` receives: one persona's request of one row, and its answer."""

    row: Row
    persona: str
    status: int  # the expected (and, by then, asserted) status
    cast: Any
    scene: Any
    response: HttpResponse


@dataclass(frozen=True)
class Row:
    """One URL, one way of requesting it, and the status every persona gets.

    ``url`` and ``data`` take the cast, or ``(cast, scene)`` when the matrix has a scene
    (gatherings, an import job...). ``data`` is sent with every method (a GET's query string).
    ``label`` tells apart rows of the same URL name (another object, another query string).
    ``auth(user)`` returns request headers instead of signing in with the session (API tokens).
    """

    url_name: str
    url: Callable[..., str]
    expected: Mapping[str, int]
    method: str = "get"
    data: Callable[..., Mapping[str, Any]] | None = None
    label: str = ""
    login_redirect: bool = True
    auth: Callable[[Any], Mapping[str, str]] | None = None
    check: Callable[[Visit], None] | None = None

    @property
    def id(self) -> str:
        return f"{self.url_name}({self.label})" if self.label else self.url_name


@dataclass(frozen=True)
class Expect:
    """Builds ``{persona: status}`` tables over a fixed persona list; anonymous gets 302 unless told."""

    personas: Sequence[str]

    def each(self, default: int = NOT_FOUND, *, anonymous: int = REDIRECT, **statuses: int) -> dict[str, int]:
        """``default`` for everyone, ``statuses`` for the named personas."""
        unknown = set(statuses) - set(self.personas)
        assert not unknown, f"unknown personas: {sorted(unknown)}"
        table = {persona: default for persona in self.personas if persona != ANONYMOUS}
        return {**table, ANONYMOUS: anonymous, **statuses}

    def everyone(self, status: int = OK, *, anonymous: int | None = REDIRECT) -> dict[str, int]:
        """``status`` for every signed-in persona; ``anonymous=None`` gives anonymous the same."""
        return self.each(status, anonymous=status if anonymous is None else anonymous)

    def only(
        self, allowed: Iterable[str], *, visible: Iterable[str] = (), ok: int = OK, anonymous: int = REDIRECT
    ) -> dict[str, int]:
        """``ok`` for the allowed, 403 for those who see the object but may not act, 404 for the rest."""
        allowed, visible = set(allowed), set(visible)
        table = {}
        for persona in self.personas:
            if persona == ANONYMOUS:
                table[persona] = anonymous
            elif persona in allowed:
                table[persona] = ok
            else:
                table[persona] = FORBIDDEN if persona in visible else NOT_FOUND
        return table


def matrix_params(rows: Iterable[Row], personas: Collection[str]) -> list[Any]:
    """``pytest.param(row, persona)`` for every row and persona, with ids like ``app:name-persona``.

    Every row must give a status for exactly ``personas``, and no two rows may share an id.
    """
    params, seen = [], set()
    for row in rows:
        assert row.id not in seen, f"two rows are called {row.id}; give one a label"
        seen.add(row.id)
        assert set(row.expected) == set(personas), (
            f"{row.id}: statuses for {sorted(row.expected)}, personas are {sorted(personas)}"
        )
        params += [pytest.param(row, persona, id=f"{row.id}-{persona}") for persona in personas]
    return params


def check_row(client: Client, row: Row, persona: str, cast: Any, scene: Any = None) -> HttpResponse:
    """Request ``row`` as ``persona`` and assert the status (and, for anonymous, the sign-in redirect)."""
    args = (cast,) if scene is None else (cast, scene)
    headers: Mapping[str, str] = {}
    user = cast.user(persona)
    if user is not None:
        if row.auth is not None:
            headers = row.auth(user)
        else:
            client.force_login(user)
    url = row.url(*args)
    data = row.data(*args) if row.data is not None else {}
    response = getattr(client, row.method)(url, data, **headers)
    status = row.expected[persona]
    assert response.status_code == status, f"{row.id} as {persona}: expected {status}, got {response.status_code}"
    if persona == ANONYMOUS and status == REDIRECT and row.login_redirect:
        assert reverse("accounts:login") in response["Location"], f"{row.id}: {response['Location']}"
    if row.check is not None:
        row.check(Visit(row=row, persona=persona, status=status, cast=cast, scene=scene, response=response))
    return response


def matrix_test(
    rows: Iterable[Row],
    personas: Collection[str],
    *,
    cast: str = "cast",
    scene: str | None = None,
    world: str | None = None,
) -> Callable[..., None]:
    """The test function of a matrix module: ``test_permission_matrix = matrix_test(MATRIX, PERSONAS)``.

    ``cast`` and ``scene`` name the fixtures that give the people and the objects. Or ``world``
    names a ``shared_world`` fixture of the module (``shamy.core.testing.shared``) instead: the
    same people and objects, built once for all the cases as a pair ``(cast, scene)`` (``scene``
    None when the matrix has none), each case starting from its own copy.
    """

    @pytest.mark.django_db
    @pytest.mark.parametrize(("row", "persona"), matrix_params(rows, personas))
    def test_permission_matrix(client: Client, request: pytest.FixtureRequest, row: Row, persona: str) -> None:
        if world is not None:
            built = request.getfixturevalue(world).checkout(
                request.getfixturevalue("settings"), request.getfixturevalue("tmp_path")
            )
            people, objects = built
        else:
            people = request.getfixturevalue(cast)
            objects = request.getfixturevalue(scene) if scene is not None else None
        check_row(client, row, persona, people, objects)

    if world is not None:
        # Requested at set-up, so that it is built before (outside) the case's own transaction.
        return pytest.mark.usefixtures(world)(test_permission_matrix)  # type: ignore[no-any-return]
    return test_permission_matrix


def url_names(rows: Iterable[Row]) -> set[str]:
    return {row.url_name for row in rows}


def namespace_url_names(*namespaces: str) -> set[str]:
    """Every named URL of these namespaces, as ``namespace:name``."""

    def walk(patterns: Iterable[URLPattern | URLResolver], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and namespace in namespaces:
                yield f"{namespace}:{pattern.name}"

    return set(walk(get_resolver().url_patterns, ""))
