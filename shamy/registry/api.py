"""Registry endpoints of the JSON API: regions with counts, schools filtered like the list page.

Permissions are the UI's: the same selectors, starting from ``restrict(user, action)``. A caller
without any registry role gets 403 on lists; an object outside the caller's scope is a 404.
"""

from __future__ import annotations

import datetime
from typing import Any, Literal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import translation
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel

from shamy.access.context import access_for
from shamy.api.errors import ERROR_RESPONSES, ErrorOut
from shamy.core.inputs import MAX_ID, MAX_OFFSET, ApiCode, ApiId
from shamy.registry import selectors
from shamy.registry.cache import REGISTRY_CACHE, scope_key
from shamy.registry.models import (
    Country,
    District,
    FutureSchool,
    InstructionLanguage,
    Internet,
    Locality,
    Ownership,
    Region,
    School,
)

router = Router(tags=["registry"])

MAX_LIMIT: int = getattr(settings, "NINJA_PAGINATION_MAX_LIMIT", 500)
DEFAULT_LIMIT: int = getattr(settings, "NINJA_PAGINATION_PER_PAGE", 50)


# --- Output schemas -----------------------------------------------------------------------------


class Out(BaseModel):
    """Output schemas are plain pydantic models. The endpoints build plain dicts, so ninja's
    ``Schema`` (which wraps every object and nested object to read Django attributes) has nothing
    to do, yet it cost a third of the school list's time (50 schools × 11 nested objects)."""


class NamesOut(Out):
    kk: str
    ru: str
    en: str = ""


class RegionRefOut(Out):
    id: int
    kato: str
    names: NamesOut


class DistrictRefOut(Out):
    id: int
    kato: str
    names: NamesOut


class CountsOut(Out):
    schools: int = Field(description="Schools the caller may see.")
    urban: int
    rural: int
    small_class: int


class RegionOut(Out):
    id: int
    country: Country
    kato: str = Field(description="Two-digit KATO code of the region.")
    kind: Region.Kind
    names: NamesOut
    counts: CountsOut


class DistrictOut(Out):
    id: int | None = Field(description="Null for schools recorded without a district.")
    kato: str
    names: NamesOut
    counts: CountsOut


class RegionDetailOut(RegionOut):
    districts: list[DistrictOut]


class GradesOut(Out):
    first: int = Field(description="First grade taught (0 = pre-school class).")
    last: int


class InternetOut(Out):
    level: Internet
    connected_on: datetime.date | None


class OwnershipOut(Out):
    kind: Ownership
    operator_id: int | None
    handover_on: datetime.date | None


class FutureSchoolOut(Out):
    status: FutureSchool
    planned_year: int | None
    built_year: int | None


class CoordinatesOut(Out):
    latitude: float
    longitude: float


class SchoolOut(Out):
    id: int
    names: NamesOut
    bin: str | None
    kato: str
    region: RegionRefOut
    district: DistrictRefOut | None
    locality: Locality
    small_class: bool
    language: InstructionLanguage
    grades: GradesOut
    pupils: int
    teachers: int
    internet: InternetOut
    modernised_year: int | None
    ownership: OwnershipOut
    future_school: FutureSchoolOut
    coordinates: CoordinatesOut | None
    is_demo: bool = Field(description="True for synthetic demonstration records.")


class OperatorOut(Out):
    id: int
    names: NamesOut


class SchoolDetailOut(SchoolOut):
    operator: OperatorOut | None


class SchoolPageOut(Out):
    count: int = Field(description="Schools matching the filters, over all pages.")
    limit: int
    offset: int
    items: list[SchoolOut]


# --- Input schemas ------------------------------------------------------------------------------

SchoolSort = Literal[tuple(selectors.SchoolFilters.SORTS)]  # type: ignore[valid-type]


class SchoolQuery(Schema):
    """The school list page's filters, typed: an unknown value is a 422, not silently ignored."""

    region: int | None = Field(None, ge=1, le=MAX_ID, description="Region ID.")
    district: int | None = Field(None, ge=1, le=MAX_ID, description="District ID.")
    locality: Locality | None = None
    small_class: bool | None = None
    language: InstructionLanguage | None = None
    internet: Internet | None = None
    ownership: Ownership | None = None
    future_school: FutureSchool | None = None
    q: str = Field("", max_length=100, description="Name (any case, Kazakh or Russian), BIN or KATO code.")
    sort: SchoolSort = "name"  # type: ignore[valid-type]
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def to_filters(self) -> selectors.SchoolFilters:
        query: dict[str, Any] = {
            "region": self.region,
            "district": self.district,
            "q": self.q,
            "sort": self.sort,
            "small_class": {True: "1", False: "0", None: ""}[self.small_class],
        }
        for name in ("locality", "language", "internet", "ownership", "future_school"):
            value = getattr(self, name)
            query[name] = value.value if value is not None else ""
        return selectors.SchoolFilters.from_query(query)


# --- Serialisation ------------------------------------------------------------------------------


