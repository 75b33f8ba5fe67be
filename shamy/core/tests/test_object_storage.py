"""Uploaded files on an S3-compatible bucket (moto's standalone server, over HTTP), through the
real views: stored privately, served only after the access check, never by a local path."""

from __future__ import annotations

import io
import re
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from storages.backends.s3 import S3Storage

from shamy.attendance.models import Material
from shamy.core import files
from shamy.core.testing.files import jpeg_with_gps
from shamy.portfolios.models import Evidence
from shamy.portfolios.tests.conftest import make_project
from shamy.programmes.testing import PDF_BYTES, build_scene

pytestmark = pytest.mark.django_db

SHAMY = Path(__file__).resolve().parents[2]


def _anonymous_get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (the loopback test server)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_evidence_goes_to_the_private_bucket_and_comes_back_only_through_the_checked_view(
    client, programme_cast, s3_bucket
):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    client.force_login(cast.talgat)
    response = client.post(
        reverse("portfolios:evidence-add", args=[project.pk]),
        {"title": "Сабақ", "file": SimpleUploadedFile("IMG_0001.jpg", jpeg_with_gps(), content_type="image/jpeg")},
    )
    assert response.status_code == 302
    evidence = Evidence.objects.get(project=project)
    assert isinstance(evidence.file.storage._wrapped, S3Storage)  # the default storage really is the bucket
    keys = s3_bucket.keys()
    assert keys == sorted([f"media/{evidence.file.name}", f"media/{evidence.thumbnail.name}"])
    stored = s3_bucket.client().get_object(Bucket=s3_bucket.name, Key=f"media/{evidence.file.name}")["Body"].read()
    assert stored == files.clean_image(jpeg_with_gps()).content

    # The teacher downloads it through the view: the same bytes, no EXIF, the same safe headers.
    download = client.get(reverse("portfolios:evidence-file", args=[evidence.pk]))
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body == stored
    image = Image.open(io.BytesIO(body))
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert download["Content-Type"] == "image/jpeg"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert download["Content-Disposition"].startswith("inline; filename=")
    assert download["Cache-Control"].startswith("private")
    thumbnail = client.get(reverse("portfolios:evidence-thumbnail", args=[evidence.pk]))
    assert Image.open(io.BytesIO(b"".join(thumbnail.streaming_content))).width <= files.THUMBNAIL_SIDE

    # A teacher of another school is refused (outside her scope the evidence does not exist), and
    # nothing of the file is sent.
    client.force_login(cast.tomiris)
    refused = client.get(reverse("portfolios:evidence-file", args=[evidence.pk]))
    assert refused.status_code == 404
    assert stored not in refused.content

    # The bucket is not public: an unsigned GET of the object is refused by the S3 server.
    assert _anonymous_get(f"{s3_bucket.endpoint}/{s3_bucket.name}/media/{evidence.file.name}") == 403
    acl = s3_bucket.client().get_object_acl(Bucket=s3_bucket.name, Key=f"media/{evidence.file.name}")
    assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # the owner only
    assert all("URI" not in grant["Grantee"] for grant in acl["Grants"])  # no AllUsers / AuthenticatedUsers


def test_the_portfolio_zip_reads_evidence_from_the_bucket_and_removal_deletes_the_objects(
    client, programme_cast, s3_bucket, django_capture_on_commit_callbacks
):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    client.force_login(cast.talgat)
    client.post(
        reverse("portfolios:evidence-add", args=[project.pk]),
        {"title": "Сабақ", "file": SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")},
    )
    evidence = Evidence.objects.get(project=project)
    exported = client.get(reverse("portfolios:portfolio-export-zip", args=[project.pk]))
    assert exported.status_code == 200
    content = b"".join(exported.streaming_content) if exported.streaming else exported.content
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        photos = [archive.read(name) for name in archive.namelist() if name.endswith(".jpg")]
    assert files.clean_image(jpeg_with_gps()).content in photos

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("portfolios:evidence-delete", args=[evidence.pk]))
    assert response.status_code == 302
    assert s3_bucket.keys() == []


def test_a_missing_object_is_a_404_not_a_server_error(client, programme_cast, s3_bucket):
    cast = programme_cast
    project = make_project(cast.talgat, cast.cohort_a)
    client.force_login(cast.talgat)
    client.post(
        reverse("portfolios:evidence-add", args=[project.pk]),
        {"title": "Сабақ", "file": SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg")},
    )
    evidence = Evidence.objects.get(project=project)
    default_storage.delete(evidence.file.name)
    assert client.get(reverse("portfolios:evidence-file", args=[evidence.pk])).status_code == 404


def test_a_gathering_material_on_the_bucket_downloads_for_participants_only(client, programme_cast, s3_bucket):
    scene = build_scene(programme_cast)  # timur adds the session's agenda (a PDF) through the service
    material = Material.objects.get(pk=scene.material.pk)
    key = f"media/{material.file.name}"
    assert key in s3_bucket.keys()
    assert material.file.size == len(PDF_BYTES)  # read from the bucket (HEAD), not from a disk

    client.force_login(programme_cast.talgat)  # a participant of the session
    response = client.get(reverse("attendance:material-download", args=[material.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"

    client.force_login(programme_cast.tomiris)  # cohort B: not this session's
    assert client.get(reverse("attendance:material-download", args=[material.pk])).status_code == 404
    assert _anonymous_get(f"{s3_bucket.endpoint}/{s3_bucket.name}/{key}") == 403


# A local path (``.path``, ``MEDIA_ROOT``, ``open(<name>)``) works on the disk and fails on a
# bucket; every stored file is reached through its storage instead.
LOCAL_PATH = re.compile(r"(?<!os)\.path\b(?!\s*=)|MEDIA_ROOT|\bopen\([^)]*\.name\b")
# URL paths, the portfolio zip's member paths and the map's SVG path data are not file-system paths.
NOT_A_FILE = re.compile(r"(request|parts|urlsplit\([^)]*\)|item|shape)\.path\b")


def test_no_application_code_reaches_a_stored_file_by_its_local_path():
    offenders = []
    for source in SHAMY.rglob("*.py"):
        relative = source.relative_to(SHAMY).as_posix()
        if "/tests/" in relative or "/migrations/" in relative or relative.startswith("core/testing/"):
            continue
        for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), start=1):
            code = line.split("#", 1)[0]
            if LOCAL_PATH.search(NOT_A_FILE.sub("", code)):
                offenders.append(f"{relative}:{number}: {line.strip()}")
    # settings.py defines MEDIA_ROOT for the local default; nothing else may use it.
    assert offenders == [
        next(entry for entry in offenders if entry.startswith("settings.py:") and "MEDIA_ROOT =" in entry)
    ]
