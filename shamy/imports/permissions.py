"""Import permission predicates. Deny by default: each importer kind names who may use it."""

from __future__ import annotations

from shamy.access.context import Actor
from shamy.imports.kinds import importers_for_user


def can_import_anything(user: Actor) -> bool:
    return bool(importers_for_user(user))
