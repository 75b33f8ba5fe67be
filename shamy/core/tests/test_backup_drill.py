"""The restore drill (issue 18): demo data and files, a fingerprint, a backup through the same code
as ``make backup``, the data lost, a restore into a NEW database, the same fingerprint, and the
site serving from the restored database. On the PostgreSQL pass it drills pg_dump/pg_restore; on
SQLite, the online backup API."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps as django_apps
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from psycopg import sql

from shamy.core import backup, files
from shamy.core.testing.cast import build_cast
from shamy.core.testing.files import jpeg_with_gps
from shamy.core.testing.s3 import new_bucket
from shamy.portfolios.models import Evidence
from shamy.portfolios.services import evidence as evidence_services
from shamy.portfolios.tests.conftest import make_project
from shamy.programmes.testing import build_programme_cast
from shamy.registry.demo.loader import demo_load
from shamy.registry.models import School

pytestmark = pytest.mark.django_db(transaction=True)


@contextmanager
def serving_from(name: str) -> Iterator[None]:
    """Point the default connection at another database (a name or a SQLite file) for a while."""
    original = connection.settings_dict["NAME"]
    # Set the open connection aside rather than closing it: SQLite's in-memory test database lives
    # only as long as its connection.
    kept, connection.connection = connection.connection, None
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original
        connection.connection = kept


def drop_postgres(target: backup.PostgresTarget) -> None:
    with target.connect("postgres", autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(target.name)))


@pytest.fixture
def local_media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"}}
    return Path(settings.MEDIA_ROOT)


def test_backup_drop_restore_into_a_new_database_gives_the_same_data_and_the_site_serves(client, local_media, tmp_path):
    # Demo data (a small national registry), the programme personas, and an audited upload.
    demo_load(scale=0.01)
    # A transactional test before this one may have flushed the rows that migrations seed.
    import_module("shamy.portfolios.migrations.0002_seed_focus_themes").seed(django_apps, None)
    cast = build_programme_cast(build_cast())
    project = make_project(cast.talgat, cast.cohort_a, title="Қалпына келтіру жобасы")
    photo = evidence_services.evidence_add(
        actor=cast.talgat,
        project=project,
        title="Сабақ",
        upload=SimpleUploadedFile("a.jpg", jpeg_with_gps(), content_type="image/jpeg"),
    )
    marked = backup.database_fingerprint()
    assert marked["tables"][School._meta.db_table] > 70 and marked["audit_rows"] >= 3

    # The same code as `make backup`, then a manifest that checks out.
    directory = backup.create_backup(tmp_path / "backups")
    manifest = backup.read_manifest(directory)
    assert manifest["fingerprint"] == marked
    assert manifest["engine"] == connection.vendor
    assert manifest["media"]["objects"] == 2  # the photo and its thumbnail
    assert set(manifest["files"]) == {
        backup.MEDIA_TAR,
        backup.POSTGRES_DUMP if connection.vendor == "postgresql" else backup.SQLITE_COPY,
    }

    # Everything is lost: the data and the files.
    call_command("flush", interactive=False, verbosity=0)
    for stored in sorted(local_media.rglob("*"), reverse=True):
        stored.unlink() if stored.is_file() else stored.rmdir()
    assert backup.database_fingerprint() != marked
    assert not any(local_media.rglob("*.jpg"))

    # Restored into a NEW database, it has the same rows and the same audit log.
    if connection.vendor == "postgresql":
        target = backup.PostgresTarget.from_settings(
            connection.settings_dict, f"{connection.settings_dict['NAME']}_drill_{uuid.uuid4().hex[:8]}"
        )
        new_database = target.name
    else:
        target = None
        new_database = str(tmp_path / "restored.sqlite3")
    try:
        restored = backup.restore_backup(directory, database=new_database)
        assert restored.fingerprint == marked
        assert restored.media_objects == 2
        with serving_from(new_database):
            assert backup.database_fingerprint() == marked
            # The site serves from it: a page that reads the data, and the file, after the checks.
            client.force_login(cast.talgat)
            page = client.get(reverse("portfolios:project-detail", args=[project.pk]))
            assert page.status_code == 200
            assert "Қалпына келтіру жобасы" in page.content.decode()
            client.force_login(cast.aigerim)  # the national administrator sees every school
            schools = client.get(reverse("registry:school-list"))
            assert schools.status_code == 200
            assert schools.context["page"].paginator.count == marked["tables"][School._meta.db_table]
            client.force_login(cast.talgat)
            download = client.get(reverse("portfolios:evidence-file", args=[photo.pk]))
            assert download.status_code == 200
            assert b"".join(download.streaming_content) == files.clean_image(jpeg_with_gps()).content
            assert Evidence.objects.get(pk=photo.pk).title == "Сабақ"
        # A second restore into the now non-empty database is refused rather than mixed in.
        with pytest.raises(backup.BackupError, match="new"):
            backup.restore_backup(directory, database=new_database, media=False)
    finally:
        if target is not None:
            drop_postgres(target)


def test_a_damaged_backup_is_refused_before_anything_is_restored(local_media, tmp_path):
    demo_load(scale=0.01)
    directory = backup.create_backup(tmp_path / "backups")
    manifest = json.loads((directory / backup.MANIFEST).read_text(encoding="utf-8"))
    damaged = next(name for name in manifest["files"] if name != backup.MEDIA_TAR)
    with (directory / damaged).open("r+b") as handle:
        handle.seek(100)
        handle.write(b"\x00damage\x00")
    new_database = (
        f"{connection.settings_dict['NAME']}_damaged_{uuid.uuid4().hex[:8]}"
        if connection.vendor == "postgresql"
        else str(tmp_path / "never.sqlite3")
    )
    with pytest.raises(backup.BackupError, match="checksum"):
        backup.restore_backup(directory, database=new_database)
    if connection.vendor == "postgresql":
        with backup.PostgresTarget.from_settings(connection.settings_dict).connect("postgres") as admin:
            assert admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [new_database]).fetchone() is None
    else:
        assert not Path(new_database).exists()


def test_backup_and_restore_commands(local_media, tmp_path, capsys):
    demo_load(scale=0.01)
    call_command("backup", "--dir", str(tmp_path / "backups"))
    directory = Path(capsys.readouterr().out.strip())
    assert (directory / backup.MANIFEST).exists() and (directory / backup.SUMS).exists()
    sums = (directory / backup.SUMS).read_text(encoding="utf-8").splitlines()
    assert sorted(line.split("  ")[1] for line in sums) == sorted(backup.read_manifest(directory)["files"])
    new_database = (
        f"{connection.settings_dict['NAME']}_cmd_{uuid.uuid4().hex[:8]}"
        if connection.vendor == "postgresql"
        else str(tmp_path / "restored.sqlite3")
    )
    try:
        call_command("restore", str(directory), "--into", new_database)
        assert "all matching the manifest" in capsys.readouterr().out
    finally:
        if connection.vendor == "postgresql":
            drop_postgres(backup.PostgresTarget.from_settings(connection.settings_dict, new_database))


def test_the_media_of_an_s3_bucket_are_backed_up_and_restored_into_another_bucket(s3_endpoint, settings, tmp_path):
    source = new_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": source.storage}
    written = {
        storages["default"].save(
            "portfolios/evidence/1/a.jpg", ContentFile(files.clean_image(jpeg_with_gps()).content)
        ),
        storages["default"].save("results/reports/r.pdf", ContentFile(b"%PDF-1.4 report")),
    }
    counted = backup.media_backup(tmp_path / backup.MEDIA_TAR, storages["default"])
    assert counted["objects"] == 2

    target = new_bucket(s3_endpoint)
    settings.STORAGES = {**settings.STORAGES, "default": target.storage}
    assert target.keys() == []
    assert backup.media_restore(tmp_path / backup.MEDIA_TAR, storages["default"]) == 2
    assert target.keys() == sorted(f"media/{name}" for name in written)
    for name in written:
        original = source.client().get_object(Bucket=source.name, Key=f"media/{name}")["Body"].read()
        assert target.client().get_object(Bucket=target.name, Key=f"media/{name}")["Body"].read() == original
        acl = target.client().get_object_acl(Bucket=target.name, Key=f"media/{name}")
        assert [grant["Permission"] for grant in acl["Grants"]] == ["FULL_CONTROL"]  # restored private too
