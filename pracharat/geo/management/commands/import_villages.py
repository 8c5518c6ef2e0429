from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pracharat.geo.actions import VILLAGE_COLUMNS, import_villages


class Command(BaseCommand):
    help = (
        f"Import villages from a CSV file with the columns {', '.join(VILLAGE_COLUMNS)}. "
        "All or nothing: a file with any bad line imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            with file.open(encoding="utf-8-sig", newline="") as handle:
                result = import_villages(handle)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"{file}: {exc}") from exc
        if not result.ok:
            for line, reason in result.errors:
                self.stderr.write(f"{file}:{line}: {reason}")
            raise CommandError(f"{len(result.errors)} bad line(s); nothing was imported")
        self.stdout.write(
            self.style.SUCCESS(f"villages: {result.created} created, {result.updated} updated")
        )
