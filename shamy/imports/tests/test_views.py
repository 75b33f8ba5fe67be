"""Import pages: permissions for every URL and persona, upload, preview, commit, templates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shamy.audit.models import AuditEntry
from shamy.core.testing.cast import PERSONAS
from shamy.core.testing.factories import valid_bin
from shamy.core.testing.fuzz import query_fuzz_test
from shamy.core.testing.matrix import Expect, Row, matrix_test, namespace_url_names, url_names
from shamy.imports.base import map_header
from shamy.imports.files import read_csv, read_xlsx
from shamy.imports.models import ImportJob
from shamy.imports.services.jobs import job_create
from shamy.imports.tests.helpers import SCHOOL_HEADER, csv_bytes, school_row, upload
from shamy.registry.importers import PersonImporter, SchoolImporter
from shamy.registry.models import School

pytestmark = pytest.mark.django_db

expect = Expect(PERSONAS)
# Ministry analysts may import outcome indicator values (analytics' importer), so they reach the
# start page and their own job list, but never the registry kinds.
ANY_IMPORTER = expect.each(403, aigerim=200, dana=200)

# The url builders take (cast, job); the job belongs to aigerim.
MATRIX = [
    Row("imports:start", lambda c, j: reverse("imports:start"), ANY_IMPORTER),
    Row("imports:job-list", lambda c, j: reverse("imports:job-list"), ANY_IMPORTER),
    Row(
        "imports:template",
        lambda c, j: reverse("imports:template", args=["schools", "xlsx"]),
        expect.each(403, aigerim=200),
    ),
    Row("imports:job-detail", lambda c, j: reverse("imports:job-detail", args=[j.pk]), expect.only({"aigerim"})),
    Row(
        "imports:job-commit",
        lambda c, j: reverse("imports:job-commit", args=[j.pk]),
        expect.only({"aigerim"}, ok=302),
        method="post",
    ),
]


def _login(client, cast, persona):
    user = cast.user(persona)
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def job(cast):
    data = csv_bytes([SCHOOL_HEADER, school_row(1, bin_value=valid_bin(600))])
    return job_create(actor=cast.aigerim, kind="schools", upload=upload(data))


test_import_view_permission_matrix = matrix_test(MATRIX, PERSONAS, scene="job")
test_import_query_parameters = query_fuzz_test(MATRIX, PERSONAS, scene="job")


def test_every_import_url_is_in_the_matrix():
    assert namespace_url_names("imports") == url_names(MATRIX)


def test_job_of_one_admin_is_visible_to_another_admin(client, cast, job):
    from shamy.access.roles import Role
    from shamy.core.testing.factories import MembershipFactory, UserFactory

    other_admin = UserFactory(email="second-admin@example.kz")
    MembershipFactory(user=other_admin, role=Role.SYSTEM_ADMIN)
    client.force_login(other_admin)
    assert client.get(reverse("imports:job-detail", args=[job.pk])).status_code == 200


@pytest.mark.parametrize("persona", ["aigerim", "dana", "kairat", "bolat", "saule", "olzhas"])
def test_menu_shows_import_only_to_those_allowed(client, cast, persona):
    from shamy.imports.kinds import importers_for_user

    user = cast.user(persona)
    _login(client, cast, persona)
    page = client.get(reverse("home:home")).content.decode()
    link = f'href="{reverse("imports:start")}"'
    assert (link in page) == bool(importers_for_user(user))
    assert (link in page) == (persona in {"aigerim", "dana"})


def test_registry_kinds_are_offered_to_system_administrators_only(client, cast):
    _login(client, cast, "dana")
    response = client.get(reverse("imports:start"))
    offered = {value for value, _label in response.context["form"].fields["kind"].choices}
    assert not offered & {"schools", "people"}
    data = csv_bytes([SCHOOL_HEADER, school_row(1, bin_value=valid_bin(600))])
    response = client.post(reverse("imports:start"), {"kind": "schools", "file": upload(data)})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert ImportJob.objects.count() == 0
    assert client.get(reverse("imports:template", args=["people", "csv"])).status_code == 403
    client.logout()
    _login(client, cast, "aigerim")
    offered = {value for value, _label in client.get(reverse("imports:start")).context["form"].fields["kind"].choices}
    assert {"schools", "people"} <= offered


def test_school_list_has_an_import_button_for_admins(client, cast):
    _login(client, cast, "aigerim")
    page = client.get(reverse("registry:school-list")).content.decode()
    assert reverse("imports:start") + "?kind=schools" in page


def test_upload_preview_and_commit_through_the_pages(client, cast):
    _login(client, cast, "aigerim")
    rows = [SCHOOL_HEADER, school_row(1, bin_value=valid_bin(600)), school_row(2, bin_value=valid_bin(601))]
    response = client.post(reverse("imports:start"), {"kind": "schools", "file": upload(csv_bytes(rows))})
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job-detail", args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    assert "<caption>" in page and 'scope="col"' in page
    assert page.count("row-error") == 0
    response = client.post(reverse("imports:job-commit", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert School.objects.filter(external_id__in=["EXT-1", "EXT-2"]).count() == 2


def test_preview_shows_row_and_column_errors_in_kazakh_and_russian(client, cast):
    bad = valid_bin(600)[:-1] + str((int(valid_bin(600)[-1]) + 1) % 10)
    rows = [SCHOOL_HEADER, school_row(1, bin_value=valid_bin(601)), school_row(2, bin_value=bad)]
    job = job_create(actor=cast.aigerim, kind="schools", upload=upload(csv_bytes(rows)))
    _login(client, cast, "aigerim")
    url = reverse("imports:job-detail", args=[job.pk])
    kazakh = client.get(url, HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert "3-жол, «БСН» бағаны" in kazakh
    cast.aigerim.language = "ru"
    cast.aigerim.save()
    russian = client.get(url).content.decode()
    assert "Строка 3, столбец «БИН»" in russian
    assert "контрольная цифра этого бин неверна" in russian.lower()
    response = client.post(reverse("imports:job-commit", args=[job.pk]), follow=True)
    assert School.objects.filter(external_id__in=["EXT-1", "EXT-2"]).count() == 0
    assert "Этот импорт сейчас нельзя выполнить" in response.content.decode()


def test_failed_upload_keeps_the_chosen_kind_and_shows_the_error(client, cast):
    _login(client, cast, "aigerim")
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("imports:start"), {"kind": "people", "file": upload(b"not,a,workbook\n1,2,3\n", "people.xlsx")}
    )
    assert response.status_code == 200
    assert response.context["form"]["kind"].value() == "people"
    assert '<option value="people" selected>' in response.content.decode()
    assert response.context["form"].errors["file"]
    assert ImportJob.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_start_page_preselects_the_kind_from_the_link(client, cast):
    _login(client, cast, "aigerim")
    response = client.get(reverse("imports:start"), {"kind": "people"})
    assert response.context["form"]["kind"].value() == "people"


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("importer", [SchoolImporter(), PersonImporter()], ids=["schools", "people"])
def test_templates_have_headers_that_the_importer_reads_back(client, cast, language, importer):
    _login(client, cast, "aigerim")
    cast.aigerim.language = language
    cast.aigerim.save()
    for file_format, reader in (("csv", read_csv), ("xlsx", read_xlsx)):
        response = client.get(reverse("imports:template", args=[importer.kind, file_format]))
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        table = reader(response.content)
        mapping, problems = map_header(importer, table.header)
        assert problems == []
        assert list(mapping.values()) == [column.code for column in importer.columns]


def test_unknown_template_is_404(client, cast):
    _login(client, cast, "aigerim")
    assert client.get(reverse("imports:template", args=["schools", "pdf"])).status_code == 404
    assert client.get(reverse("imports:template", args=["nothing", "csv"])).status_code == 404


def test_running_job_polls_and_finished_job_stops_polling(client, cast, job, settings):
    _login(client, cast, "aigerim")
    url = reverse("imports:job-detail", args=[job.pk])
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, stage=ImportJob.Stage.CHECK, progress_done=1, progress_total=4
    )
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page
    assert '<progress class="progress" max="4" value="1"' in page
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert 'hx-trigger="every 1s"' in partial.content.decode()
    assert "HX-Refresh" not in partial
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, progress_done=4)
    partial = client.get(url, HTTP_HX_REQUEST="true")
    assert "hx-trigger" not in partial.content.decode()
    assert partial["HX-Refresh"] == "true"


def test_job_list_shows_only_own_jobs_and_constant_queries(client, cast, django_assert_num_queries):
    _login(client, cast, "aigerim")
    url = reverse("imports:job-list")
    data = csv_bytes([SCHOOL_HEADER, school_row(1, bin_value=valid_bin(600))])
    for _ in range(2):
        job_create(actor=cast.aigerim, kind="schools", upload=upload(data))
    client.get(url)
    with django_assert_num_queries(5) as small:
        response = client.get(url)
    assert len(response.context["page"]) == 2
    for _ in range(18):
        job_create(actor=cast.aigerim, kind="schools", upload=upload(data))
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert len(response.context["page"]) == 20


def test_job_page_query_count_does_not_grow_with_rows(client, cast, django_assert_num_queries):
    _login(client, cast, "aigerim")
    small = job_create(
        actor=cast.aigerim,
        kind="schools",
        upload=upload(csv_bytes([SCHOOL_HEADER] + [school_row(n, bin_value=valid_bin(600 + n)) for n in range(2)])),
    )
    large = job_create(
        actor=cast.aigerim,
        kind="schools",
        upload=upload(csv_bytes([SCHOOL_HEADER] + [school_row(n, bin_value=valid_bin(600 + n)) for n in range(20)])),
    )
    client.get(reverse("imports:job-detail", args=[small.pk]))
    with django_assert_num_queries(5) as captured:
        client.get(reverse("imports:job-detail", args=[small.pk]))
    with django_assert_num_queries(len(captured.captured_queries)):
        response = client.get(reverse("imports:job-detail", args=[large.pk]))
    assert len(response.context["table"]) == 20
