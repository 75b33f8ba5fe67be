"""Commons endpoints of the JSON API: published items with their licence. Public: no token needed."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router
from pydantic import BaseModel, Field

from shamy.commons.models import Resource
from shamy.commons.selectors import SearchFilters, public_item, resource_search
from shamy.core.inputs import ApiCode, ApiId, ApiOffset, ApiSearch

router = Router(tags=["commons"])
MAX_LIMIT = 100


class ItemOut(BaseModel):
    id: str
    url: str
    kind: str
    title: str
    summary: str
    language: str
    country: str
    theme: str | None
    licence: str
    licence_url: str
    credit: str
    link: str
    file: str | None
    published_at: datetime.datetime | None


class ItemPageOut(BaseModel):
    count: int
    items: list[ItemOut]


def _item(request: HttpRequest, item: Resource) -> dict[str, Any]:
    return {
        "id": str(item.public_id),
        "url": request.build_absolute_uri(f"/commons/{item.public_id}/"),
        "kind": item.kind,
        "title": item.title,
        "summary": item.summary,
        "language": item.language,
        "country": item.country,
        "theme": item.theme.code if item.theme else None,
        "licence": item.licence,
        "licence_url": item.licence_url,
        "credit": item.credit,
        "link": item.url,
        "file": request.build_absolute_uri(f"/commons/{item.public_id}/file") if item.file else None,
        "published_at": item.published_at,
    }


@router.get("/commons/items", response=ItemPageOut, auth=None, url_name="commons-item-list")
def item_list(
    request: HttpRequest,
    q: ApiSearch = "",
    language: ApiCode = "",
    kind: ApiCode = "",
    country: ApiCode = "",
    theme: ApiId | None = None,
    limit: Annotated[int, Field(ge=1, le=MAX_LIMIT)] = 20,
    offset: ApiOffset = 0,
) -> dict[str, Any]:
    """Published items, searched and filtered like the commons page (Kazakh letters folded,
    Russian and Kazakh word forms stemmed), best matches first."""
    filters = SearchFilters.from_query(
        {"q": q, "language": language, "kind": kind, "country": country, "theme": theme or ""}
    )
    items, _terms = resource_search(filters=filters)
    limit = max(1, min(limit, MAX_LIMIT))
    page = list(items[max(offset, 0) : max(offset, 0) + limit])
    return {"count": items.count(), "items": [_item(request, item) for item in page]}


@router.get("/commons/items/{public_id}", response=ItemOut, auth=None, url_name="commons-item-detail")
def item_detail(request: HttpRequest, public_id: ApiCode) -> dict[str, Any]:
    return _item(request, public_item(public_id=public_id))
