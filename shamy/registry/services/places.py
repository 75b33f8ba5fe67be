"""Writing regions and districts: how a country's registry is created (issue 17).

Kazakhstan's regions and districts come with the platform (the demo loader and the data
migrations); a partner country's (Kyrgyzstan, Tajikistan, Uzbekistan) are imported by a system
administrator through the "regions" and "districts" import kinds, which call these services.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from shamy.accounts.models import User
from shamy.registry.models import District, Region
from shamy.registry.services.records import RecordKind, record_create, record_update

# Regions and districts keep no search column: record_create's search text is unused for them.
REGIONS: RecordKind[Region] = RecordKind(Region, "region", lambda region: "")
DISTRICTS: RecordKind[District] = RecordKind(District, "district", lambda district: "")


@transaction.atomic
def region_create(*, actor: User, fields: Mapping[str, Any]) -> Region:
    """Create a region (``country``, ``kato``: the country's own code, names, kind).

    Needs a registry writer (system administrator), else PermissionDenied; full_clean() raises
    ValidationError (a code already used in that country). Records ``registry.region.created``.
    """
    return record_create(REGIONS, actor=actor, fields=fields)


@transaction.atomic
def region_update(*, actor: User, region: Region, changes: Mapping[str, Any]) -> Region:
    """Rename a region or change its kind. Needs a registry writer; records ``registry.region.updated``."""
    return record_update(REGIONS, actor=actor, record=region, changes=changes)


@transaction.atomic
def district_create(*, actor: User, fields: Mapping[str, Any]) -> District:
    """Create a district of a region. Needs a registry writer; records ``registry.district.created``."""
    return record_create(DISTRICTS, actor=actor, fields=fields)


@transaction.atomic
def district_update(*, actor: User, district: District, changes: Mapping[str, Any]) -> District:
    """Rename a district or move it. Needs a registry writer; records ``registry.district.updated``."""
    return record_update(DISTRICTS, actor=actor, record=district, changes=changes)
