from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from shamy.audit.forms import AuditFilterForm
from shamy.audit.permissions import may_read_audit_log
from shamy.audit.selectors import audit_entry_list
from shamy.core.rules import requires

if TYPE_CHECKING:
    from shamy.access.http import AuthedHttpRequest


@vary_on_headers("HX-Request")
@requires(may_read_audit_log)
def entry_list(request: AuthedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    entries = audit_entry_list(actor=request.user, filters=request.GET)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    partial = request.htmx and not request.htmx.boosted  # type: ignore[attr-defined]
    template = "audit/_entry_rows.html" if partial else "audit/entry_list.html"
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, template, {"form": form, "page": page, "query": query.urlencode()})
