from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pracharat.core import backups


class Command(BaseCommand):
    help = (
        "Replace the database's contents with a backup of `pracharat backup` (pg_restore "
        "--clean in one transaction on PostgreSQL; the online backup API on SQLite). Stop the "
        "web, listeners and workers first."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="the backup file")
        parser.add_argument(
            "--yes", action="store_true", help="do it: what the database holds now is replaced"
        )

    def handle(self, *args, path, yes, **options):
        if not yes:
            raise CommandError("this replaces the database's contents: add --yes to go on")
        try:
            backups.restore(Path(path))
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {backups.engine()} database from {path}")
