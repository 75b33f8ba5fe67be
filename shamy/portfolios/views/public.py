"""Published project summaries: open to everyone, signed in or not, with printable posters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.vary import vary_on_headers

from shamy.core import files
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
    photos = selectors.public_photos(summary=summary)
    context = {"summary": summary, "sizes": POSTER_SIZES, "photos": photos}
    return render(request, "portfolios/public_detail.html", context)


@login_not_required
def public_photo(request: HttpRequest, public_id: str, evidence_id: int) -> HttpResponseBase:
    """A photo of a published project that the teacher allowed to publish (its thumbnail with
    ``?size=thumbnail``); any other evidence is a 404, as is every photo once consent is withdrawn."""
    summary = selectors.public_summary_get(public_id=public_id)
    photo = selectors.public_photo_get(summary=summary, evidence_id=evidence_id)
    if request.GET.get("size") == "thumbnail" and photo.thumbnail:
        return files.file_response(photo, photo.thumbnail, content_type="image/jpeg", inline=True, max_age=3600)
    return files.file_response(photo, photo.file, content_type=photo.mime, inline=True, max_age=3600)


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
    # The photos are part of the key too: withdrawing a photo's consent changes the poster at once.
    photos = selectors.public_photos(summary=summary)
    photo_key = ",".join(f"{photo.pk}" for photo in photos)
    key = f"portfolios:poster:{summary.public_id}:{size}:{int(with_qr)}:{summary.updated_at.timestamp()}:"
    key += f"{summary.consent_id}:{translation.get_language()}:{photo_key}:{url}"
    pdf = cache.get(key)
    if pdf is None:
        content = poster_content(summary, url if with_qr else "", photos=photos)
        pdf = poster_pdf(content, size=size, language=summary.language)
        cache.set(key, pdf, POSTER_CACHE_SECONDS)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="poster-{size}.pdf"'
    return response
