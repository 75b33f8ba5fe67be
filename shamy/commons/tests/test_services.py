from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from shamy.audit.models import AuditEntry
from shamy.commons.models import Kind, Resource, Status
from shamy.commons.services.resources import resource_moderate, resource_submit, summaries_sync
from shamy.core import files

pytestmark = pytest.mark.django_db


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (43.0, 15.0, 0.0)}  # GPS info
    exif[0x010F] = "Camera maker"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def test_upload_goes_through_core_files(programme_cast):
    c = programme_cast
    item = resource_submit(
        actor=c.timur,
        fields={"kind": Kind.POSTER, "title": "Постер", "summary": "Постер жобасы", "language": "kk", "country": "KZ"},
        upload=SimpleUploadedFile("poster.jpg", _jpeg_with_gps(), content_type="image/jpeg"),
    )
    stored = item.file.read()
    assert item.mime == "image/jpeg" and stored.startswith(b"\xff\xd8")
    assert not Image.open(io.BytesIO(stored)).getexif()  # metadata (GPS, camera) gone
    with pytest.raises(files.UploadRejected):
        resource_submit(
            actor=c.timur,
            fields={"kind": Kind.GUIDE, "title": "X", "summary": "Y", "language": "kk", "country": "KZ"},
            upload=SimpleUploadedFile("evil.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"),
        )


def test_submission_waits_for_moderation_and_is_audited(programme_cast):
    c = programme_cast
    item = resource_submit(
        actor=c.tomiris,
        fields={
            "kind": Kind.WEBINAR,
            "title": "Вебинар: мұғалім көшбасшылығы",
            "summary": "Орталық Азия елдеріне арналған вебинар жазбасы.",
            "language": "kk",
            "country": "KG",
            "url": "https://video.example.org/webinar",
            "anonymous": True,
        },
    )
    with translation.override("en"):
        assert item.status == Status.SUBMITTED and item.credit == "Anonymous author"
    assert item not in Resource.objects.public()
    assert AuditEntry.objects.get(action="commons.resource.submitted").actor == c.tomiris
    with pytest.raises(PermissionDenied):
        resource_moderate(actor=c.tomiris, resource=item, publish=True)
    with pytest.raises(PermissionDenied):
        resource_moderate(actor=c.aliya, resource=item, publish=True)  # no programme: administrators only
    published = resource_moderate(actor=c.aigerim, resource=item, publish=True)
    assert published.status == Status.PUBLISHED and published.published_at is not None
    assert published in Resource.objects.public()
    with pytest.raises(PermissionDenied):
        resource_submit(actor=c.olzhas, fields={"kind": Kind.GUIDE, "title": "X", "summary": "Y", "language": "kk"})


def test_project_summaries_are_synced_once_with_the_consented_credit(programme_cast, commons_scene):
    scene = commons_scene
    assert summaries_sync() == 0
    item = scene.project_item
    assert item.kind == Kind.PROJECT and item.language == "ru" and item.status == Status.PUBLISHED
    assert item.author_name  # the teacher agreed to show their name
    assert "Сельск" not in item.credit


def test_item_page_is_citable_with_its_licence(client, commons_scene):
    page = client.get(reverse("commons:detail", args=[commons_scene.published.public_id])).content.decode()
    assert 'rel="license"' in page and "CC BY 4.0" in page
    assert str(commons_scene.published.public_id) in page


def test_search_page_finds_the_summary_from_a_russian_form_and_highlights(client, commons_scene):
    page = client.get(reverse("commons:index"), {"q": "школы"}).content.decode()
    assert commons_scene.project_item.title in page
    assert "<mark>школа</mark>" in page


def test_search_page_query_count_is_constant(client, programme_cast, commons_scene):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("commons:index"))
    for index in range(15):
        item = resource_submit(
            actor=programme_cast.aliya,
            fields={
                "kind": Kind.BOOK,
                "title": f"Кітап {index}",
                "summary": "Кітап",
                "language": "kk",
                "country": "KZ",
            },
        )
        resource_moderate(actor=programme_cast.aigerim, resource=item, publish=True)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("commons:index"))
    assert len(few) == len(many)


def test_sync_command_adds_new_summaries_once(programme_cast, commons_scene):
    from django.core.management import call_command

    Resource.objects.filter(pk=commons_scene.project_item.pk).delete()
    out = io.StringIO()
    call_command("commons_sync_summaries", stdout=out)
    call_command("commons_sync_summaries", stdout=out)
    assert out.getvalue().splitlines() == [
        "1 project summaries added to the commons.",
        "0 project summaries added to the commons.",
    ]
