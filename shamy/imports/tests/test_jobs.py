"""Checking, committing and re-importing files; all-or-nothing; background jobs."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from shamy.audit.models import AuditEntry
from shamy.core.testing.factories import OrganisationFactory, SchoolFactory, valid_bin, valid_iin
from shamy.core.text import search_key
from shamy.imports.base import Problem, check_table
from shamy.imports.files import CSV, read_table
from shamy.imports.models import ImportJob
from shamy.imports.services.jobs import JobStateError, job_commit, job_create
from shamy.imports.tests.helpers import SCHOOL_HEADER, csv_bytes, school_row, upload, xlsx_bytes
from shamy.registry.importers import SchoolImporter
from shamy.registry.models import Employment, Person, School

pytestmark = pytest.mark.django_db


def _schools_file(count: int, *, start: int = 0) -> bytes:
    return csv_bytes(
        [SCHOOL_HEADER] + [school_row(n, bin_value=valid_bin(500 + n)) for n in range(start, start + count)]
    )


def _counts() -> tuple[int, int, int, int]:
    return School.objects.count(), Person.objects.count(), Employment.objects.count(), AuditEntry.objects.count()


def _error_texts(job: ImportJob, language: str = "en") -> list[str]:
    with translation.override(language):
        return [Problem.text(problem) for problem in job.errors]


def test_valid_file_previews_as_creates_and_commit_writes_with_audit(cast):
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(_schools_file(3)))
    assert job.status == ImportJob.Status.VALIDATED
    assert [row["action"] for row in job.preview["rows"]] == ["create", "create", "create"]
    assert School.objects.filter(external_id__startswith="EXT-").count() == 0  # the preview writes nothing

    job_commit(actor=cast.aigerim, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.rows_created == 3
    imported = School.objects.get(external_id="EXT-1")
    assert imported.region == cast.region_a
    assert imported.district.kato == "195200"
    assert imported.pupils == 101
    assert imported.search_text == search_key("№1 мектеп", "Школа №1")
    actions = list(AuditEntry.objects.filter(action="registry.school.created").values_list("target_id", flat=True))
    assert sorted(actions) == sorted(
        str(pk) for pk in School.objects.filter(external_id__startswith="EXT-").values_list("pk", flat=True)
    )


def test_reimporting_the_same_file_changes_nothing(cast):
    data = _schools_file(4)
    first = job_create(actor=cast.aigerim, kind="schools", upload=upload(data))
    job_commit(actor=cast.aigerim, job=first)
    before = _counts()
    updated_at = sorted(School.objects.values_list("updated_at", flat=True))

    second = job_create(actor=cast.aigerim, kind="schools", upload=upload(data))
    assert [row["action"] for row in second.preview["rows"]] == ["unchanged"] * 4
    job_commit(actor=cast.aigerim, job=second)
    second.refresh_from_db()
    assert second.status == ImportJob.Status.DONE
    assert (second.rows_created, second.rows_updated, second.rows_unchanged) == (0, 0, 4)
    assert _counts() == before
    assert sorted(School.objects.values_list("updated_at", flat=True)) == updated_at


def test_changed_value_updates_only_that_school_and_records_before_and_after(cast):
    job_commit(actor=cast.aigerim, job=job_create(actor=cast.aigerim, kind="schools", upload=upload(_schools_file(2))))
    rows = [SCHOOL_HEADER, school_row(0, bin_value=valid_bin(500)), school_row(1, bin_value=valid_bin(501))]
    rows[2][7] = 999  # pupils of EXT-1
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(csv_bytes(rows, delimiter=";")))
    assert [row["action"] for row in job.preview["rows"]] == ["unchanged", "update"]
    job_commit(actor=cast.aigerim, job=job)
    entry = AuditEntry.objects.get(action="registry.school.updated")
    assert (entry.before["pupils"], entry.after["pupils"]) == (101, 999)
    assert School.objects.get(external_id="EXT-1").pupils == 999


def test_existing_school_is_matched_by_bin_when_it_has_no_external_id(cast):
    existing = SchoolFactory(region=cast.region_a, bin=valid_bin(900), external_id=None)
    rows = [SCHOOL_HEADER, ["NEW-ID", valid_bin(900), existing.name_kk, existing.name_ru, "19", "", "rural", 5, 1]]
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(csv_bytes(rows)))
    assert job.preview["rows"][0]["action"] == "update"
    job_commit(actor=cast.aigerim, job=job)
    existing.refresh_from_db()
    assert (existing.external_id, existing.pupils) == ("NEW-ID", 5)


def test_errors_are_reported_per_row_and_column_in_the_users_language(cast):
    bad_bin = valid_bin(501)[:-1] + str((int(valid_bin(501)[-1]) + 1) % 10)
    rows = [SCHOOL_HEADER, school_row(0, bin_value=valid_bin(500)), school_row(1, bin_value=bad_bin)]
    rows.append(school_row(2, bin_value=valid_bin(502), region="Атлантида"))
    rows.append(["EXT-3", "", "Мектеп", "Школа", "19", "", "urban", "many", ""])
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(csv_bytes(rows)))
    assert job.status == ImportJob.Status.FAILED
    where = {(problem["line"], problem["column"]) for problem in job.errors}
    assert where == {(3, "bin"), (4, "region"), (5, "pupils")}
    assert [row["action"] for row in job.preview["rows"]] == ["create", "error", "error", "error"]
    assert "This BIN's check digit is wrong: please check for a typo." in _error_texts(job, "en")
    assert all(
        text and text != problem["message"] for text, problem in zip(_error_texts(job, "kk"), job.errors, strict=True)
    )


def test_the_same_bin_twice_in_one_file_is_an_error(cast):
    rows = [SCHOOL_HEADER, school_row(0, bin_value=valid_bin(500)), school_row(1, bin_value=valid_bin(500))]
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(csv_bytes(rows)))
    assert job.status == ImportJob.Status.FAILED
    assert [(p["line"], p["column"], p["params"]) for p in job.errors] == [(3, "bin", {"line": 2})]


def test_row_without_external_id_or_bin_cannot_be_matched_later_so_it_is_refused(cast):
    rows = [SCHOOL_HEADER, ["", "", "Мектеп", "Школа", "19", "", "rural", 1, 1]]
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(csv_bytes(rows)))
    assert [(p["line"], p["column"]) for p in job.errors] == [(2, "bin")]


def test_cross_field_rules_are_checked_in_the_preview(cast):
    header = [
        "bin",
        "name_kk",
        "name_ru",
        "region",
        "district",
        "locality",
        "grade_from",
        "grade_to",
        "ownership",
        "latitude",
    ]
    rows = [header, [valid_bin(1), "А", "Б", "47", "195200", "rural", 9, 4, "operator", "43.2"]]
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(csv_bytes(rows)))
    assert {p["column"] for p in job.errors} == {"district", "grade_from", "operator", "latitude"}


def test_a_file_with_one_bad_row_writes_nothing(cast):
    rows = [SCHOOL_HEADER] + [school_row(n, bin_value=valid_bin(500 + n)) for n in range(5)]
    rows[4][6] = "mountain"  # locality
    before = _counts()
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(csv_bytes(rows)))
    assert job.status == ImportJob.Status.FAILED
    with pytest.raises(JobStateError):
        job_commit(actor=cast.aigerim, job=job)
    assert _counts() == before


def test_commit_rechecks_and_writes_nothing_when_a_row_became_invalid(cast):
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(_schools_file(3)))
    assert job.status == ImportJob.Status.VALIDATED
    # Meanwhile another school takes the second row's external ID and the third row's BIN.
    SchoolFactory(region=cast.region_b, external_id="EXT-1", bin=valid_bin(502))
    before = _counts()
    job_commit(actor=cast.aigerim, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert _counts() == before
    assert [(p["line"], p["column"]) for p in job.errors] == [(4, "external_id")]


def test_failure_while_writing_rolls_back_every_row(cast):
    # A school run by an operator: valid in the preview, then the operator disappears.
    operator = OrganisationFactory(bin=valid_bin(77))
    header = SCHOOL_HEADER + ["ownership", "operator"]
    rows = [header, school_row(0, bin_value=valid_bin(500)) + ["state", ""]]
    rows.append(school_row(1, bin_value=valid_bin(501)) + ["operator", operator.bin])
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(csv_bytes(rows)))
    assert job.status == ImportJob.Status.VALIDATED
    operator.delete()
    before = _counts()
    job_commit(actor=cast.aigerim, job=job)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert _counts() == before


def test_xlsx_with_numeric_bin_that_lost_its_leading_zero(cast):
    bin_value = valid_bin(500)
    assert bin_value.startswith("0")
    rows = [SCHOOL_HEADER, ["X-1", int(bin_value), "Мектеп", "Школа", "Алматы облысы", "Ұйғыр ауданы", "ауыл", 10, 2]]
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(xlsx_bytes(rows), "schools.xlsx"))
    assert job.errors == []
    job_commit(actor=cast.aigerim, job=job)
    school = School.objects.get(external_id="X-1")
    assert (school.bin, school.district.kato, school.locality) == (bin_value, "195200", "rural")


def test_people_import_creates_people_and_employments_and_is_idempotent(cast):
    header = [
        "iin",
        "surname",
        "given_name",
        "patronymic",
        "email",
        "languages",
        "subjects",
        "qualification",
        "school",
        "position",
        "starts_on",
    ]
    school_a1 = cast.school_a1
    school_a1.bin = valid_bin(321)
    school_a1.save()
    rows = [
        header,
        [
            valid_iin(700),
            "Сейітова",
            "Айжан",
            "",
            "A@Example.kz",
            "kk; ru",
            "mathematics, physics",
            "expert",
            valid_bin(321),
            "teacher",
            "01.09.2024",
        ],
        [valid_iin(701), "Иванов", "Пётр", "Сергеевич", "", "Орыс тілі", "Информатика", "", valid_bin(321), "", ""],
    ]
    data = csv_bytes(rows, delimiter=";", bom=True)
    job = job_create(actor=cast.aigerim, kind="people", upload=upload(data, "people.csv"))
    assert job.errors == []
    job_commit(actor=cast.aigerim, job=job)
    person = Person.objects.get(iin=valid_iin(700))
    assert (person.email, person.languages, person.subjects, person.qualification) == (
        "a@example.kz",
        ["kk", "ru"],
        ["mathematics", "physics"],
        "expert",
    )
    assert Person.objects.get(iin=valid_iin(701)).languages == ["ru"]
    assert Employment.objects.filter(school=school_a1, person__iin__in=[valid_iin(700), valid_iin(701)]).count() == 2
    assert AuditEntry.objects.filter(action="registry.employment.created").count() == 2
    assert AuditEntry.objects.filter(action="registry.person.created").count() == 2

    before = _counts()
    again = job_create(actor=cast.aigerim, kind="people", upload=upload(data, "people.csv"))
    assert [row["action"] for row in again.preview["rows"]] == ["unchanged", "unchanged"]
    job_commit(actor=cast.aigerim, job=again)
    assert _counts() == before


def test_people_errors_for_unknown_school_and_bad_iin(cast):
    rows = [["iin", "surname", "given_name", "school"], ["123", "Ф", "И", "NOPE"], [valid_iin(3), "Ф", "И", "NOPE"]]
    job = job_create(actor=cast.aigerim, kind="people", upload=upload(csv_bytes(rows)))
    assert {(p["line"], p["column"]) for p in job.errors} == {(2, "iin"), (2, "school"), (3, "school")}


def test_only_allowed_users_can_create_or_commit_jobs(cast):
    with pytest.raises(PermissionDenied):
        job_create(actor=cast.dana, kind="schools", upload=upload(_schools_file(1)))
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(_schools_file(1)))
    with pytest.raises(PermissionDenied):
        job_commit(actor=cast.dana, job=job)
    with pytest.raises(PermissionDenied):
        job_create(actor=cast.aigerim, kind="no-such-kind", upload=upload(_schools_file(1)))


def _enqueues(callback) -> bool:
    return getattr(getattr(callback, "func", None), "__name__", "") == "enqueue"


def test_large_import_runs_in_the_background_with_progress(cast, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_ROWS = 3
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job = job_create(actor=cast.aigerim, kind="schools", upload=upload(_schools_file(7)))
    assert len(callbacks) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.VALIDATED
    assert (job.progress_done, job.progress_total) == (7, 7)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        job_commit(actor=cast.aigerim, job=job)
    # One background task; the other callbacks are the written data's housekeeping (the analytics'
    # stored teacher counts recount the regions a write touched once it commits).
    assert len([callback for callback in callbacks if _enqueues(callback)]) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert (job.progress_done, job.progress_total, job.rows_created) == (7, 7, 7)
    assert job.finished_at is not None
    assert School.objects.filter(external_id__startswith="EXT-").count() == 7


def test_background_tasks_do_nothing_when_run_again(cast, settings, django_capture_on_commit_callbacks):
    from shamy.imports.tasks import import_job_check, import_job_commit

    settings.IMPORT_BACKGROUND_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        job = job_create(actor=cast.aigerim, kind="schools", upload=upload(_schools_file(2)))
    with django_capture_on_commit_callbacks(execute=True):
        job_commit(actor=cast.aigerim, job=job)
    before = _counts()
    import_job_commit.enqueue(job_id=job.pk)
    import_job_check.enqueue(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert _counts() == before


def _check_queries(cast, count: int) -> int:
    table = read_table(_schools_file(count), CSV)
    with CaptureQueriesContext(connection) as captured:
        report = check_table(SchoolImporter(), table)
    assert report.ok
    return len(captured.captured_queries)


def test_preview_query_count_does_not_grow_with_rows(cast):
    job_commit(actor=cast.aigerim, job=job_create(actor=cast.aigerim, kind="schools", upload=upload(_schools_file(10))))
    small = _check_queries(cast, 2)
    large = _check_queries(cast, 20)  # half of these rows exist (updates), half are new
    assert small == large
    assert small <= 5


@pytest.mark.django_db(transaction=True)
def test_commit_progress_is_visible_outside_the_import_transaction_on_postgresql(cast):
    from shamy.imports.services.jobs import _commit_progress

    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(_schools_file(2)))
    report, close = _commit_progress(job.pk)
    if connection.vendor != "postgresql":
        # SQLite has a single writer: the bar shows the commit as running until it ends.
        assert (report, close) == (None, None)
        return
    assert report is not None and close is not None
    from django.db import transaction

    with transaction.atomic():
        School.objects.filter(pk=cast.school_a1.pk).update(pupils=47)  # the import's own writes
        report(1)
        job.refresh_from_db()
        assert job.progress_done == 1  # committed by the side connection, seen at once
    close()


def test_people_preview_query_count_does_not_grow_with_rows(cast):
    from shamy.registry.importers import PersonImporter

    cast.school_a1.bin = valid_bin(321)
    cast.school_a1.save()
    header = ["iin", "surname", "given_name", "school"]

    # New people only: skip IINs the factories' sequences already gave someone (they wrap around
    # after enough tests in one worker, which made this test depend on the order tests ran in).
    taken = set(Person.objects.values_list("iin", flat=True))
    fresh = [iin for iin in (valid_iin(800 + n) for n in range(60)) if iin not in taken][:20]

    def queries(count: int) -> int:
        rows = [header] + [[fresh[n], "Ф", "И", valid_bin(321)] for n in range(count)]
        rows.append([cast.teacher_a1.iin, cast.teacher_a1.surname, cast.teacher_a1.given_name, valid_bin(321)])
        table = read_table(csv_bytes(rows), CSV)
        with CaptureQueriesContext(connection) as captured:
            report = check_table(PersonImporter(), table)
        assert report.ok
        assert report.rows[-1].action == "unchanged"  # already works at school A1 as a teacher
        return len(captured.captured_queries)

    assert queries(2) == queries(20)


def test_commit_query_count_does_not_grow_with_new_rows(cast):
    """New records go in with bulk inserts: 110 more new schools cost at most a few more statements
    (SQLite's limit on parameters splits a bulk insert into statements of about 45 schools and 75
    audit entries), never a statement per row."""

    def queries(count: int, start: int) -> int:
        job = job_create(actor=cast.aigerim, kind="schools", upload=upload(_schools_file(count, start=start)))
        with CaptureQueriesContext(connection) as captured:
            job_commit(actor=cast.aigerim, job=job)
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE and job.rows_created == count
        return len(captured.captured_queries)

    assert queries(120, start=100) <= queries(10, start=0) + (120 - 10) // 25


def test_bulk_commit_audits_every_record_like_a_single_write(cast):
    cast.school_a1.bin = valid_bin(321)
    cast.school_a1.save()
    header = ["external_id", "iin", "surname", "given_name", "school", "starts_on"]
    rows = [header] + [
        [f"P-{n}", valid_iin(900 + n), "Сейітова", f"Айжан{n}", valid_bin(321), "01.09.2024"] for n in range(3)
    ]
    # One existing person in the same file: updated one by one, with a new employment in bulk.
    rows.append(["", cast.teacher_b1.iin, "Нұрланов", "Ерболат", valid_bin(321), "01.09.2024"])
    job = job_create(actor=cast.aigerim, kind="people", upload=upload(csv_bytes(rows), "people.csv"))
    assert job.errors == []
    job_commit(actor=cast.aigerim, job=job)
    created = {p.external_id: p for p in Person.objects.filter(external_id__startswith="P-")}
    assert len(created) == 3
    entries = AuditEntry.objects.filter(
        action="registry.person.created", target_id__in=[str(p.pk) for p in created.values()]
    )
    assert entries.count() == 3
    entry = entries.get(target_id=str(created["P-1"].pk))
    assert entry.actor == cast.aigerim and entry.before is None
    assert entry.after["iin"] == valid_iin(901) and entry.after["id"] == created["P-1"].pk
    assert entry.target_label == str(created["P-1"]) and entry.actor_search  # the log's filters find it
    employments = Employment.objects.filter(school=cast.school_a1, starts_on="2024-09-01")
    assert employments.count() == 4  # three new people and the existing one
    assert (
        AuditEntry.objects.filter(
            action="registry.employment.created", target_id__in=[str(e.pk) for e in employments]
        ).count()
        == 4
    )
    assert AuditEntry.objects.filter(action="registry.person.updated", target_id=str(cast.teacher_b1.pk)).exists()


def test_a_bulk_commit_makes_the_cached_school_list_stale(client, cast):
    from django.urls import reverse

    client.force_login(cast.dana)
    url = reverse("registry:school-list")
    assert "№7 мектеп" not in client.get(url).content.decode()  # cached now
    job_commit(
        actor=cast.aigerim, job=job_create(actor=cast.aigerim, kind="schools", upload=upload(_schools_file(1, start=7)))
    )
    assert "№7 мектеп" in client.get(url).content.decode()
