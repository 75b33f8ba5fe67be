"""The official school counts 2000/01–2022/23 (``data/schools_by_region.csv``) as time series.

Respects the definition breaks in ``data/PROVENANCE.md``: before 2008/09 the urban and rural
counts exclude evening schools while the total includes them, so the rural share is always
rural / (urban + rural) and years before the break are flagged; a missing split (2021/22
nationally and in some regions) stays a gap, never interpolated; Abai, Jetisu and Ulytau
exist only from 2022/23. Series are joined on ``region_en``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    StrOrPromise = str | _StrPromise

from shamy.analytics.parity import share

DATA = Path(__file__).resolve().parent / "data" / "schools_by_region.csv"
BREAK_YEAR = 2008  # first year whose urban/rural split includes evening schools

SOURCE = gettext_lazy(
    "Bureau of National Statistics (BNS) of the Agency for Strategic Planning and Reforms of the Republic of "
    "Kazakhstan, “Number of general-education schools”, via open-data-kazakhstan/city-school-private-public"
)
LICENCE = gettext_lazy("Open Data Commons Public Domain Dedication and License (PDDL) 1.0")
DEFINITION = gettext_lazy(
    "General-education schools, day and evening, state and private; urban and rural by the location of the "
    "school. Before 2008/09 urban and rural exclude evening schools, so the rural share is rural / (urban + "
    "rural). From 2014/15 the figures are the Ministry of Education's administrative data."
)
YEARS = "2000/01–2022/23"


@dataclass(frozen=True)
class Break:
    """A point where a series is not comparable with the year before (data/PROVENANCE.md)."""

    year: int  # the first school year after the break
    note: StrOrPromise
    regions: frozenset[str] = frozenset()  # series it concerns; empty: the nation and every region


# Every break the provenance records, each marked in the year it happens.
BREAKS = (
    Break(
        2001,
        gettext_lazy("Zhambyl: settlements reclassified between urban and rural (urban 65 → 106)."),
        frozenset({"Zhambyl Region"}),
    ),
    Break(
        2007,
        gettext_lazy(
            "Settlements reclassified from urban to rural in eight regions: the national rural share jumps "
            "73.9 → 76.3 % with no matching change in the total."
        ),
        frozenset(
            {
                "",
                "Kyzylorda Region",
                "Karaganda Region",
                "East Kazakhstan Region",
                "Mangystau Region",
                "Zhambyl Region",
                "Akmola Region",
                "Kostanay Region",
                "Turkistan Region",
            }
        ),
    ),
    Break(
        BREAK_YEAR,
        gettext_lazy("Definition change: from 2008/09 urban and rural include evening schools."),
    ),
    Break(
        2008,
        gettext_lazy("Atyrau: settlements reclassified between urban and rural (urban 82 → 60)."),
        frozenset({"Atyrau Region"}),
    ),
    Break(
        2009,
        gettext_lazy("Almaty Region: settlements reclassified between urban and rural (urban 142 → 105)."),
        frozenset({"Almaty Region"}),
    ),
    Break(
        2014,
        gettext_lazy("Source change: from 2014/15 the figures are the Ministry of Education's administrative data."),
    ),
    Break(
        2014,
        gettext_lazy(
            "Almaty city's boundary was extended in 2014: the city rises 238 → 264 schools and Almaty Region falls."
        ),
        frozenset({"Almaty city", "Almaty Region"}),
    ),
    Break(
        2014,
        gettext_lazy(
            "2014/15 and 2015/16: the Turkistan (South Kazakhstan) row includes Shymkent city, which has no "
            "figure of its own those years (rural share 88.3 → 75.2 → 86.8 %)."
        ),
        frozenset({"Turkistan Region", "Shymkent city"}),
    ),
    Break(
        2016,
        gettext_lazy("From 2016/17 Shymkent city is counted on its own row again, not in Turkistan's."),
        frozenset({"Turkistan Region", "Shymkent city"}),
    ),
    Break(
        2018,
        gettext_lazy(
            "June 2018: South Kazakhstan region renamed Turkistan region; Shymkent became a city of republican "
            "significance."
        ),
        frozenset({"Turkistan Region", "Shymkent city"}),
    ),
    Break(
        2018,
        gettext_lazy("Aktobe: settlements reclassified between urban and rural (urban 106 → 126)."),
        frozenset({"Aktobe Region"}),
    ),
    Break(
        2021,
        gettext_lazy("2021/22: the urban/rural split is missing in the source, nationally and in some regions."),
        frozenset(
            {
                "",
                "Akmola Region",
                "Aktobe Region",
                "Almaty Region",
                "Atyrau Region",
                "West Kazakhstan Region",
            }
        ),
    ),
    Break(
        2022,
        gettext_lazy(
            "2022: Abai region split from East Kazakhstan, Jetisu from Almaty Region and Ulytau from Karaganda; "
            "the three new regions start here and their parents drop."
        ),
        frozenset(
            {
                "Abai Region",
                "Jetisu Region",
                "Ulytau Region",
                "East Kazakhstan Region",
                "Almaty Region",
                "Karaganda Region",
            }
        ),
    ),
)


def breaks_for(region_en: str = "") -> tuple[Break, ...]:
    """The breaks of one series ("" for the nation), in year order."""
    return tuple(item for item in BREAKS if not item.regions or region_en in item.regions)


@dataclass(frozen=True)
class Point:
    year: int
    urban: int | None
    rural: int | None
    total: int | None
    rural_inferred: bool = False  # a city's rural count: blank in the source, 0 by definition

    @property
    def rural_share(self) -> float | None:
        """Rural / (urban + rural) in per cent; undefined when either part is missing."""
        if self.urban is None or self.rural is None:
            return None
        value = share(self.rural, self.urban + self.rural)
        return None if value is None else value * 100

    @property
    def before_break(self) -> bool:
        return self.year < BREAK_YEAR

    @property
    def school_year(self) -> str:
        return f"{self.year}/{(self.year + 1) % 100:02d}"


def _number(raw: str) -> int | None:
    raw = raw.strip()
    return int(raw) if raw else None


@cache
def _rows() -> tuple[dict[str, str], ...]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return tuple(csv.DictReader(handle))


def is_city(region_en: str) -> bool:
    return region_en.endswith(" city")


@cache
def region_names() -> tuple[tuple[str, str, str], ...]:
    """(region_en, region_ru, latest kato) for every series, in the order of the latest year."""
    latest: dict[str, tuple[str, str]] = {}
    for row in _rows():
        latest[row["region_en"]] = (row["region_ru"], row["kato"])
    return tuple((name, ru, kato) for name, (ru, kato) in sorted(latest.items(), key=lambda item: item[1][1] or "99"))


@cache
def region_series(region_en: str) -> tuple[Point, ...]:
    points = []
    for row in _rows():
        if row["region_en"] != region_en:
            continue
        urban, rural, total = _number(row["urban"]), _number(row["rural"]), _number(row["total"])
        inferred = is_city(region_en) and urban is not None and rural is None
        if inferred:
            rural = 0  # the source has no rural row for the three cities: they are wholly urban
        points.append(Point(int(row["year"]), urban, rural, total, inferred))
    return tuple(sorted(points, key=lambda point: point.year))


@cache
def national_series() -> tuple[Point, ...]:
    """Sums of the regional rows. A year's urban (or rural) sum is a gap when any region that
    has a total that year lacks its urban (or rural) figure."""
    by_year: dict[int, list[dict[str, str]]] = {}
    for row in _rows():
        by_year.setdefault(int(row["year"]), []).append(row)
    points = []
    for year in sorted(by_year):
        rows = [row for row in by_year[year] if row["total"].strip()]
        total = sum(int(row["total"]) for row in rows)
        urban: int | None = 0
        rural: int | None = 0
        for row in rows:
            city = is_city(row["region_en"])
            row_urban, row_rural = _number(row["urban"]), _number(row["rural"])
            if row_urban is None:
                urban = None
            elif urban is not None:
                urban += row_urban
            if row_rural is None and not city:
                rural = None
            elif rural is not None:
                rural += row_rural or 0
        points.append(Point(year, urban, rural, total))
    return tuple(points)


def series_label(region_en: str) -> str:
    """The series' name in the active language, from the boundary file's names by KATO code."""
    from shamy.analytics.geo import map_geometry
    from shamy.core.translated import localized

    for name, ru, kato in region_names():
        if name != region_en:
            continue
        for shape in map_geometry().shapes:
            if shape.kato == kato:
                return localized({"kk": shape.name_kk, "ru": shape.name_ru, "en": shape.name_en})
        return localized({"ru": ru, "en": name})
    return region_en


@dataclass(frozen=True)
class OfficialCount:
    """One unit's official school counts in one school year, as the source gives them."""

    region_en: str
    kato: str
    urban: int | None
    rural: int | None
    total: int | None
    rural_inferred: bool  # a city's rural count: blank in the source, 0 by definition


@cache
def official_year(year: int) -> tuple[OfficialCount, ...]:
    """Every unit's official counts in ``year`` (empty when the series has no such year)."""
    counts = []
    for row in _rows():
        if int(row["year"]) != year:
            continue
        urban, rural, total = _number(row["urban"]), _number(row["rural"]), _number(row["total"])
        inferred = is_city(row["region_en"]) and urban is not None and rural is None
        counts.append(OfficialCount(row["region_en"], row["kato"], urban, 0 if inferred else rural, total, inferred))
    return tuple(counts)


def official_years() -> tuple[int, ...]:
    return tuple(sorted({int(row["year"]) for row in _rows()}))
