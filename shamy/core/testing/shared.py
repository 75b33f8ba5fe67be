"""A test world built once for the cases of one permission matrix, like Django's ``setUpTestData``.

A matrix (``shamy.core.testing.matrix``) has one case per (row, persona), hundreds per module, and
each case used to build the same world (the programme cast, a scene) before its one request: the
build cost far more than the request. ``shared_world(build)`` makes a module-scoped fixture that
builds the world once, in a transaction of its own; every case then runs in a savepoint inside it
(pytest-django's usual per-test transaction, which is rolled back) and gets a deep copy of the
Python objects, exactly as ``django.test.TestCase`` does for ``setUpTestData``. So each case still
starts from the freshly built world, in the database and in memory, and nothing it writes reaches
the next case; files the build saved are copied into the case's own media folder.

The world's transaction is rolled back as soon as the next test is not a case of the same matrix
(``pytest_runtest_teardown`` in the root conftest calls :func:`close_unless_continued`), so other
tests of the module never see it. Should a case of the matrix come again after that (another
test order), it builds the world itself, inside its own transaction, as before.

Transactional tests (``transaction=True``) cannot run inside the world's transaction; matrix cases
never are.
"""

from __future__ import annotations

import copy
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.test import override_settings
from django.utils import translation

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # the root conftest's, for every test
FILE_STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}

_open: SharedWorld | None = None  # the world whose transaction is open in this process, if any


class SharedWorld:
    def __init__(self, name: str, module: str, build: Callable[[], Any], language: str | None, blocker: Any) -> None:
        self.name, self.module, self.build, self.language, self.blocker = name, module, build, language, blocker
        self.media: Path | None = None
        self.world: Any = None
        self.atomic: Any = None

    def _settings(self, media: Path) -> override_settings:
        from django.conf import settings

        return override_settings(
            PASSWORD_HASHERS=FAST_HASHERS,
            MEDIA_ROOT=media,
            STORAGES={**settings.STORAGES, "default": FILE_STORAGE},
        )

    def _build(self, media: Path) -> Any:
        with self._settings(media):
            if self.language is None:
                return self.build()
            with translation.override(self.language):
                return self.build()

    def open(self, media: Path) -> None:
        global _open
        close_open()
        with self.blocker.unblock():
            self.atomic = transaction.atomic(using=DEFAULT_DB_ALIAS)
            self.atomic._from_testcase = True  # durable blocks inside are allowed, as under TestCase
            self.atomic.__enter__()
            try:
                cache.clear()  # as the root conftest does before each test's own build
                self.world = self._build(media)
            except BaseException:
                self._rollback()
                raise
        self.media = media
        _open = self

    def _rollback(self) -> None:
        transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
        self.atomic.__exit__(None, None, None)
        self.atomic = None

    def close(self) -> None:
        global _open
        if self.atomic is not None:
            with self.blocker.unblock():
                self._rollback()
            cache.clear()
        self.world = None
        if _open is self:
            _open = None

    def checkout(self, settings: Any, tmp_path: Path) -> Any:
        """This case's copy of the world; its MEDIA_ROOT is a copy of the world's files."""
        media = tmp_path / "shared-world-media"
        settings.PASSWORD_HASHERS = FAST_HASHERS
        settings.STORAGES = {**settings.STORAGES, "default": FILE_STORAGE}
        if self.atomic is None:  # closed already (see the module docstring): build it here, as before
            media.mkdir(parents=True, exist_ok=True)
            settings.MEDIA_ROOT = media
            return self._build(media)
        if self.media is not None and self.media.exists():
            shutil.copytree(self.media, media)
        else:
            media.mkdir(parents=True)
        settings.MEDIA_ROOT = media
        return copy.deepcopy(self.world)


def close_open() -> None:
    if _open is not None:
        _open.close()


def close_unless_continued(nextitem: pytest.Item | None) -> None:
    """Roll the open world back unless ``nextitem`` is another case of the same matrix."""
    if _open is None:
        return
    if (
        nextitem is not None
        and getattr(nextitem, "module", None) is not None
        and nextitem.module.__name__ == _open.module
        and _open.name in getattr(nextitem, "fixturenames", ())
    ):
        return
    _open.close()


def shared_world(build: Callable[[], Any], *, language: str | None = None) -> Any:
    """A module-scoped fixture giving a :class:`SharedWorld` of ``build()``, which returns the pair
    ``(cast, scene)`` a matrix's cases get (``scene`` None when the matrix has none).

    ``language``: the build runs with this language active (as when a module's autouse fixture
    sets one for its tests). Assign it to a module-level name and pass that name to ``matrix_test``
    as ``world=``.
    """

    @pytest.fixture(scope="module")
    def world_fixture(
        request: pytest.FixtureRequest,
        django_db_setup: None,
        django_db_blocker: Any,
        tmp_path_factory: pytest.TempPathFactory,
    ) -> Iterator[SharedWorld]:
        shared = SharedWorld(request.fixturename, request.module.__name__, build, language, django_db_blocker)
        shared.open(tmp_path_factory.mktemp("shared-world") / "media")
        yield shared
        shared.close()

    return world_fixture
