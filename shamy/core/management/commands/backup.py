"""``manage.py backup``: the database and the uploaded files into a timestamped directory
(shamy/core/backup.py; README.md, "Backups and restore")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shamy.core.backup import BackupError, create_backup, default_backup_root


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump -Fc inside one snapshot; SQLite: the online backup API) "
        "and every uploaded file (local disk or S3 bucket) into <dir>/<UTC timestamp>/ with a manifest of "
        "checksums and the data's fingerprint."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=None, help="Where to write (default var/backups).")
        parser.add_argument("--no-media", action="store_true", help="The database only.")
        parser.add_argument("--database", default="default", help="The database alias (default 'default').")

    def handle(self, *args: Any, **options: Any) -> None:
        root = options["dir"] or default_backup_root()
        try:
            directory = create_backup(root, using=options["database"], media=not options["no_media"])
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(directory))
