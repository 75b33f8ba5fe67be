"""Import permission predicates. Deny by default: each importer kind names who may use it."""

from __future__ import annotations

from django.db.models import Q

from shamy.access.context import Access, Actor
from shamy.core.rules import rule
from shamy.imports.kinds import importers_for_user


@rule("imports.ImportJob", "view")
def import_jobs_visible(access: Access) -> Q | bool:
    """A job is seen by the person who uploaded it and by system administrators."""
    if access.is_system_admin:
        return True
    return Q(created_by_id=access.user_id)


def can_import_anything(user: Actor) -> bool:
    return bool(importers_for_user(user))


def may_import(access: Access) -> bool:
    """The import pages: anyone allowed at least one import kind."""
    return bool(importers_for_user(access.user))
