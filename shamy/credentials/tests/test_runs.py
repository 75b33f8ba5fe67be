from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from shamy.assessment.tests.conftest import written_project
from shamy.audit.models import AuditEntry
from shamy.credentials.models import Certificate, CertificateRun, RunStatus
from shamy.credentials.services.runs import certificate_run_execute_now, certificate_run_start
from shamy.credentials.tests.conftest import approve
from shamy.credentials.tests.test_certificates import pdf_text
from shamy.credentials.vc import dataintegrity

pytestmark = pytest.mark.django_db


def test_a_cohort_run_issues_missing_certificates_and_packs_pdfs_and_credentials(
    world, django_capture_on_commit_callbacks, settings
):
    second = approve(world, written_project(world.talgat, world.cohort_a, title="Екінші жоба"))
    assert not Certificate.objects.filter(submission=second).exists()
    with pytest.raises(PermissionDenied):
        certificate_run_start(actor=world.madina, cohort=world.cohort_a)
    with django_capture_on_commit_callbacks(execute=True):
        run = certificate_run_start(actor=world.serik, cohort=world.cohort_a, language="ru")
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.total == run.done == 2 and run.percent == 100
    assert Certificate.objects.filter(submission=second).exists()
    with run.archive.open("rb") as handle, zipfile.ZipFile(io.BytesIO(handle.read())) as archive:
        names = sorted(archive.namelist())
        assert len(names) == 4 and {name.rsplit(".", 1)[1] for name in names} == {"pdf", "json"}
        credential = json.loads(archive.read(f"{world.certificate.number}.json"))
        assert archive.read(f"{world.certificate.number}.pdf").startswith(b"%PDF")
        # The PDFs are rendered in other processes: each file holds its own certificate.
        for certificate in Certificate.objects.all():
            text = pdf_text(archive.read(f"{certificate.number}.pdf"))
            assert certificate.number in text and certificate.project_title in text
    assert credential == world.certificate.credential
    assert dataintegrity.undefined_terms(credential) == (set(), set())
    assert AuditEntry.objects.filter(action="credentials.run.finished").exists()
    # Idempotent: running the finished task again changes nothing.
    assert certificate_run_execute_now(run.pk).archive.name == run.archive.name
    assert Certificate.objects.count() == 2


def test_run_pages_show_progress_and_download_to_the_certifier_only(world, client, django_capture_on_commit_callbacks):
    client.force_login(world.serik)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("credentials:run-start", args=[world.cohort_a.pk]), {"language": "kk"})
    run = CertificateRun.objects.exclude(pk=world.run.pk).get()
    assert response.status_code == 302
    partial = client.get(reverse("credentials:run-detail", args=[run.public_id]), HTTP_HX_REQUEST="true")
    assert 'data-status="done"' in partial.content.decode() and "<html" not in partial.content.decode()
    download = client.get(reverse("credentials:run-download", args=[run.public_id]))
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    client.force_login(world.talgat)
    assert client.get(reverse("credentials:run-detail", args=[run.public_id])).status_code == 404
