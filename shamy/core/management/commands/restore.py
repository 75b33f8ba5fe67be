"""``manage.py restore <backup dir>``: into a new, empty database, checked against the manifest
(shamy/core/backup.py; README.md, "Backups and restore")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shamy.core.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: check every file's checksum, restore the database into a "
        "NEW database (PostgreSQL: created if missing, refused if it holds tables; SQLite: a new file), compare "
        "its row counts and audit log with the manifest, then write the uploaded files back."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("backup", type=Path, help="The backup directory (holding manifest.json).")
        parser.add_argument(
            "--into",
            default="",
            help="The new database's name (PostgreSQL) or file (SQLite); default: the configured database.",
        )
        parser.add_argument("--no-media", action="store_true", help="The database only.")
        parser.add_argument("--jobs", type=int, default=2, help="pg_restore's parallel jobs (default 2).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            restored = restore_backup(
                options["backup"], database=options["into"], media=not options["no_media"], jobs=options["jobs"]
            )
        except BackupError as error:
            raise CommandError(str(error)) from error
        tables = restored.fingerprint["tables"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored into {restored.database} in {restored.seconds:.1f} s: {len(tables)} tables, "
                f"{sum(tables.values()):,} rows, {restored.fingerprint['audit_rows']:,} audit entries and "
                f"{restored.media_objects:,} files, all matching the manifest."
            )
        )
