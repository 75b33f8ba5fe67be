"""The registry's import kinds: regions, districts, schools and people.

Regions and districts are how a system administrator creates a partner country's registry
(Kyrgyzstan, Tajikistan, Uzbekistan: issue 17); the schools import then takes a country column, so
that a region named by its code or name is looked up in that country (Kazakhstan when empty).
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Iterator
from typing import Any, ClassVar

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shamy.access.context import Actor
from shamy.accounts.models import User
from shamy.core.countries import HOME_COUNTRY, REGISTRY_COUNTRIES, Country
from shamy.core.text import search_key
from shamy.imports import cells
from shamy.imports.base import CREATE, UNCHANGED, UPDATE, Column, Importer, Row
from shamy.imports.kinds import register
from shamy.registry.models import (
    PERSON_LANGUAGES,
    SUBJECTS,
    District,
    Employment,
    FutureSchool,
    InstructionLanguage,
    Internet,
    Locality,
    Organisation,
    Ownership,
    Person,
    Position,
    QualificationCategory,
    Region,
    School,
)
from shamy.registry.permissions import can_import_registry
from shamy.registry.services.people import (
    employment_create,
    employment_create_many,
    person_create,
    person_create_many,
    person_update,
)
from shamy.registry.services.places import district_create, district_update, region_create, region_update
from shamy.registry.services.schools import school_create, school_create_many, school_update
from shamy.registry.validators import validate_bin, validate_iin

# Lookups of many keys are split so no query exceeds the databases' parameter limits.
CHUNK = 500


def _chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    items = sorted(set(values))
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _same(current: Any, new: Any) -> bool:
    if hasattr(current, "pk") or hasattr(new, "pk"):
        return getattr(current, "pk", current) == getattr(new, "pk", new)
    return bool(current == new)


def _changes(target: Any, fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if not _same(getattr(target, name), value)}


def _defaults(model: Any) -> dict[str, Any]:
    return {field.name: field.get_default() for field in model._meta.concrete_fields if not field.primary_key}


def _existing_schools() -> Any:
    return School.objects.select_related("region", "district", "operator")


def _school_key_lookup(rows: list[Row], column: str) -> tuple[dict[str, School], dict[str, School]]:
    """Schools named in ``column`` by BIN or external ID, keyed both ways."""
    references = {row.values[column] for row in rows if row.values.get(column)}
    by_bin: dict[str, School] = {}
    by_external: dict[str, School] = {}
    for chunk in _chunks(references):
        for school in School.objects.filter(Q(bin__in=chunk) | Q(external_id__in=chunk)).only(
            "id", "bin", "external_id", "name_kk", "name_ru"
        ):
            if school.bin:
                by_bin[school.bin] = school
            if school.external_id:
                by_external[school.external_id] = school
    return by_bin, by_external


def _match(
    row: Row,
    *,
    key_column: str,
    by_external: dict[str, Any],
    by_key: dict[str, Any],
    missing_message: Any,
    conflict_message: Any,
    other_external_message: Any,
) -> Any:
    """The existing record for ``row``, by external ID first and then by BIN or IIN."""
    external_id = row.values.get("external_id")
    key = row.values.get(key_column)
    if not external_id and not key:
        if "external_id" not in {problem.column for problem in row.errors} and key_column not in {
            problem.column for problem in row.errors
        }:
            row.error(key_column, missing_message)
        return None
    found_by_external = by_external.get(external_id) if external_id else None
    found_by_key = by_key.get(key) if key else None
    if found_by_external and found_by_key and found_by_external.pk != found_by_key.pk:
        row.error(key_column, conflict_message)
        return None
    if found_by_key and not found_by_external and external_id and found_by_key.external_id:
        row.error("external_id", other_external_message, {"other": found_by_key.external_id})
        return None
    return found_by_external or found_by_key


# Short forms people write for languages, besides the labels in Kazakh, Russian and English.
KAZAKH_WORDS = ("қазақ", "қазақша", "қаз", "казахский язык", "каз", "kaz", "kazakh language")
RUSSIAN_WORDS = ("орыс", "орысша", "орыс тілінде", "русский язык", "рус", "rus", "russian language")
INSTRUCTION_LANGUAGE_ALIASES: dict[str, str] = {
    **dict.fromkeys(KAZAKH_WORDS, "kk"),
    **dict.fromkeys(RUSSIAN_WORDS, "ru"),
    **dict.fromkeys(
        ("аралас", "смешанный", "смешанная", "mixed", "қазақ-орыс", "казахско-русский", "kk+ru", "kk/ru", "kk-ru"),
        "kk_ru",
    ),
}
PERSON_LANGUAGE_ALIASES: dict[str, str] = {
    **dict.fromkeys(KAZAKH_WORDS, "kk"),
    **dict.fromkeys(RUSSIAN_WORDS, "ru"),
    **dict.fromkeys(("ағылшын", "ағылшынша", "английский язык", "англ", "eng"), "en"),
}

COUNTRY_CHOICES = [(code, label) for code, label in Country.choices if code in REGISTRY_COUNTRIES]


def _country_column() -> Column:
    return Column(
        "country",
        _("Country"),
        cells.choice(COUNTRY_CHOICES),
        help_text=_("The country whose registry the row belongs to; Kazakhstan when empty."),
    )


def _regions_by_key(regions: Iterable[Region]) -> dict[tuple[str, str], Region]:
    """Regions keyed by (country, code or name in any case): the region's own code, its code
    padded to nine digits (a Kazakh KATO code) and its names."""
    regions = list(regions)
    by_key: dict[tuple[str, str], Region] = {}
    for region in regions:
        for name in (region.name_kk, region.name_ru, region.name_en):
            if name:
                by_key[(region.country, search_key(name))] = region
    for region in regions:
        by_key[(region.country, region.kato)] = region
        by_key[(region.country, region.kato + "0000000")] = region
    return by_key


@register
class RegionImporter(Importer):
    kind = "regions"
    label = _("Regions")
    description = _(
        "Creates a country's first-level units (regions, oblasts, cities of republican significance). Rows are "
        "matched by country and code; a matched row with the same values changes nothing."
    )
    columns: ClassVar[tuple[Column, ...]] = (
        Column("country", _("Country"), cells.choice(COUNTRY_CHOICES), required=True),
        Column(
            "kato",
            _("Code"),
            cells.integer(1, 99),
            required=True,
            aliases=("KATO", "КАТО", "СОАТЕ", "SOATO"),
            help_text=_("The region's two-digit code in its country's classifier."),
        ),
        Column("name_kk", _("Name in Kazakh"), cells.text(200), required=True),
        Column("name_ru", _("Name in Russian"), cells.text(200), required=True),
        Column("name_en", _("Name in English"), cells.text(200), required=True),
        Column("kind", _("Kind"), cells.choice(Region.Kind.choices)),
    )

    def allowed(self, user: Actor) -> bool:
        return can_import_registry(user)

    def summary(self, row: Row) -> str:
        return row.cells.get("name_kk") or row.cells.get("name_ru") or ""

    def resolve(self, rows: list[Row]) -> None:
        countries = {row.values["country"] for row in rows if row.values.get("country")}
        existing = {(r.country, r.kato): r for r in Region.objects.filter(country__in=sorted(countries))}
        seen: set[tuple[str, str]] = set()
        for row in rows:
            if row.errors:
                continue
            key = (row.values["country"], f"{row.values['kato']:02d}")
            if key in seen:
                row.error("kato", _("Another row of this file has the same country and code."))
                continue
            seen.add(key)
            fields: dict[str, Any] = {
                name: row.values[name]
                for name in ("country", "name_kk", "name_ru", "name_en", "kind")
                if name in row.values
            }
            fields["kato"] = key[1]
            target = existing.get(key)
            if target is None:
                row.action, row.changes = CREATE, fields
            else:
                row.target = target
                row.changes = _changes(target, fields)
                row.action = UPDATE if row.changes else UNCHANGED

    def apply(self, *, actor: User, row: Row) -> None:
        if row.action == CREATE:
            region_create(actor=actor, fields=row.changes)
        elif row.action == UPDATE:
            region_update(actor=actor, region=row.target, changes=row.changes)


@register
class DistrictImporter(Importer):
    kind = "districts"
    label = _("Districts")
    description = _(
        "Creates the districts of regions that exist (import the regions first). Rows are matched by code; a "
        "matched row with the same values changes nothing."
    )
    unique_columns = ("kato",)
    columns: ClassVar[tuple[Column, ...]] = (
        _country_column(),
        Column("region", _("Region"), cells.text(200), required=True, help_text=_("Code or name of the region.")),
        Column(
            "kato",
            _("Code"),
            cells.code(9),
            required=True,
            aliases=("KATO", "КАТО", "СОАТЕ", "SOATO"),
            help_text=_("The district's code in its country's classifier, unique in the registry."),
        ),
        Column("name_kk", _("Name in Kazakh"), cells.text(200), required=True),
        Column("name_ru", _("Name in Russian"), cells.text(200), required=True),
        Column("name_en", _("Name in English"), cells.text(200)),
        Column("is_city", _("City of regional significance"), cells.boolean),
    )

    def allowed(self, user: Actor) -> bool:
        return can_import_registry(user)

    def summary(self, row: Row) -> str:
        return row.cells.get("name_kk") or row.cells.get("name_ru") or ""

    def resolve(self, rows: list[Row]) -> None:
        countries = sorted({row.values.get("country") or HOME_COUNTRY for row in rows})
        regions = _regions_by_key(Region.objects.filter(country__in=countries))
        existing: dict[str, District] = {}
        for chunk in _chunks(row.values["kato"] for row in rows if row.values.get("kato")):
            existing.update({d.kato: d for d in District.objects.filter(kato__in=chunk)})
        for row in rows:
            if row.errors:
                continue
            country = row.values.get("country") or HOME_COUNTRY
            region = regions.get((country, search_key(row.values["region"])))
            if region is None:
                row.error("region", _("No region of this country has this code or name."))
                continue
            fields: dict[str, Any] = {
                name: row.values[name]
                for name in ("kato", "name_kk", "name_ru", "name_en", "is_city")
                if name in row.values
            }
            fields["region"] = region
            target = existing.get(row.values["kato"])
            if target is None:
                row.action, row.changes = CREATE, fields
            else:
                row.target = target
                row.changes = _changes(target, fields)
                row.action = UPDATE if row.changes else UNCHANGED

    def apply(self, *, actor: User, row: Row) -> None:
        if row.action == CREATE:
            district_create(actor=actor, fields=row.changes)
        elif row.action == UPDATE:
            district_update(actor=actor, district=row.target, changes=row.changes)


@register
class SchoolImporter(Importer):
    kind = "schools"
    label = _("Schools")
    description = _(
        "Rows are matched to schools by external ID, then by BIN; a matched row with the same values changes "
        "nothing. Empty cells leave the current value as it is."
    )
    unique_columns = ("external_id", "bin")
    columns: ClassVar[tuple[Column, ...]] = (
        Column(
            "external_id", _("External ID"), cells.code(64), help_text=_("Your system's identifier for the school.")
        ),
        Column("bin", _("BIN"), cells.identifier(validate_bin), aliases=("БИН", "БСН")),
        Column("name_kk", _("Name in Kazakh"), cells.text(300), required=True),
        Column("name_ru", _("Name in Russian"), cells.text(300), required=True),
        Column("kato", _("KATO code"), cells.code(9), aliases=("КАТО",)),
        _country_column(),
        Column("region", _("Region"), cells.text(200), required=True, help_text=_("KATO code or name of the region.")),
        Column("district", _("District"), cells.text(200), help_text=_("KATO code or name of the district.")),
        Column("locality", _("Locality"), cells.choice(Locality.choices), required=True),
        Column("is_small_class", _("Small-class school"), cells.boolean),
        Column(
            "language",
            _("Language of instruction"),
            cells.choice(InstructionLanguage.choices, INSTRUCTION_LANGUAGE_ALIASES),
        ),
        Column("grade_from", _("First grade"), cells.integer(0, 12)),
        Column("grade_to", _("Last grade"), cells.integer(0, 12)),
        Column("pupils", _("Pupils"), cells.integer(0, 20000)),
        Column("teachers", _("Teachers"), cells.integer(0, 2000)),
        Column("internet", _("Internet"), cells.choice(Internet.choices)),
        Column("internet_connected_on", _("Internet connected on"), cells.date),
        Column("modernised_year", _("Year last modernised"), cells.integer(1900, 2100)),
        Column("ownership", _("Ownership"), cells.choice(Ownership.choices)),
        Column("operator", _("Operator's BIN"), cells.identifier(validate_bin)),
        Column("handover_on", _("Handover to the state"), cells.date),
        Column("future_school", _("Future School status"), cells.choice(FutureSchool.choices)),
        Column("future_school_planned_year", _("Future School planned for"), cells.integer(2000, 2100)),
        Column("future_school_built_year", _("Future School built in"), cells.integer(2000, 2100)),
        Column("latitude", _("Latitude"), cells.decimal_number(5, 40, 56)),
        Column("longitude", _("Longitude"), cells.decimal_number(5, 46, 88)),
    )
    # Columns whose values are written to the model field of the same name.
    plain_fields = (
        "external_id",
        "bin",
        "name_kk",
        "name_ru",
        "kato",
        "locality",
        "is_small_class",
        "language",
        "grade_from",
        "grade_to",
        "pupils",
        "teachers",
        "internet",
        "internet_connected_on",
        "modernised_year",
        "ownership",
        "handover_on",
        "future_school",
        "future_school_planned_year",
        "future_school_built_year",
        "latitude",
        "longitude",
    )

    def allowed(self, user: Actor) -> bool:
        return can_import_registry(user)

    def summary(self, row: Row) -> str:
        return row.cells.get("name_kk") or row.cells.get("name_ru") or ""

    def resolve(self, rows: list[Row]) -> None:
        countries = sorted({row.values.get("country") or HOME_COUNTRY for row in rows})
        # A region by the row's country and its code (two digits, or a full nine-digit KATO code) or name.
        regions_by_country = _regions_by_key(Region.objects.filter(country__in=countries))
        for row in rows:
            wanted = search_key(row.values.get("region", ""))
            row.extra["region"] = regions_by_country.get((row.values.get("country") or HOME_COUNTRY, wanted))
        district_katos = {
            row.values["district"] for row in rows if re.fullmatch(r"\d+", row.values.get("district", ""))
        }
        named_district_regions = {
            row.extra["region"].pk
            for row in rows
            if row.values.get("district")
            and not re.fullmatch(r"\d+", row.values["district"])
            and row.extra["region"] is not None
        }
        districts_by_kato: dict[str, District] = {}
        districts_by_name: dict[tuple[int, str], District] = {}
        if district_katos or named_district_regions:
            for district in District.objects.filter(
                Q(kato__in=sorted(district_katos)) | Q(region_id__in=sorted(named_district_regions))
            ):
                districts_by_kato[district.kato] = district
                for name in (district.name_kk, district.name_ru, district.name_en):
                    if name:
                        districts_by_name[(district.region_id, search_key(name))] = district
        operators: dict[str, Organisation] = {}
        for chunk in _chunks(row.values["operator"] for row in rows if row.values.get("operator")):
            operators.update({org.bin: org for org in Organisation.objects.filter(bin__in=chunk) if org.bin})
        by_external: dict[str, School] = {}
        by_bin: dict[str, School] = {}
        for chunk in _chunks(row.values["external_id"] for row in rows if row.values.get("external_id")):
            by_external.update(
                {s.external_id: s for s in _existing_schools().filter(external_id__in=chunk) if s.external_id}
            )
        for chunk in _chunks(row.values["bin"] for row in rows if row.values.get("bin")):
            by_bin.update({s.bin: s for s in _existing_schools().filter(bin__in=chunk) if s.bin})
        defaults = _defaults(School)

        for row in rows:
            target = _match(
                row,
                key_column="bin",
                by_external=by_external,
                by_key=by_bin,
                missing_message=_("Give an external ID or a BIN, so that a later import finds this school again."),
                conflict_message=_("This BIN belongs to another school than the external ID."),
                other_external_message=_("The school with this BIN has another external ID: %(other)s."),
            )
            fields = {name: row.values[name] for name in self.plain_fields if name in row.values}
            if "region" in row.values:
                found_region = row.extra["region"]
                if found_region is None:
                    row.error("region", _("No region has this KATO code or name."))
                else:
                    fields["region"] = found_region
            if "district" in row.values:
                wanted = row.values["district"]
                region_obj = fields.get("region") or (target.region if target else None)
                found_district = districts_by_kato.get(wanted)
                if found_district is None and region_obj is not None:
                    found_district = districts_by_name.get((region_obj.pk, search_key(wanted)))
                if found_district is None:
                    row.error("district", _("No district of this region has this KATO code or name."))
                else:
                    fields["district"] = found_district
            if "operator" in row.values:
                operator = operators.get(row.values["operator"])
                if operator is None:
                    row.error("operator", _("No partner organisation has this BIN."))
                else:
                    fields["operator"] = operator
            if row.errors:
                continue
            state = dict(defaults)
            if target is not None:
                state.update({name: getattr(target, name) for name in defaults})
            state.update(fields)
            self._check_school(row, state)
            if row.errors:
                continue
            if target is None:
                row.action, row.changes = CREATE, fields
            else:
                row.target = target
                row.changes = _changes(target, fields)
                row.action = UPDATE if row.changes else UNCHANGED

    @staticmethod
    def _check_school(row: Row, state: dict[str, Any]) -> None:
        district, region = state.get("district"), state.get("region")
        if district is not None and region is not None and district.region_id != region.pk:
            row.error("district", _("This district is not in the school's region."))
        if state["grade_from"] > state["grade_to"]:
            row.error("grade_from", _("The first grade must not be after the last grade."))
        if state["ownership"] == Ownership.OPERATOR and state.get("operator") is None:
            row.error("operator", _("A school run by an operator needs the operator's BIN."))
        if (state.get("latitude") is None) != (state.get("longitude") is None):
            row.error("latitude", _("Give both coordinates, or neither."))
        if state["future_school"] == FutureSchool.BUILT and not state.get("future_school_built_year"):
            row.error("future_school_built_year", _("Give the year the Future School was built."))

    def apply(self, *, actor: User, row: Row) -> None:
        if row.action == CREATE:
            school_create(actor=actor, fields=row.changes)
        elif row.action == UPDATE:
            school_update(actor=actor, school=row.target, changes=row.changes)

    def apply_many(self, *, actor: User, rows: list[Row]) -> None:
        # The commit has just checked every row's references and identifiers in this transaction.
        school_create_many(actor=actor, rows=[row.changes for row in rows if row.action == CREATE])
        for row in rows:
            if row.action == UPDATE:
                school_update(actor=actor, school=row.target, changes=row.changes)


@register
class PersonImporter(Importer):
    kind = "people"
    label = _("People")
    description = _(
        "Rows are matched to people by external ID, then by IIN; a matched row with the same values changes "
        "nothing. Empty cells leave the current value as it is. A school in the row adds an employment there "
        "unless the person already works there in that position."
    )
    unique_columns = ("external_id", "iin")
    columns: ClassVar[tuple[Column, ...]] = (
        Column(
            "external_id", _("External ID"), cells.code(64), help_text=_("Your system's identifier for the person.")
        ),
        Column("iin", _("IIN"), cells.identifier(validate_iin), aliases=("ИИН", "ЖСН")),
        Column("surname", _("Surname"), cells.text(100), required=True),
        Column("given_name", _("Given name"), cells.text(100), required=True),
        Column("patronymic", _("Patronymic"), cells.text(100)),
        Column("email", _("E-mail"), cells.email),
        Column("phone", _("Phone"), cells.phone),
        Column("languages", _("Languages"), cells.choice_list(PERSON_LANGUAGES.items(), PERSON_LANGUAGE_ALIASES)),
        Column("subjects", _("Subjects"), cells.choice_list(SUBJECTS.items())),
        Column("qualification", _("Qualification category"), cells.choice(QualificationCategory.choices)),
        Column(
            "school",
            _("School"),
            cells.code(64),
            help_text=_("BIN or external ID of the school where the person works."),
        ),
        Column("position", _("Position"), cells.choice(Position.choices)),
        Column("starts_on", _("Works there from"), cells.date),
    )
    plain_fields = (
        "external_id",
        "iin",
        "surname",
        "given_name",
        "patronymic",
        "email",
        "phone",
        "languages",
        "subjects",
        "qualification",
    )

    def allowed(self, user: Actor) -> bool:
        return can_import_registry(user)

    def summary(self, row: Row) -> str:
        return " ".join(row.cells.get(name, "") for name in ("surname", "given_name", "patronymic")).strip()

    def resolve(self, rows: list[Row]) -> None:
        by_external: dict[str, Person] = {}
        by_iin: dict[str, Person] = {}
        for chunk in _chunks(row.values["external_id"] for row in rows if row.values.get("external_id")):
            by_external.update(
                {p.external_id: p for p in Person.objects.filter(external_id__in=chunk) if p.external_id}
            )
        for chunk in _chunks(row.values["iin"] for row in rows if row.values.get("iin")):
            by_iin.update({p.iin: p for p in Person.objects.filter(iin__in=chunk) if p.iin})
        schools_by_bin, schools_by_external = _school_key_lookup(rows, "school")
        today = timezone.localdate()
        known_people = {person.pk for person in [*by_external.values(), *by_iin.values()]}
        open_jobs: set[tuple[int, int, str]] = set()
        for chunk in _chunks(known_people):
            open_jobs.update(
                Employment.objects.filter(person_id__in=chunk)
                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
                .values_list("person_id", "school_id", "position")
            )

        for row in rows:
            target = _match(
                row,
                key_column="iin",
                by_external=by_external,
                by_key=by_iin,
                missing_message=_("Give an external ID or an IIN, so that a later import finds this person again."),
                conflict_message=_("This IIN belongs to another person than the external ID."),
                other_external_message=_("The person with this IIN has another external ID: %(other)s."),
            )
            fields = {name: row.values[name] for name in self.plain_fields if name in row.values}
            school = None
            if "school" in row.values:
                reference = row.values["school"]
                school = schools_by_bin.get(reference) or schools_by_external.get(reference)
                if school is None:
                    row.error("school", _("No school has this BIN or external ID."))
            elif "position" in row.values or "starts_on" in row.values:
                row.error("school", _("Give the school for this position."))
            if row.errors:
                continue
            if target is None:
                row.action, row.changes = CREATE, fields
            else:
                row.target = target
                row.changes = _changes(target, fields)
                row.action = UPDATE if row.changes else UNCHANGED
            if school is not None:
                position = row.values.get("position", Position.TEACHER)
                if target is None or (target.pk, school.pk, position) not in open_jobs:
                    starts_on: datetime.date = row.values.get("starts_on") or today
                    row.extra["employment"] = {"school": school, "position": position, "starts_on": starts_on}
                    if row.action == UNCHANGED:
                        row.action = UPDATE

    def apply(self, *, actor: User, row: Row) -> None:
        person = row.target
        if row.action == CREATE:
            person = person_create(actor=actor, fields=row.changes)
        elif row.changes:
            person = person_update(actor=actor, person=person, changes=row.changes)
        employment = row.extra.get("employment")
        if employment is not None and person is not None:
            employment_create(actor=actor, person=person, **employment)

    def apply_many(self, *, actor: User, rows: list[Row]) -> None:
        # The commit has just checked every row's identifiers and schools in this transaction.
        new_rows = [row for row in rows if row.action == CREATE]
        created = person_create_many(actor=actor, rows=[row.changes for row in new_rows])
        people = {id(row): person for row, person in zip(new_rows, created, strict=True)}
        employments = []
        for row in rows:
            person = people.get(id(row), row.target)
            if row.action != CREATE and row.changes:
                person = person_update(actor=actor, person=person, changes=row.changes)
            employment = row.extra.get("employment")
            if employment is not None and person is not None:
                employments.append({"person": person, **employment})
        employment_create_many(actor=actor, rows=employments)
