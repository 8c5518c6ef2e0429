from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pracharat.geo.actions import VILLAGE_COLUMNS, import_villages


class Command(BaseCommand):
    help = (
        "Import villages from a CSV or XLSX file with the columns "
        f"{', '.join(c.key for c in VILLAGE_COLUMNS)} (the first three required). "
        "All or nothing: a file with any bad line imports nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"{file}: {exc}") from exc
        result = import_villages(data)
        if not result.ok:
            for error in result.errors:
                where = f"{file}:{error.line}" + (f": {error.column}" if error.column else "")
                self.stderr.write(f"{where}: {error.message}")
            raise CommandError(f"{len(result.errors)} bad line(s); nothing was imported")
        self.stdout.write(
            self.style.SUCCESS(f"villages: {result.created} created, {result.updated} updated")
        )
