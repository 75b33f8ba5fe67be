from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.vary import vary_on_headers

from shamy.access.http import AuthedHttpRequest
from shamy.core.replicas import use_replica
from shamy.core.rules import checked, requires
from shamy.registry import selectors
from shamy.registry.exports import schools_csv_response, schools_xlsx_response
from shamy.registry.forms import SchoolFilterForm
from shamy.registry.models import Person, Region, School
from shamy.registry.permissions import can_import_registry, can_view_personal_data, may_browse_registry
from shamy.registry.tables import PAGE_SIZE, district_rows_html, school_table
from shamy.registry.validators import mask_identifier


@requires(may_browse_registry)
def region_list(request: AuthedHttpRequest) -> HttpResponse:
    rows = selectors.region_list_with_counts(actor=request.user)
    totals = {
        name: sum(getattr(row, name) for row in rows)
        for name in ("school_count", "urban_count", "rural_count", "small_class_count", "pupil_total", "teacher_total")
    }
    return render(request, "registry/region_list.html", {"rows": rows, "totals": totals})


@vary_on_headers("HX-Request")
@checked(Region, kwarg="region_id")
def region_detail(request: AuthedHttpRequest, region: Region) -> HttpResponse:
    districts, total = selectors.district_table_for_region(actor=request.user, region=region)
    table = school_table(
        actor=request.user,
        filters=selectors.SchoolFilters(region=region.pk),
        page=request.GET.get("page"),
        show_region=False,
        count=total,  # the same schools the district rows count
    )
    return render(
        request,
        "registry/region_detail.html",
        {
            "region": region,
            "districts": districts,
            "district_rows": district_rows_html(districts, region_id=region.pk),
            "page": table.page,
            "table": table.html,
            "query": "",
        },
    )


def _list_queries(get: QueryDict) -> tuple[str, str]:
    """The list's query string without its page (for the pager), and also without the export (for
    the export links)."""
    query = get.copy()
    query.pop("page", None)
    export_query = query.copy()
    export_query.pop("export", None)
    return query.urlencode(), export_query.urlencode()


@vary_on_headers("HX-Request")
@requires(may_browse_registry)
def school_list(request: AuthedHttpRequest) -> HttpResponseBase:
    filters = selectors.SchoolFilters.from_query(request.GET)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        with use_replica():  # an export is a heavy read: the replica when there is one
            schools = selectors.school_list(actor=request.user, filters=filters)
            return schools_csv_response(schools) if export == "csv" else schools_xlsx_response(schools)
    regions = selectors.visible_regions(actor=request.user)
    districts = selectors.district_choices(actor=request.user, region_id=filters.region)
    form = SchoolFilterForm(request.GET or None, regions=regions.choices, districts=districts)
    # The total from the regions' stored school numbers when they answer it (no COUNT, no query).
    count = regions.total(filters)
    table = school_table(
        actor=request.user, filters=filters, page=request.GET.get("page"), count=count, stored_count=False
    )
    query, export_query = _list_queries(request.GET)
    partial = request.htmx and not request.htmx.boosted  # type: ignore[attr-defined]
    template = "registry/_school_rows.html" if partial else "registry/school_list.html"
    return render(
        request,
        template,
        {
            "form": form,
            "page": table.page,
            "table": table.html,
            "query": query,
            "export_query": export_query,
            "can_import": can_import_registry(request.user),
        },
    )


@checked(School, kwarg="school_id", shape=selectors.school_page)
def school_detail(request: AuthedHttpRequest, school: School) -> HttpResponse:
    staff = Paginator(selectors.school_staff(school=school), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "registry/school_detail.html", {"school": school, "page": staff, "query": ""})


@checked(Person, kwarg="person_id", shape=selectors.person_page)
def person_detail(request: AuthedHttpRequest, person: Person) -> HttpResponse:
    show_personal = can_view_personal_data(request.user, person)
    return render(
        request,
        "registry/person_detail.html",
        {
            "person": person,
            "show_personal": show_personal,
            "iin_display": (person.iin or "") if show_personal else mask_identifier(person.iin or ""),
        },
    )