def _names(obj: Any) -> dict[str, str]:
    return {"kk": obj.name_kk, "ru": obj.name_ru, "en": getattr(obj, "name_en", "") or ""}


def _counts(row: Any) -> dict[str, int]:
    return {
        "schools": row.school_count,
        "urban": row.urban_count,
        "rural": row.rural_count,
        "small_class": row.small_class_count,
    }


def _region(row: selectors.RegionRow) -> dict[str, Any]:
    region = row.region
    return {
        "id": region.pk,
        "country": region.country,
        "kato": region.kato,
        "kind": region.kind,
        "names": _names(region),
        "counts": _counts(row),
    }


def _district(row: selectors.DistrictRow) -> dict[str, Any]:
    district: District | None = row.district
    return {
        "id": district.pk if district else None,
        "kato": district.kato if district else "",
        "names": _names(district) if district else {"kk": "", "ru": "", "en": ""},
        "counts": _counts(row),
    }


def _school(school: School) -> dict[str, Any]:
    coordinates = None
    if school.latitude is not None and school.longitude is not None:
        coordinates = {"latitude": float(school.latitude), "longitude": float(school.longitude)}
    district = school.district
    return {
        "id": school.pk,
        "names": {"kk": school.name_kk, "ru": school.name_ru, "en": ""},
        "bin": school.bin,
        "kato": school.kato,
        "region": {"id": school.region.pk, "kato": school.region.kato, "names": _names(school.region)},
        "district": {"id": district.pk, "kato": district.kato, "names": _names(district)} if district else None,
        "locality": school.locality,
        "small_class": school.is_small_class,
        "language": school.language,
        "grades": {"first": school.grade_from, "last": school.grade_to},
        "pupils": school.pupils,
        "teachers": school.teachers,
        "internet": {"level": school.internet, "connected_on": school.internet_connected_on},
        "modernised_year": school.modernised_year,
        "ownership": {
            "kind": school.ownership,
            "operator_id": school.operator_id,
            "handover_on": school.handover_on,
        },
        "future_school": {
            "status": school.future_school,
            "planned_year": school.future_school_planned_year,
            "built_year": school.future_school_built_year,
        },
        "coordinates": coordinates,
        "is_demo": school.is_demo,
    }


def _require_scope(request: HttpRequest) -> None:
    if not access_for(request.user).registry.any:
        raise PermissionDenied


# --- Endpoints ----------------------------------------------------------------------------------


@router.get("/regions", response={200: list[RegionOut], **ERROR_RESPONSES}, url_name="region-list")
def region_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Regions the caller may see, with counts over the schools the caller may see."""
    _require_scope(request)
    return [_region(row) for row in selectors.region_list_with_counts(actor=request.user)]


@router.get(
    "/regions/{kato}",
    response={200: RegionDetailOut, 404: ErrorOut, **ERROR_RESPONSES},
    url_name="region-detail",
)
def region_detail(request: HttpRequest, kato: ApiCode, country: Country = Country.KAZAKHSTAN) -> dict[str, Any]:
    """One region by KATO code, with its districts; counts cover only schools the caller may see."""
    region = get_object_or_404(Region.objects.restrict(request.user, "view"), kato=kato, country=country)
    row = next(row for row in selectors.region_list_with_counts(actor=request.user) if row.region.pk == region.pk)
    districts = selectors.district_list_for_region(actor=request.user, region=region)
    return {**_region(row), "districts": [_district(district) for district in districts]}


@router.get("/schools", response={200: SchoolPageOut, **ERROR_RESPONSES}, url_name="school-list")
def school_list(request: HttpRequest, query: Query[SchoolQuery]) -> dict[str, Any]:
    """Schools the caller may see, filtered and sorted like the school list page."""
    _require_scope(request)
    filters = query.to_filters()

    def compute() -> dict[str, Any]:
        schools = selectors.school_list(actor=request.user, filters=filters)
        count = selectors.school_total(actor=request.user, filters=filters, schools=schools)
        rows = list(schools[query.offset : query.offset + query.limit]) if query.offset < count else []
        return {"count": count, "items": [_school(s) for s in rows]}

    # Cached like the list page (shamy.registry.tables): the exact scope is in the key, and the
    # language too, since names sort in the caller's language.
    language = translation.get_language() or ""
    parts = ("api-schools", scope_key(request.user), language, filters, query.limit, query.offset)
    page = REGISTRY_CACHE.get_or_compute(parts, compute)
    return {"count": page["count"], "limit": query.limit, "offset": query.offset, "items": page["items"]}


@router.get(
    "/schools/{school_id}",
    response={200: SchoolDetailOut, 404: ErrorOut, **ERROR_RESPONSES},
    url_name="school-detail",
)
def school_detail(request: HttpRequest, school_id: ApiId) -> dict[str, Any]:
    """One school; 404 when it does not exist or lies outside the caller's scope."""
    school = selectors.school_get_for_user(user=request.user, school_id=school_id)
    operator = school.operator
    return {
        **_school(school),
        "operator": {"id": operator.pk, "names": _names(operator)} if operator else None,
    }
