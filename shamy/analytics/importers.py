"""The "outcome indicator values" import kind, registered with the foundation's import framework.

Each row gives one value of an imported indicator for a region, district or school, a school
year, an optional urban/rural part, the number of people it was computed from and its source.
A repeated import of the same file changes nothing (rows are matched by indicator, year,
place and locality).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from shamy.access.context import Actor, access_for
from shamy.accounts.models import User
from shamy.analytics.models import Indicator, IndicatorValue, Level, LocalityPart, SourceKind
from shamy.analytics.permissions import can_import_indicator_values
from shamy.analytics.services.values import indicator_value_save
from shamy.core.countries import HOME_COUNTRY
from shamy.imports import cells
from shamy.imports.base import CREATE, UNCHANGED, UPDATE, Column, Importer, Row
from shamy.imports.kinds import register
from shamy.registry.models import District, Region, School

CHUNK = 500


def _chunks(values: set[str]) -> list[list[str]]:
    items = sorted(values)
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


@register
class IndicatorValueImporter(Importer):
    kind = "indicator_values"
    label = _("Outcome indicator values")
    columns: ClassVar[tuple[Column, ...]] = (
        Column(
            "indicator",
            _("Indicator code"),
            cells.code(60),
            required=True,
            help_text=_("The code of an imported indicator, as listed on the indicator definitions page."),
        ),
        Column(
            "year",
            _("School year"),
            cells.integer(1990, 2100),
            required=True,
            help_text=_("The first calendar year of the school year: 2023 means 2023/24."),
        ),
        Column("level", _("Level"), cells.choice(Level.choices), required=True),
        Column(
            "place",
            _("Place"),
            cells.code(64),
            required=True,
            help_text=_("KATO code of the region or district; BIN or external ID of the school."),
        ),
        Column("locality", _("Locality"), cells.choice(LocalityPart.choices)),
        Column("value", _("Value"), cells.decimal_number(4, -1_000_000_000, 1_000_000_000), required=True),
        Column("people", _("People counted"), cells.integer(0, 100_000_000)),
        Column("source", _("Source"), cells.text(300), required=True),
    )

    def allowed(self, user: Actor) -> bool:
        return can_import_indicator_values(access_for(user))

    def summary(self, row: Row) -> str:
        return " · ".join(str(row.values.get(name, "")) for name in ("indicator", "year", "place", "locality"))

    def resolve(self, rows: list[Row]) -> None:
        indicators = {
            indicator.code: indicator
            for indicator in Indicator.objects.filter(
                code__in=sorted({row.values["indicator"] for row in rows if row.values.get("indicator")})
            )
        }
        # Indicator values are the home country's statistics: a partner country's region may share a
        # two-digit code (Bishkek is 11 in the Kyrgyz classifier, Akmola 11 in KATO).
        regions = {region.kato: region for region in Region.objects.filter(country=HOME_COUNTRY)}
        wanted = {row.values["place"] for row in rows if row.values.get("place")}
        districts: dict[str, District] = {}
        schools: dict[str, School] = {}
        for chunk in _chunks(wanted):
            districts.update({d.kato: d for d in District.objects.select_related("region").filter(kato__in=chunk)})
            for found in School.objects.select_related("region", "district").filter(
                Q(bin__in=chunk) | Q(external_id__in=chunk)
            ):
                for identifier in (found.bin, found.external_id):
                    if identifier:
                        schools[identifier] = found
        existing: dict[tuple[Any, ...], IndicatorValue] = {}
        codes = [code for code in indicators]
        years = sorted({row.values["year"] for row in rows if "year" in row.values})
        for value in IndicatorValue.objects.filter(indicator__code__in=codes, year__in=years):
            existing[
                (
                    value.indicator_id,
                    value.year,
                    value.level,
                    value.region_id,
                    value.district_id,
                    value.school_id,
                    value.locality,
                )
            ] = value
        seen: dict[tuple[Any, ...], int] = {}
        for row in rows:
            if row.errors:
                continue
            indicator = indicators.get(row.values["indicator"])
            if indicator is None:
                row.error("indicator", _("No indicator has this code."))
                continue
            if indicator.source_kind != SourceKind.IMPORTED:
                row.error(
                    "indicator", _("This indicator is computed from the registry; its values cannot be imported.")
                )
                continue
            level = row.values["level"]
            place = row.values["place"]
            locality = row.values.get("locality") or LocalityPart.ALL
            region: Region | None = None
            district: District | None = None
            school: School | None = None
            if level == Level.REGION:
                region = regions.get(place)
            elif level == Level.DISTRICT:
                district = districts.get(place)
                region = district.region if district else None
            else:
                school = schools.get(place)
                if school is not None:
                    region, district = school.region, school.district
                    locality = school.locality
            if region is None:
                row.error("place", _("No place of this level has this code."))
                continue
            place_key = (
                indicator.pk,
                row.values["year"],
                level,
                region.pk,
                getattr(district, "pk", None),
                getattr(school, "pk", None),
                locality,
            )
            if place_key in seen:
                row.error(
                    "place",
                    _("The same value is already in row %(line)s: each record may appear only once."),
                    {"line": seen[place_key]},
                )
                continue
            seen[place_key] = row.line
            fields = {
                "indicator": indicator,
                "year": row.values["year"],
                "level": level,
                "region": region,
                "district": district,
                "school": school,
                "locality": locality,
                "value": float(row.values["value"]),
                "people": row.values.get("people"),
                "source": row.values["source"],
            }
            current = existing.get(place_key)
            if current is None:
                row.action, row.changes = CREATE, fields
                continue
            changes = {
                name: fields[name] for name in ("value", "people", "source") if getattr(current, name) != fields[name]
            }
            row.target, row.changes = current, changes
            row.action = UPDATE if changes else UNCHANGED

    def apply(self, *, actor: User, row: Row) -> None:
        if row.action == CREATE:
            indicator_value_save(actor=actor, existing=None, fields=row.changes)
        elif row.action == UPDATE:
            indicator_value_save(actor=actor, existing=row.target, fields=row.changes)
