"""The national demo data as plain Python values: no database here, so it is fast and testable.

Everything is drawn from random generators with fixed seeds, so every run plans the same
regions, districts, schools and people. The loader (:mod:`shamy.registry.demo.loader`) turns the
plan into rows.

Figures that are real:
- schools per region and per urban/rural: the official 2022/23 counts (``regions.json``);
- about 340,000 teachers (2023/24) and about a third of the schools small-class, nearly all rural;
- Future Schools: 217 planned nationally, 128 of them built.
Everything else (names, pupils, internet, ...) is invented but shaped like the real thing.
"""

from __future__ import annotations

import bisect
import datetime
import json
import math
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from shamy.registry.demo import names
from shamy.registry.demo.districts import DISTRICTS, russian_genitive
from shamy.registry.demo.identifiers import BinGenerator, IinGenerator
from shamy.registry.models import (
    FutureSchool,
    InstructionLanguage,
    Internet,
    Locality,
    Ownership,
    Position,
    QualificationCategory,
)

SEED = 20260101
# The plan describes the 2025/26 school year; a fixed year keeps runs identical.
REFERENCE_YEAR = 2025
NATIONAL_TEACHERS = 340_000
NATIONAL_SCHOOLS = 7_687
FUTURE_SCHOOLS_PLANNED = 217
FUTURE_SCHOOLS_BUILT = 128
OPERATOR_SCHOOLS = 8  # a handful of new schools run by an operator before handing them to the state
# Seed 001: the operator (BINOM schools, built by BI Group) works in the capital, Astana, and Atyrau.
OPERATOR_REGIONS = ("71", "23")
MODERNISED_RURAL_SHARE = 0.78
PEOPLE_EMAIL_DOMAIN = "people.demo.shamy.kz"

_REGIONS_FILE = Path(__file__).with_name("regions.json")


@dataclass(frozen=True)
class RegionFacts:
    kato: str
    kind: str
    name_kk: str
    name_ru: str
    name_en: str
    urban_schools: int
    rural_schools: int
    bbox: tuple[float, float, float, float]  # south, west, north, east


@cache
def region_facts() -> tuple[RegionFacts, ...]:
    """The 20 regions with their 2022/23 school counts, sorted by KATO code."""
    document = json.loads(_REGIONS_FILE.read_text(encoding="utf-8"))
    return tuple(
        RegionFacts(
            kato=row["kato"],
            kind=row["kind"],
            name_kk=row["name_kk"],
            name_ru=row["name_ru"],
            name_en=row["name_en"],
            urban_schools=row["urban_schools_2022"],
            rural_schools=row["rural_schools_2022"],
            bbox=tuple(row["bbox"]),
        )
        for row in sorted(document["regions"], key=lambda row: row["kato"])
    )


def scaled_count(real: int, scale: float) -> int:
    """``real × scale`` rounded half up, but at least 1 where the real count is above 0."""
    if real <= 0:
        return 0
    return max(1, math.floor(real * scale + 0.5))


def allocate_school_counts(regions: tuple[RegionFacts, ...], scale: float) -> dict[str, tuple[int, int]]:
    """Schools to create per region KATO code: ``(urban, rural)``. Exact at scale 1.0."""
    return {
        region.kato: (scaled_count(region.urban_schools, scale), scaled_count(region.rural_schools, scale))
        for region in regions
    }


