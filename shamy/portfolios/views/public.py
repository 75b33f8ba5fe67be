"""Published project summaries: open to everyone, signed in or not, with printable posters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.vary import vary_on_headers

from shamy.portfolios import selectors
from shamy.portfolios.forms import PublicFilterForm
from shamy.portfolios.poster import POSTER_SIZES, poster_content, poster_pdf
from shamy.portfolios.views.common import PAGE_SIZE

POSTER_CACHE_SECONDS = 24 * 60 * 60


@login_not_required
@vary_on_headers("HX-Request")
def public_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.PublicFilters.from_query(request.GET)
    summaries = selectors.public_summary_list(filters=filters)
    themes, regions = selectors.public_filter_choices()
    form = PublicFilterForm(request.GET or None, themes=themes, regions=regions)
    page = Paginator(summaries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    partial = request.htmx and not request.htmx.boosted  # type: ignore[attr-defined]
    template = "portfolios/_public_rows.html" if partial else "portfolios/public_list.html"
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})


@login_not_required
def public_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    summary = selectors.public_summary_get(public_id=public_id)
    return render(request, "portfolios/public_detail.html", {"summary": summary, "sizes": POSTER_SIZES})


@login_not_required
def public_poster(request: HttpRequest, public_id: str) -> HttpResponse:
    summary = selectors.public_summary_get(public_id=public_id)
    size = request.GET.get("size", "A3")
    if size not in POSTER_SIZES:
        size = "A3"
    with_qr = request.GET.get("qr", "1") != "0"
    url = request.build_absolute_uri(reverse("portfolios:public-detail", args=[summary.public_id]))
    # Rendering takes seconds and the page is public: keep each version of a poster in the cache
    # (the key changes whenever the summary or the consent behind it changes).
    key = f"portfolios:poster:{summary.public_id}:{size}:{int(with_qr)}:{summary.updated_at.timestamp()}:"
    key += f"{summary.consent_id}:{translation.get_language()}:{url}"
    pdf = cache.get(key)
    if pdf is None:
        pdf = poster_pdf(poster_content(summary, url if with_qr else ""), size=size, language=summary.language)
        cache.set(key, pdf, POSTER_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{size}.pdf"'
    return response
