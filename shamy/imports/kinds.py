"""The registry of importer kinds.

Each installed Shamy app may define ``importers.py`` and decorate its Importer subclasses with
:func:`register`; the modules are imported on first use. The registry's kinds (schools,
people) live in ``shamy/registry/importers.py``; this framework imports no app that defines kinds.
"""

from __future__ import annotations

import importlib

from django.apps import apps

from shamy.access.context import Actor
from shamy.imports.base import Importer

_KINDS: dict[str, Importer] = {}
_discovered = False


def register(importer_class: type[Importer]) -> type[Importer]:
    kind = importer_class.kind
    if kind in _KINDS and type(_KINDS[kind]) is not importer_class:
        raise ValueError("Importer kind registered twice: " + kind)
    _KINDS[kind] = importer_class()
    return importer_class


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for config in apps.get_app_configs():
        if not config.name.startswith("shamy."):
            continue
        module_name = config.name + ".importers"
        try:
            importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
    _discovered = True


def all_importers() -> list[Importer]:
    _discover()
    return sorted(_KINDS.values(), key=lambda importer: importer.kind)


def importer_for(kind: str) -> Importer | None:
    _discover()
    return _KINDS.get(kind)


def importers_for_user(user: Actor) -> list[Importer]:
    return [importer for importer in all_importers() if importer.allowed(user)]