# --- Regional character -------------------------------------------------------------------------
# Share of rural schools that are small-class: higher in the sparsely settled north and centre.
_SMALL_CLASS_SHARE = {
    "10": 0.55, "11": 0.65, "15": 0.55, "19": 0.35, "23": 0.35, "27": 0.60, "31": 0.30, "33": 0.45,
    "35": 0.60, "39": 0.65, "43": 0.30, "47": 0.30, "55": 0.60, "59": 0.70, "61": 0.25, "62": 0.50,
    "63": 0.60,
}  # fmt: skip
_URBAN_SMALL_CLASS_SHARE = 0.012  # small towns and settlements in the regions
# Languages of instruction (kk, ru, kk_ru, other).
_LANGUAGE_WEIGHTS = {
    "10": (70, 10, 20, 0), "11": (40, 35, 25, 0), "15": (85, 6, 8, 1), "19": (72, 5, 15, 8),
    "23": (90, 4, 6, 0), "27": (75, 10, 15, 0), "31": (80, 7, 10, 3), "33": (70, 8, 20, 2),
    "35": (40, 30, 30, 0), "39": (35, 40, 25, 0), "43": (95, 2, 3, 0), "47": (92, 3, 5, 0),
    "55": (40, 30, 30, 0), "59": (30, 45, 25, 0), "61": (84, 3, 5, 8), "62": (65, 10, 25, 0),
    "63": (45, 30, 25, 0), "71": (60, 15, 25, 0), "75": (50, 20, 28, 2), "79": (70, 8, 12, 10),
}  # fmt: skip
_LANGUAGES = (
    InstructionLanguage.KAZAKH,
    InstructionLanguage.RUSSIAN,
    InstructionLanguage.BOTH,
    InstructionLanguage.OTHER,
)
# Share of teachers with Russian names, by region.
_RUSSIAN_NAMED = {
    "10": 0.15, "11": 0.40, "15": 0.08, "19": 0.08, "23": 0.04, "27": 0.15, "31": 0.06, "33": 0.10,
    "35": 0.40, "39": 0.45, "43": 0.02, "47": 0.04, "55": 0.40, "59": 0.50, "61": 0.03, "62": 0.15,
    "63": 0.40, "71": 0.20, "75": 0.25, "79": 0.05,
}  # fmt: skip
_NORTHERN = {"11", "35", "39", "55", "59", "63"}
_PRIVATE_SCHOOL_NAMES = ("Зерде", "Ақниет", "Жарқын", "Өркениет", "Парасат", "Нұрлы болашақ", "Дарын", "Білімді ел")

_SUBJECT_WEIGHTS = {
    "primary": 22, "kazakh": 12, "russian": 9, "english": 9, "mathematics": 12, "physics": 4, "chemistry": 3,
    "biology": 4, "geography": 3, "history": 5, "informatics": 4, "physical_education": 7, "arts": 3,
    "technology": 2, "self_knowledge": 1,
}  # fmt: skip
_PRIMARY_SCHOOL_SUBJECTS = {"primary": 70, "kazakh": 8, "russian": 6, "english": 6, "physical_education": 6, "arts": 4}
_QUALIFICATION_WEIGHTS = {
    QualificationCategory.NONE: 12,
    QualificationCategory.TEACHER: 30,
    QualificationCategory.MODERATOR: 24,
    QualificationCategory.EXPERT: 18,
    QualificationCategory.RESEARCHER: 14,
    QualificationCategory.MASTER: 2,
}
_PRINCIPAL_QUALIFICATION_WEIGHTS = {
    QualificationCategory.MODERATOR: 15,
    QualificationCategory.EXPERT: 40,
    QualificationCategory.RESEARCHER: 38,
    QualificationCategory.MASTER: 7,
}
_PHONE_PREFIXES = ("701", "702", "705", "707", "708", "747", "771", "775", "776", "777", "778")


@dataclass
class DistrictPlan:
    index: int
    region_kato: str
    kato: str
    name_kk: str
    name_ru: str
    name_en: str
    is_city: bool
    centre: tuple[float, float]
    # Village name → [its settlement number within the district, schools named after it so far].
    villages: dict[str, list[int]] = field(default_factory=dict)


@dataclass
class SchoolPlan:
    index: int
    region_kato: str
    district_index: int
    locality: str
    name_kk: str = ""
    name_ru: str = ""
    kato: str = ""
    bin: str | None = None
    is_small_class: bool = False
    language: str = InstructionLanguage.KAZAKH
    grade_from: int = 1
    grade_to: int = 11
    pupils: int = 0
    teachers: int = 0
    internet: str = Internet.NONE
    internet_connected_on: datetime.date | None = None
    modernised_year: int | None = None
    ownership: str = Ownership.STATE
    handover_on: datetime.date | None = None
    future_school: str = FutureSchool.NONE
    future_school_planned_year: int | None = None
    future_school_built_year: int | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    # In a synthetic copy (scale above 1): the real region it copies, whose character its people share.
    copy_of_kato: str = ""

    @property
    def external_id(self) -> str:
        return f"DEMO-{self.index:05d}"


@dataclass
class DemoPlan:
    scale: float
    districts: list[DistrictPlan]
    schools: list[SchoolPlan]
    # The real regions, then those of the synthetic copies (scale above 1).
    regions: tuple[RegionFacts, ...] = ()

    @property
    def teachers(self) -> int:
        return sum(school.teachers for school in self.schools)


