"""Commons pages: the public library (search, item pages, files, feed), adding items, moderation."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from shamy.commons import search
from shamy.commons.feeds import NewItemsFeed
from shamy.commons.forms import ResourceForm, SearchForm
from shamy.commons.models import Status
from shamy.commons.permissions import can_moderate, can_open_moderation, can_submit
from shamy.commons.selectors import SearchFilters, moderation_queue, resource_get_for_user, resource_search
from shamy.commons.services.resources import resource_moderate, resource_submit
from shamy.core import files
from shamy.programmes.models import Programme

if TYPE_CHECKING:
    from shamy.access.http import AuthedHttpRequest

PAGE_SIZE = 20


@login_not_required
def index(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    filters = SearchFilters.from_query(request.GET)
    items, terms = resource_search(filters=filters)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    results = [
        # snippet() escapes the text itself and adds only <mark> around matches.
        {"item": item, "snippet": mark_safe(search.snippet(item.summary, terms))}  # noqa: S308
        for item in page
    ]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "results": results,
        "query": query.urlencode(),
        "searched": bool(filters.query),
        "can_submit": can_submit(request.user),
        "can_moderate": can_open_moderation(request.user),
    }
    return render(request, "commons/index.html", context)


@login_not_required
def detail(request: HttpRequest, public_id: str) -> HttpResponse:
    item = resource_get_for_user(user=request.user, public_id=public_id)
    poster = project_page = ""
    if item.public_summary_id is not None and item.public_summary is not None:
        poster = reverse("portfolios:public-poster", args=[item.public_summary.public_id])
        project_page = reverse("portfolios:public-detail", args=[item.public_summary.public_id])
    context = {
        "item": item,
        "poster": poster,
        "project_page": project_page,
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


def submit(request: AuthedHttpRequest) -> HttpResponse:
    if not can_submit(request.user):
        raise PermissionDenied
    programmes = Programme.objects.filter(pk__in=sorted(request.access.programme_ids))
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


def moderation(request: AuthedHttpRequest) -> HttpResponse:
    if not can_open_moderation(request.user):
        raise PermissionDenied
    return render(request, "commons/moderation.html", {"items": moderation_queue(actor=request.user)})


@require_POST
def moderate(request: AuthedHttpRequest, public_id: str) -> HttpResponse:
    item = resource_get_for_user(user=request.user, public_id=public_id)
    if not can_moderate(request.user, item):
        raise PermissionDenied
    resource_moderate(
        actor=request.user,
        resource=item,
        publish=request.POST.get("decision") == "publish",
        note=request.POST.get("note", "")[:2000],
    )
    return redirect("commons:moderation")
