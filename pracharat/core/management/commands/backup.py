from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pracharat.core import backups


class Command(BaseCommand):
    help = (
        "Back the database up while it runs: pg_dump (custom format) on PostgreSQL, SQLite's "
        "online backup API on SQLite. Media files and secrets are not included."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path", nargs="?", help="file to write (default: var/backups/pracharat-<time>.*)"
        )

    def handle(self, *args, path=None, **options):
        from django.conf import settings

        try:
            kind = backups.engine()
            if not path:
                stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
                suffix = "dump" if kind == "postgresql" else "sqlite3"
                path = settings.VAR_DIR / "backups" / f"pracharat-{stamp}.{suffix}"
            written = backups.backup(Path(path))
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{kind} backup written: {written} ({written.stat().st_size:,} bytes)")
