"""Commons pages: the public library (search, item pages, files, feed), adding items, moderation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.access.http import AuthedHttpRequest
from shamy.commons import search
from shamy.commons.feeds import NewItemsFeed
from shamy.commons.forms import ResourceForm, search_filter_selects
from shamy.commons.models import Kind, Language, Licence, Resource, Status
from shamy.commons.permissions import can_moderate, can_open_moderation, can_submit, may_open_moderation, may_submit
from shamy.commons.selectors import (
    SearchFilters,
    moderation_queue,
    resource_get_for_user,
    resource_search,
    submittable_programmes,
    with_relations,
)
from shamy.commons.services.resources import resource_moderate, resource_submit
from shamy.core import files
from shamy.core.rules import checked, requires
from shamy.registry.models import Country

PAGE_SIZE = 20
# Counting every match of a common word costs more than the page itself: past this, "1000+".
COUNT_CAP = 1000


def _choice_labels() -> dict[str, dict[str, str]]:
    """The labels of the choices a result card shows, translated once per page (an item's
    get_FOO_display() builds a dict of every choice on each call: four times per card)."""
    return {
        "kind": {value: str(label) for value, label in Kind.choices},
        "language": {value: str(label) for value, label in Language.choices},
        "country": {value: str(label) for value, label in Country.choices},
        "licence": {value: str(label) for value, label in Licence.choices},
    }


def _card_facts(item: Resource, labels: dict[str, dict[str, str]]) -> list[str]:
    """What a result card says about an item: type, language, country, theme, licence."""
    facts = [labels["kind"].get(item.kind, item.kind), labels["language"].get(item.language, item.language)]
    facts.append(labels["country"].get(item.country, item.country))
    if item.theme is not None:
        facts.append(item.theme.name)
    facts.append(labels["licence"].get(item.licence, item.licence))
    return facts


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    @cached_property
    def count(self) -> int:
        rows: Any = self.object_list
        return int(rows[: COUNT_CAP + 1].count())


@login_not_required
def index(request: HttpRequest) -> HttpResponse:
    filters = SearchFilters.from_query(request.GET)
    items, terms = resource_search(filters=filters)
    # RankedItems has no __len__ on purpose (the paginator counts through count(); a len() would
    # count the page's matches again when the page is turned into a list).
    page = CappedPaginator(items, PAGE_SIZE).get_page(request.GET.get("page"))  # type: ignore[arg-type]
    labels = _choice_labels()
    results = [
        # snippet() escapes the text itself and adds only <mark> around matches.
        {"item": item, "facts": _card_facts(item, labels), "snippet": mark_safe(search.snippet(item.summary, terms))}  # noqa: S308
        for item in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "query_text": request.GET.get("q", ""),
        "filter_selects": search_filter_selects(request.GET),
        "page": page,
        "results": results,
        "query": query.urlencode(),
        "capped": page.paginator.count > COUNT_CAP,
        "can_submit": can_submit(request.user),
        "can_moderate": can_open_moderation(request.user),
    }
    return render(request, "commons/index.html", context)


@login_not_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    item = resource_get_for_user(user=request.user, public_id=public_id)
    summary = item.public_summary
    context = {
        "item": item,
        "poster": reverse("portfolios:public-poster", args=[summary.public_id]) if summary else "",
        "project_page": reverse("portfolios:public-detail", args=[summary.public_id]) if summary else "",
        "citation_url": request.build_absolute_uri(),
        "moderate": item.status != Status.PUBLISHED and can_moderate(request.user, item),
    }
    return render(request, "commons/detail.html", context)


@login_not_required
def download(request: HttpRequest, public_id: str) -> FileResponse:
    item = resource_get_for_user(user=request.user, public_id=public_id)
    if not item.file:
        raise Http404
    return files.file_response(item, item.file, content_type=item.mime, max_age=3600)


feed = login_not_required(NewItemsFeed())


@requires(may_submit)
def submit(request: AuthedHttpRequest) -> HttpResponse:
    programmes = submittable_programmes(actor=request.user)
    form = ResourceForm(request.POST or None, request.FILES or None, programmes=programmes)
    if request.method == "POST" and form.is_valid():
        try:
            item = resource_submit(actor=request.user, fields=form.resource_fields(), upload=form.cleaned_data["file"])
        except files.UploadRejected as error:
            form.add_error("file", str(error))
        except ValidationError as error:
            form.add_error(None, " ".join(error.messages))
        else:
            messages.success(request, _("Thank you: the item waits for moderation before it is public."))
            return redirect("commons:detail", public_id=item.public_id)
    return render(request, "commons/submit.html", {"form": form})


@requires(may_open_moderation)
def moderation(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "commons/moderation.html", {"items": moderation_queue(actor=request.user)})


@require_POST
@checked(Resource, "moderate", kwarg="public_id", field="public_id", name="item", shape=with_relations)
def moderate(request: AuthedHttpRequest, item: Resource) -> HttpResponse:
    publish = request.POST.get("decision") == "publish"
    resource_moderate(actor=request.user, resource=item, publish=publish, note=request.POST.get("note", "")[:2000])
    return redirect("commons:moderation")