def seeded_random(*parts: object) -> random.Random:
    # String seeds are hashed with SHA-512, so they do not depend on PYTHONHASHSEED.
    return random.Random(":".join(str(part) for part in [SEED, *parts]))  # noqa: S311 (synthetic data, not secrets)


def _weighted(rng: random.Random, weights: dict[Any, int] | dict[Any, float]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _point_in(
    rng: random.Random, bbox: tuple[float, float, float, float], centre: tuple[float, float], spread: float
) -> tuple[Decimal, Decimal]:
    south, west, north, east = bbox
    latitude = min(max(rng.gauss(centre[0], spread), south), north)
    longitude = min(max(rng.gauss(centre[1], spread), west), east)
    return Decimal(f"{latitude:.5f}"), Decimal(f"{longitude:.5f}")


def _kazakh_genitive(name_kk: str) -> str:
    # Every place name here ends in a vowel or "н" ("облысы", "ауданы", "қаласы", "аудан").
    return name_kk + "ның"


def _plan_districts(region: RegionFacts, rng: random.Random, first_index: int) -> list[DistrictPlan]:
    south, west, north, east = region.bbox
    plans = []
    for position, district in enumerate(DISTRICTS[region.kato]):
        margin_lat, margin_lon = (north - south) * 0.1, (east - west) * 0.1
        centre = (
            rng.uniform(south + margin_lat, north - margin_lat),
            rng.uniform(west + margin_lon, east - margin_lon),
        )
        plans.append(
            DistrictPlan(
                index=first_index + position,
                region_kato=region.kato,
                kato=f"{region.kato}{10 + 2 * position:02d}00",
                name_kk=district.name_kk,
                name_ru=district.name_ru,
                name_en=district.name_en,
                is_city=district.is_city or region.kind == "city",
                centre=centre,
            )
        )
    return plans


def _grades_and_pupils(rng: random.Random, school: SchoolPlan) -> None:
    if school.is_small_class:
        school.grade_to = _weighted(rng, {4: 25, 9: 40, 11: 35})
        low, high, mode = {4: (5, 40, 15), 9: (12, 100, 40), 11: (30, 150, 80)}[school.grade_to]
        school.pupils = round(rng.triangular(low, high, mode))
    elif school.locality == Locality.RURAL:
        school.grade_to = _weighted(rng, {11: 88, 9: 12})
        school.pupils = min(max(round(math.exp(rng.gauss(math.log(400), 0.55))), 151), 2000)
    else:
        school.grade_from, school.grade_to = _weighted(rng, {(1, 11): 95, (1, 4): 3, (5, 11): 2})
        centre = 550 if school.grade_to == 4 else 1000
        school.pupils = min(max(round(rng.gauss(centre, centre * 0.45)), 250), 3200)


def _raw_teachers(school: SchoolPlan) -> float:
    if school.is_small_class:
        return {4: 4, 9: 9, 11: 12}[school.grade_to] + school.pupils / 12
    if school.locality == Locality.RURAL:
        return 5 + school.pupils / 10
    return 5 + school.pupils / 15


def _minimum_staff(school: SchoolPlan) -> int:
    return {4: 3, 9: 7, 11: 9}.get(school.grade_to, 9) if school.is_small_class else 12


def _infrastructure(rng: random.Random, school: SchoolPlan) -> None:
    if school.locality == Locality.URBAN:
        weights = {Internet.HIGH_SPEED: 80, Internet.BASIC: 18, Internet.NONE: 2}
    elif school.is_small_class:
        weights = {Internet.HIGH_SPEED: 20, Internet.BASIC: 55, Internet.NONE: 25}
    else:
        weights = {Internet.HIGH_SPEED: 45, Internet.BASIC: 45, Internet.NONE: 10}
    school.internet = _weighted(rng, weights)
    if school.internet != Internet.NONE:
        year = rng.randint(2016, REFERENCE_YEAR) if school.internet == Internet.HIGH_SPEED else rng.randint(2006, 2020)
        school.internet_connected_on = datetime.date(year, rng.randint(1, 12), rng.randint(1, 28))
    # "Over 4,000 rural schools have had their material and technical base modernised over the past
    # four years" (seed 004): 78 % of the 5,260 rural schools, about 4,100, in 2021–2024 (the
    # national target "rural_modernised_4000" counts the same four years).
    if school.locality == Locality.RURAL:
        if rng.random() < MODERNISED_RURAL_SHARE:
            school.modernised_year = rng.randint(2021, 2024)
        elif rng.random() < 0.5:
            school.modernised_year = rng.randint(1995, 2020)
    elif rng.random() < 0.55:
        school.modernised_year = rng.randint(2005, REFERENCE_YEAR)


def _name_school(
    rng: random.Random, school: SchoolPlan, district: DistrictPlan, region: RegionFacts, numbers: dict[str, int]
) -> None:
    if school.locality == Locality.URBAN:
        _name_urban_school(rng, school, district, region, numbers)
    else:
        _name_rural_school(rng, school, district)


_URBAN_KINDS = (
    # (weight, Kazakh noun with possessive ending, Russian noun)
    (70, "жалпы білім беретін мектебі", "Общеобразовательная школа"),
    (15, "мектеп-гимназиясы", "Школа-гимназия"),
    (10, "мектеп-лицейі", "Школа-лицей"),
    (5, "гимназиясы", "Гимназия"),
)


def _name_urban_school(
    rng: random.Random, school: SchoolPlan, district: DistrictPlan, region: RegionFacts, numbers: dict[str, int]
) -> None:
    # Schools in Astana, Almaty and Shymkent are numbered city-wide; elsewhere per town or district.
    if region.kind == "city":
        place_kk, place_ru, counter_key = region.name_kk, region.name_ru, f"city:{region.kato}"
    else:
        place_kk, place_ru, counter_key = district.name_kk, district.name_ru, f"district:{district.kato}"
    place_kk_genitive, place_ru_genitive = _kazakh_genitive(place_kk), russian_genitive(place_ru)
    school.kato = district.kato + "000"
    if school.ownership == Ownership.PRIVATE:
        brand = rng.choice(_PRIVATE_SCHOOL_NAMES)
        school.name_kk = f"{place_kk_genitive} «{brand}» жеке мектебі"
        school.name_ru = f"Частная школа «{brand}» {place_ru_genitive}"
        return
    # Mostly consecutive numbers, with the gaps closed or merged schools leave.
    number = numbers[counter_key] = numbers.get(counter_key, 0) + (2 if rng.random() < 0.15 else 1)
    weights = [kind[0] for kind in _URBAN_KINDS]
    _, noun_kk, noun_ru = rng.choices(_URBAN_KINDS, weights=weights)[0]
    if school.grade_to == 4:
        noun_kk, noun_ru = "бастауыш мектебі", "Начальная школа"
    school.name_kk = f"{place_kk_genitive} №{number} {noun_kk}"
    school.name_ru = f"{noun_ru} №{number} {place_ru_genitive}"


def _name_rural_school(rng: random.Random, school: SchoolPlan, district: DistrictPlan) -> None:
    russian_share = 0.45 if district.region_kato in _NORTHERN else 0.04
    for _ in range(6):
        if rng.random() < russian_share:
            village_kk = village_ru = rng.choice(names.RUSSIAN_VILLAGES)
        else:
            village_kk = rng.choice(names.KAZAKH_VILLAGES)
            village_ru = names.kazakh_to_russian(village_kk)
        if village_kk not in district.villages:
            break
    village = district.villages.setdefault(village_kk, [len(district.villages) + 1, 0])
    village[1] += 1
    # A second school in the same village is told apart by a number, as real ones are.
    number = f"№{village[1]} " if village[1] > 1 else ""
    school.kato = f"{district.kato}{village[0] % 1000:03d}"
    if school.grade_to == 4:
        school.name_kk = f"{village_kk} ауылының {number}бастауыш мектебі"
        school.name_ru = f"Начальная школа {number}села {village_ru}"
    elif school.grade_to == 9:
        school.name_kk = f"{village_kk} ауылының {number}негізгі орта мектебі"
        school.name_ru = f"Основная средняя школа {number}села {village_ru}"
    elif rng.random() < 0.25:
        namesake_kk, namesake_ru = rng.choice(names.SCHOOL_NAMESAKES)
        school.name_kk = f"{village_kk} ауылының {namesake_kk} атындағы {number}жалпы білім беретін мектебі"
        school.name_ru = f"Общеобразовательная школа {number}имени {namesake_ru} села {village_ru}"
    else:
        school.name_kk = f"{village_kk} ауылының {number}жалпы білім беретін мектебі"
        school.name_ru = f"Общеобразовательная школа {number}села {village_ru}"


def build_plan(scale: float = 1.0, today: datetime.date | None = None) -> DemoPlan:
    """Plan every district and school at ``scale`` (1.0 = the whole country); ``today`` (default:
    the real date) decides which operator schools have been handed over.

    Above 1 (up to :data:`MAX_SCALE`), the whole country comes first, exactly as at 1.0, then
    synthetic copies of it (:func:`synthetic_regions`): copy 2 holds a full country's worth of
    schools, each further copy likewise, the last one ``scale`` minus its number plus one of it.
    They stand in for a larger deployment (the issue's four countries) so page costs can be measured
    as the data grows; every name in them says it is a synthetic copy.
    """
    if not 0 < scale <= MAX_SCALE:
        raise ValueError(f"The scale must be above 0 and at most {MAX_SCALE}.")
    today = today or datetime.date.today()
    rng = seeded_random("schools")
    bins = BinGenerator(seeded_random("bins"), first_year=1996, last_year=2019)
    plan = _plan_country(region_facts(), min(scale, 1.0), rng, bins, today)
    copy = 2
    while scale > copy - 1:
        share = min(1.0, scale - (copy - 1))
        taken = [school.bin for school in plan.schools]
        copy_bins = BinGenerator(seeded_random("bins", "copy", copy), first_year=1996, last_year=2019, taken=taken)
        extra = _plan_country(region_facts(), share, seeded_random("schools", "copy", copy), copy_bins, today)
        _mark_synthetic(extra, copy, first_district=len(plan.districts), first_school=len(plan.schools))
        plan.districts.extend(extra.districts)
        plan.schools.extend(extra.schools)
        copy += 1
    plan.scale = scale
    plan.regions = region_facts() + tuple(region for number in range(2, copy) for region in synthetic_regions(number))
    return plan


def _plan_country(
    regions: tuple[RegionFacts, ...],
    scale: float,
    rng: random.Random,
    bins: BinGenerator,
    today: datetime.date,
) -> DemoPlan:
    """One country's districts and schools at ``scale`` (at most 1), numbered from 0 and 1."""
    counts = allocate_school_counts(regions, scale)
    districts: list[DistrictPlan] = []
    schools: list[SchoolPlan] = []
    numbers: dict[str, int] = {}
    small_factor = _small_class_factor(regions)
    for region in regions:
        region_districts = _plan_districts(region, rng, len(districts))
        districts.extend(region_districts)
        n_urban, n_rural = counts[region.kato]
        towns = [d for d in region_districts if d.is_city]
        rural_districts = [d for d in region_districts if not d.is_city]
        if region.kind == "city":
            urban_weights = {d.index: rng.uniform(0.6, 1.4) for d in region_districts}
        else:
            # The regional centre holds most town schools; district centres have a few each.
            urban_weights = {d.index: (6.0 if position == 0 else 1.5) for position, d in enumerate(towns)}
            urban_weights.update({d.index: 0.5 for d in rural_districts})
        rural_weights = {d.index: rng.uniform(0.6, 1.4) for d in rural_districts}
        small_rural = min(n_rural, round(n_rural * _SMALL_CLASS_SHARE.get(region.kato, 0) * small_factor))
        small_urban = round(n_urban * _URBAN_SMALL_CLASS_SHARE) if region.kind == "region" else 0
        small_rural_indices = set(rng.sample(range(n_rural), small_rural))
        small_urban_indices = set(rng.sample(range(n_urban), small_urban))
        region_schools: list[SchoolPlan] = []
        for locality, count, weights, small in (
            (Locality.URBAN, n_urban, urban_weights, small_urban_indices),
            (Locality.RURAL, n_rural, rural_weights, small_rural_indices),
        ):
            for position in range(count):
                district_index = rng.choices(list(weights), weights=list(weights.values()))[0]
                school = SchoolPlan(
                    index=len(schools) + len(region_schools) + 1,
                    region_kato=region.kato,
                    district_index=district_index,
                    locality=locality,
                    is_small_class=position in small,
                )
                region_schools.append(school)
        for school in region_schools:
            district = districts[school.district_index]
            school.language = rng.choices(_LANGUAGES, weights=_LANGUAGE_WEIGHTS[region.kato])[0]
            _grades_and_pupils(rng, school)
            _infrastructure(rng, school)
            if school.locality == Locality.URBAN:
                private_share = 0.08 if region.kind == "city" else 0.02
            else:
                private_share = 0.002
            if rng.random() < private_share:
                school.ownership = Ownership.PRIVATE
            _name_school(rng, school, district, region, numbers)
            if rng.random() < 0.93:
                school.bin = bins.make()
            if rng.random() < 0.9:
                spread = 0.03 if district.is_city else 0.25
                school.latitude, school.longitude = _point_in(rng, region.bbox, district.centre, spread)
        schools.extend(region_schools)
    _assign_operators(rng, schools, scale, today)
    _assign_future_schools(rng, schools, scale)
    _assign_teachers(schools)
    return DemoPlan(scale=scale, districts=districts, schools=schools)


# --- Synthetic copies (scale above 1) ----------------------------------------------------------

MAX_SCALE = 5
_REAL_KATO = {"10", "11", "15", "19", "23", "27", "31", "33", "35", "39", "43", "47", "55", "59", "61", "62", "63",
              "71", "75", "79"}  # fmt: skip
# Two-digit codes no real region uses, from 80 up and then the gaps: 80 of them, four copies' worth.
_FREE_KATO = tuple(
    code for code in [f"{n:02d}" for n in range(80, 100)] + [f"{n:02d}" for n in range(80)] if code not in _REAL_KATO
)
SYNTHETIC_MARK = {
    "kk": " (синтетикалық көшірме {copy})",
    "ru": " (синтетическая копия {copy})",
    "en": " (synthetic copy {copy})",
}


def synthetic_kato(real_kato: str, copy: int) -> str:
    """The KATO code of copy ``copy`` (2, 3, ...) of the real region ``real_kato``: a code no real
    region has, so districts and schools (whose codes start with it) stay unique too."""
    kato = sorted(_REAL_KATO)
    return _FREE_KATO[(copy - 2) * len(kato) + kato.index(real_kato)]


@cache
def synthetic_regions(copy: int) -> tuple[RegionFacts, ...]:
    """The 20 regions of synthetic copy ``copy``: real counts and shapes, invented codes, marked names."""
    return tuple(
        replace(
            region,
            kato=synthetic_kato(region.kato, copy),
            name_kk=region.name_kk + SYNTHETIC_MARK["kk"].format(copy=copy),
            name_ru=region.name_ru + SYNTHETIC_MARK["ru"].format(copy=copy),
            name_en=region.name_en + SYNTHETIC_MARK["en"].format(copy=copy),
        )
        for region in region_facts()
    )


def _mark_synthetic(plan: DemoPlan, copy: int, *, first_district: int, first_school: int) -> None:
    """Move a country's plan into synthetic copy ``copy``: its own region codes (so every district and
    school code is new), indexes after the real country's (so external ids and people differ), and
    the copy's mark after every name."""
    kk, ru, en = (SYNTHETIC_MARK[language].format(copy=copy) for language in ("kk", "ru", "en"))
    for district in plan.districts:
        new_region = synthetic_kato(district.region_kato, copy)
        district.index += first_district
        district.kato = new_region + district.kato[2:]
        district.region_kato = new_region
        district.name_kk += kk
        district.name_ru += ru
        district.name_en += en
    for school in plan.schools:
        new_region = synthetic_kato(school.region_kato, copy)
        school.index += first_school
        school.district_index += first_district
        school.kato = new_region + school.kato[2:]
        school.copy_of_kato = school.region_kato
        school.region_kato = new_region
        school.name_kk += kk
        school.name_ru += ru


def _small_class_factor(regions: tuple[RegionFacts, ...]) -> float:
    """Stretch the regional shares so that a third of all schools nationally are small-class."""
    total = sum(region.urban_schools + region.rural_schools for region in regions)
    urban_small = sum(
        round(region.urban_schools * _URBAN_SMALL_CLASS_SHARE) for region in regions if region.kind == "region"
    )
    rural_small = sum(region.rural_schools * _SMALL_CLASS_SHARE.get(region.kato, 0) for region in regions)
    return (round(total / 3) - urban_small) / rural_small


def _assign_operators(rng: random.Random, schools: list[SchoolPlan], scale: float, today: datetime.date) -> None:
    """New schools built and run by the operator for five years, then handed to the state: a school
    whose handover date has passed by ``today`` is state-run again (it keeps its handover date)."""
    candidates = [
        s
        for s in schools
        if s.locality == Locality.URBAN
        and s.region_kato in OPERATOR_REGIONS
        and s.ownership == Ownership.STATE
        and s.grade_to == 11
    ]
    for school in rng.sample(candidates, min(len(candidates), scaled_count(OPERATOR_SCHOOLS, scale))):
        opened = rng.randint(2021, REFERENCE_YEAR)
        school.handover_on = datetime.date(opened + 5, 9, 1)
        school.ownership = Ownership.OPERATOR if school.handover_on > today else Ownership.STATE
        school.modernised_year = opened
        school.internet = Internet.HIGH_SPEED
        school.internet_connected_on = datetime.date(opened, 8, rng.randint(1, 28))


def _assign_future_schools(rng: random.Random, schools: list[SchoolPlan], scale: float) -> None:
    candidates = [s for s in schools if s.ownership == Ownership.STATE and not s.is_small_class and s.pupils >= 400]
    planned = min(len(candidates), scaled_count(FUTURE_SCHOOLS_PLANNED, scale))
    built = min(planned, scaled_count(FUTURE_SCHOOLS_BUILT, scale))
    chosen = rng.sample(candidates, planned)
    under_construction = (planned - built) * 3 // 5
    for position, school in enumerate(chosen):
        if position < built:
            school.future_school = FutureSchool.BUILT
            school.future_school_built_year = rng.randint(2023, REFERENCE_YEAR)
            school.future_school_planned_year = school.future_school_built_year - rng.randint(0, 1)
            school.modernised_year = school.future_school_built_year
        elif position < built + under_construction:
            school.future_school = FutureSchool.UNDER_CONSTRUCTION
            school.future_school_planned_year = rng.randint(REFERENCE_YEAR, REFERENCE_YEAR + 1)
        else:
            school.future_school = FutureSchool.PLANNED
            school.future_school_planned_year = rng.randint(REFERENCE_YEAR + 1, REFERENCE_YEAR + 2)


def _assign_teachers(schools: list[SchoolPlan]) -> None:
    """Teachers ≈ pupils / 10–15 plus minimum staff, scaled to the national 340,000."""
    raw = [_raw_teachers(school) for school in schools]
    target = NATIONAL_TEACHERS * len(schools) / NATIONAL_SCHOOLS
    factor = target / sum(raw)
    for school, value in zip(schools, raw, strict=True):
        school.teachers = max(_minimum_staff(school), round(value * factor))


# --- People -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonPlan:
    fields: dict[str, Any]  # keyword arguments for Person
    position: str
    starts_on: datetime.date


def _table(weights: dict[Any, int] | dict[Any, float]) -> tuple[tuple[Any, ...], tuple[float, ...]]:
    """Values and cumulative weights normalised to 1, for :func:`_draw`."""
    total = sum(weights.values())
    cumulative, running = [], 0.0
    for weight in weights.values():
        running += weight / total
        cumulative.append(running)
    return tuple(weights), tuple(cumulative)


def _draw(random_value: float, table: tuple[tuple[Any, ...], tuple[float, ...]]) -> Any:
    values, cumulative = table
    return values[min(bisect.bisect(cumulative, random_value), len(values) - 1)]


def _pick(random_value: float, values: tuple[Any, ...]) -> Any:
    return values[int(random_value * len(values))]


_SUBJECTS_TABLE = _table(_SUBJECT_WEIGHTS)
_PRIMARY_SUBJECTS_TABLE = _table(_PRIMARY_SCHOOL_SUBJECTS)
_QUALIFICATION_TABLE = _table(_QUALIFICATION_WEIGHTS)
_PRINCIPAL_QUALIFICATION_TABLE = _table(_PRINCIPAL_QUALIFICATION_WEIGHTS)


def _birth_date(random: Callable[[], float], first_year: int, last_year: int, mode: int) -> datetime.date:
    # A triangular distribution: most teachers are in mid-career, few are very young or old.
    low, high = first_year, last_year
    cut = (mode - low) / (high - low)
    value = random()
    if value < cut:
        year = low + math.sqrt(value * (high - low) * (mode - low))
    else:
        year = high - math.sqrt((1 - value) * (high - low) * (high - mode))
    return datetime.date(round(year), 1 + int(random() * 12), 1 + int(random() * 28))


def _person_name(random: Callable[[], float], *, russian: bool, female: bool) -> tuple[str, str, str]:
    if russian:
        surname = _pick(random(), names.RUSSIAN_SURNAMES)[1 if female else 0]
        given = _pick(random(), names.RUSSIAN_FEMALE_GIVEN if female else names.RUSSIAN_MALE_GIVEN)
        patronymic = _pick(random(), names.RUSSIAN_PATRONYMICS)[1 if female else 0]
    else:
        surname = _pick(random(), names.KAZAKH_SURNAMES) + ("а" if female else "")
        given = _pick(random(), names.KAZAKH_FEMALE_GIVEN if female else names.KAZAKH_MALE_GIVEN)
        patronymic = _pick(random(), names.KAZAKH_FATHERS) + ("қызы" if female else "ұлы")
    return surname, given, patronymic


def _russian_named_share(school: SchoolPlan) -> float:
    base = _RUSSIAN_NAMED[school.copy_of_kato or school.region_kato]
    if school.language == InstructionLanguage.RUSSIAN:
        return min(0.8, 0.25 + base * 1.2)
    if school.language == InstructionLanguage.BOTH:
        return base
    if school.language == InstructionLanguage.KAZAKH:
        return base * 0.15
    return 0.05


def people_for_school(school: SchoolPlan, iins: IinGenerator) -> Iterator[PersonPlan]:
    """The principal, then ``school.teachers`` teachers. Same school, same people, every run.

    Called for some 348,000 people, so it draws with ``random()`` and lookup tables rather than
    the slower ``choices``/``randint``.
    """
    rng = seeded_random("people", school.index)
    random = rng.random
    russian_share = _russian_named_share(school)
    subjects_table = _PRIMARY_SUBJECTS_TABLE if school.grade_to == 4 else _SUBJECTS_TABLE
    two_subjects_share = 0.45 if school.is_small_class else 0.0
    other_language = school.language == InstructionLanguage.OTHER
    for number in range(school.teachers + 1):
        principal = number == 0
        female = random() < (0.6 if principal else 0.82)
        russian = random() < russian_share
        surname, given, patronymic = _person_name(random, russian=russian, female=female)
        birth = _birth_date(random, 1960, 1985, 1972) if principal else _birth_date(random, 1958, 2002, 1982)
        subjects = [_draw(random(), subjects_table)]
        if random() < two_subjects_share:
            second = _draw(random(), subjects_table)
            if second != subjects[0]:
                subjects.append(second)
        if russian:
            languages = ["ru", "kk"] if random() < 0.3 else ["ru"]
        else:
            languages = ["kk", "ru"] if random() < 0.85 else ["kk"]
        if "english" in subjects:
            languages.append("en")
        if other_language and random() < 0.5:
            languages.append("other")
        fields: dict[str, Any] = {
            "surname": surname,
            "given_name": given,
            "patronymic": patronymic,
            "iin": iins.make(rng, birth, female=female) if principal or random() < 0.97 else None,
            "languages": languages,
            "subjects": subjects,
            "qualification": _draw(random(), _PRINCIPAL_QUALIFICATION_TABLE if principal else _QUALIFICATION_TABLE),
            "email": "",
            "phone": "",
        }
        if principal or random() < 0.3:
            login = f"{names.latin(given)[0]}.{names.latin(surname)}{1 + int(random() * 999)}"
            fields["email"] = f"{login}@{PEOPLE_EMAIL_DOMAIN}"
        if principal or random() < 0.45:
            fields["phone"] = (
                f"+7 {_pick(random(), _PHONE_PREFIXES)} {100 + int(random() * 900)} "
                f"{10 + int(random() * 90)} {10 + int(random() * 90)}"
            )
        career_start = min(birth.year + 21 + int(random() * 5), REFERENCE_YEAR)
        first_year = min(max(career_start + 8, 2005), REFERENCE_YEAR) if principal else max(career_start, 1985)
        year = first_year + int(random() * (REFERENCE_YEAR - first_year + 1))
        starts_on = datetime.date(year, 9, 1) if random() < 0.7 else datetime.date(year, 1 + int(random() * 8), 15)
        yield PersonPlan(fields, Position.PRINCIPAL if principal else Position.TEACHER, starts_on)
