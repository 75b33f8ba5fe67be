"""The paginated school table shared by the school list and the region page, cached.

A table costs a count, a page of rows and the rendering of 50 rows: about two thirds of the
page's time. The count and the rendered rows are cached together under the registry's cache
version (:mod:`shamy.registry.cache`) and everything they depend on: the caller's exact
visibility scope, the language (labels and the order of names), the filters, the page number
and the columns. Anything around the table that depends on the user (the import button) stays
outside the cache.

With the cache off (the first request after a write) the table is built as cheaply as it can be:
the page's rows are read as plain values (no model instances), names and labels are picked in
the active language once per table, numbers are grouped with separators looked up once, a
caller that already knows the count (the region page sums its district rows) passes it in, and a
list filtered by region at most takes its count from the regions' stored numbers
(:mod:`shamy.registry.school_counts`) instead of counting every school.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from shamy.access.context import Actor
from shamy.core.inputs import parse_page
from shamy.core.numbers import integer_formatter
from shamy.core.translated import name_picker
from shamy.registry import selectors
from shamy.registry.cache import REGISTRY_CACHE, scope_key
from shamy.registry.models import InstructionLanguage, Internet, Locality

PAGE_SIZE = 50

# Only what a row shows, in this order (``rows_html`` unpacks them): a list page reads 50 rows,
# not the whole school record.
ROW_VALUES = (
    "id",
    "name_kk",
    "name_ru",
    "is_small_class",
    "is_demo",
    "region__name_kk",
    "region__name_ru",
    "region__name_en",
    "district_id",
    "district__name_kk",
    "district__name_ru",
    "district__name_en",
    "locality",
    "language",
    "internet",
    "pupils",
    "teachers",
)


@dataclass(frozen=True)
class CachedTable:
    count: int
    number: int
    html: str


@dataclass(frozen=True)
class SchoolTable:
    page: Page[Any]
    html: SafeString


def page_number(raw: Any) -> int:
    """The requested page as the paginator will resolve it (so it can be part of a cache key)."""
    return parse_page(raw)


def school_table(
    *,
    actor: Actor,
    filters: selectors.SchoolFilters,
    page: Any,
    show_region: bool = True,
    count: int | None = None,
    stored_count: bool = True,
) -> SchoolTable:
    """The page of schools matching ``filters`` that ``actor`` may see, with its rendered rows.

    ``count``: the number of those schools, when the caller knows it already (no COUNT query).
    ``stored_count``: without it, may the regions' stored numbers answer it (False: the caller
    looked at them already, count at once).
    """
    schools = selectors.school_list(actor=actor, filters=filters)
    requested = page_number(page)

    def compute() -> CachedTable:
        paginator = Paginator(schools.values_list(*ROW_VALUES), PAGE_SIZE)
        # Counted on the schools alone (the rows' values would join regions and districts into it),
        # or from the regions' stored numbers (``selectors.school_total``).
        if count is not None:
            paginator.count = count
        elif stored_count:
            paginator.count = selectors.school_total(actor=actor, filters=filters, schools=schools)
        else:
            paginator.count = schools.count()
        current = paginator.get_page(requested)
        html = render_to_string(
            "registry/_school_table.html",
            {"rows_html": rows_html(current.object_list, show_region=show_region), "show_region": show_region},
        )
        return CachedTable(count=paginator.count, number=current.number, html=html)

    language = translation.get_language() or ""
    parts = ("school-table", scope_key(actor), language, filters, requested, show_region)
    cached = REGISTRY_CACHE.get_or_compute(parts, compute)
    paginator = Paginator(schools, PAGE_SIZE)
    paginator.count = cached.count  # known: no second COUNT query
    return SchoolTable(page=paginator.page(cached.number), html=SafeString(cached.html))


def _detail_url_builder() -> Any:
    """``reverse()`` once per table instead of once per row (it costs about 30 µs a call)."""
    marker = 987654321
    head, tail = reverse("registry:school-detail", args=[marker]).split(str(marker))
    return lambda pk: f"{head}{pk}{tail}"


def _labels(choices: Any) -> dict[str, str]:
    """A choice field's labels in the active language, translated once per table."""
    return {value: str(label) for value, label in choices}


def rows_html(rows: Any, *, show_region: bool) -> SafeString:
    """The table's rows (tuples of ``ROW_VALUES``), built here rather than in the template: on a
    cache miss, 50 rows × 8 cells through the template engine (a thousand variable lookups and
    filters) cost about as much as all of the page's queries. Every value is escaped."""
    detail = _detail_url_builder()
    name = name_picker()
    number = integer_formatter()
    localities, languages, internet = (
        _labels(Locality.choices),
        _labels(InstructionLanguage.choices),
        _labels(Internet.choices),
    )
    # Outside the f-strings: xgettext does not read calls inside an f-string's braces.
    small_class_label, demo_label = gettext("small-class"), gettext("demo")
    small_class = f' <span class="badge">{escape(small_class_label)}</span>'
    demo = f' <span class="badge demo">{escape(demo_label)}</span>'
    out = []
    for (
        pk,
        name_kk,
        name_ru,
        is_small_class,
        is_demo,
        region_kk,
        region_ru,
        region_en,
        district_id,
        district_kk,
        district_ru,
        district_en,
        locality,
        language,
        connection,
        pupils,
        teachers,
    ) in rows:
        region = f"<td>{escape(name(region_kk, region_ru, region_en))}</td>" if show_region else ""
        district_name = name(district_kk, district_ru, district_en or "") if district_id else ""
        district = escape(district_name) if district_name else "—"
        out.append(
            f'<tr><th scope="row"><a href="{detail(pk)}">{escape(name(name_kk, name_ru, ""))}</a>'
            f"{small_class if is_small_class else ''}{demo if is_demo else ''}</th>"
            f"{region}<td>{district}</td>"
            f'<td><span class="badge {escape(locality)}">{escape(localities.get(locality, locality))}</span></td>'
            f"<td>{escape(languages.get(language, language))}</td>"
            f'<td class="number">{number(pupils)}</td><td class="number">{number(teachers)}</td>'
            f"<td>{escape(internet.get(connection, connection))}</td></tr>\n"
        )
    return SafeString("".join(out))


def district_rows_html(rows: list[selectors.DistrictRow], *, region_id: int) -> SafeString:
    """The region page's district rows (``selectors.district_table_for_region``), built here for
    the same reason as :func:`rows_html`: with the cache off, a region's 17 rows × 5 grouped
    numbers and a link each through the template engine cost more than the query behind them."""
    link = f"{reverse('registry:school-list')}?region={region_id}&amp;district="
    number = integer_formatter()
    unplaced = escape(gettext("No district given"))
    out = []
    for row in rows:
        district = row.district
        name = f'<a href="{link}{district.pk}">{escape(district.name)}</a>' if district else unplaced
        cells = "".join(
            f'\n      <td class="number">{number(value)}</td>'
            for value in (row.school_count, row.rural_count, row.small_class_count, row.pupil_total, row.teacher_total)
        )
        out.append(f'\n    <tr>\n      <th scope="row">{name}</th>{cells}\n    </tr>\n  ')
    return SafeString("".join(out))
