from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from shamy.analytics.models import Indicator, IndicatorValue
from shamy.audit.models import AuditEntry
from shamy.imports.kinds import importer_for
from shamy.imports.models import ImportJob
from shamy.imports.services.jobs import job_commit, job_create

pytestmark = pytest.mark.django_db

HEADER = ["indicator", "year", "level", "place", "locality", "value", "people", "source"]


def _file(rows):
    buffer = io.StringIO()
    csv.writer(buffer).writerows([HEADER, *rows])
    return SimpleUploadedFile("values.csv", buffer.getvalue().encode())


@pytest.fixture
def exam(cast):
    return Indicator.objects.create(
        code="ent_maths",
        name={"kk": "ҰБТ: математика", "ru": "ЕНТ: математика", "en": "UNT: maths"},
        unit="score",
        direction="higher_better",
        source_kind="imported",
        source="National Testing Centre",
    )


def test_importer_is_registered_for_analysts_only(cast):
    importer = importer_for("indicator_values")
    assert importer is not None
    assert importer.allowed(cast.dana) and importer.allowed(cast.aigerim)
    assert not importer.allowed(cast.kairat) and not importer.allowed(cast.bolat)


def test_import_values_all_or_nothing_and_idempotent(cast, exam):
    school = cast.school_b1
    school.external_id = "SCH-B1"
    school.save()
    good = [
        ["ent_maths", "2023", "region", "19", "urban", "78.5", "1200", "NTC 2023"],
        ["ent_maths", "2023", "region", "19", "rural", "64", "800", "NTC 2023"],
        ["ent_maths", "2023", "school", "SCH-B1", "", "55", "30", "NTC 2023"],
    ]
    bad = [*good, ["ent_maths", "2023", "district", "000000", "all", "70", "10", "NTC"]]
    job = job_create(actor=cast.dana, kind="indicator_values", upload=_file(bad))
    assert job.status == ImportJob.Status.FAILED
    assert job.rows_failed == 1
    assert not IndicatorValue.objects.exists()

    job = job_create(actor=cast.dana, kind="indicator_values", upload=_file(good))
    assert job.status == ImportJob.Status.VALIDATED and job.rows_created == 3
    job_commit(actor=cast.dana, job=job)
    assert IndicatorValue.objects.count() == 3
    rural = IndicatorValue.objects.get(level="region", locality="rural")
    assert (rural.value, rural.people, rural.region_id) == (64.0, 800, cast.region_a.pk)
    at_school = IndicatorValue.objects.get(level="school")
    # A school's value takes the school's own place and locality.
    assert (at_school.region_id, at_school.locality) == (cast.region_b.pk, "rural")
    assert AuditEntry.objects.filter(action="analytics.indicator_value.created").count() == 3

    again = job_create(actor=cast.dana, kind="indicator_values", upload=_file(good))
    assert again.rows_unchanged == 3
    job_commit(actor=cast.dana, job=again)
    assert IndicatorValue.objects.count() == 3
    assert not AuditEntry.objects.filter(action="analytics.indicator_value.updated").exists()


def test_imported_values_reach_the_dashboard(client, cast, exam):
    rows = [
        ["ent_maths", "2024", "region", "19", "urban", "80", "100", "NTC"],
        ["ent_maths", "2024", "region", "19", "rural", "60", "100", "NTC"],
    ]
    client.force_login(cast.dana)
    before = client.get(reverse("analytics:dashboard"), {"indicator": "ent_maths", "year": "2024"})
    assert before.context["board"].table.national.parity is None
    job_commit(actor=cast.dana, job=job_create(actor=cast.dana, kind="indicator_values", upload=_file(rows)))
    after = client.get(reverse("analytics:dashboard"), {"indicator": "ent_maths", "year": "2024"})
    assert after.context["board"].table.national.parity == pytest.approx(0.75)


def test_computed_indicators_cannot_be_imported(cast):
    rows = [["schools", "2023", "region", "19", "all", "5", "", "Mine"]]
    job = job_create(actor=cast.dana, kind="indicator_values", upload=_file(rows))
    assert job.status == ImportJob.Status.FAILED
    assert job.rows_failed == 1
    assert not IndicatorValue.objects.exists()


def test_defining_an_imported_indicator_is_audited(client, cast):
    client.force_login(cast.dana)
    response = client.post(
        reverse("analytics:indicator-create"),
        {
            "code": "attendance",
            "name_kk": "Сабаққа қатысу",
            "name_ru": "Посещаемость",
            "unit": "percent",
            "direction": "higher_better",
            "definition_kk": "Қатысқан сабақтардың үлесі.",
            "definition_ru": "Доля посещённых уроков.",
            "source": "Kundelik",
        },
    )
    assert response.status_code == 302
    indicator = Indicator.objects.get(code="attendance")
    assert indicator.source_kind == "imported" and indicator.name["ru"] == "Посещаемость"
    assert AuditEntry.objects.filter(action="analytics.indicator.created").exists()


def test_a_partner_countrys_region_with_the_same_code_takes_no_value(cast, exam):
    """Indicator values are Kazakhstan's statistics: code 19 is Almaty Region even when a partner
    country's region (issue 17) has the code 19 too."""
    from shamy.core.testing.factories import RegionFactory

    RegionFactory(country="KG", kato="19", name_kk="Сынақ облысы", name_ru="Тестовая область", name_en="Test")
    rows = [["ent_maths", "2023", "region", "19", "urban", "78.5", "1200", "NTC 2023"]]
    job_commit(actor=cast.dana, job=job_create(actor=cast.dana, kind="indicator_values", upload=_file(rows)))
    assert IndicatorValue.objects.get().region_id == cast.region_a.pk
