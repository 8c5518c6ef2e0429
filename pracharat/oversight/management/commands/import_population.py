"""``pracharat import_population FILE [--check]``: villages' population and households (CSV or
XLSX, see ``oversight.imports``), for the worth review's reach."""

from django.core.management.base import BaseCommand, CommandError

from pracharat.oversight.imports import import_population


class Command(BaseCommand):
    help = "Import villages' registered population and households (CSV or XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--check", action="store_true", help="check only, write nothing")

    def handle(self, *args, file, check, **options):
        with open(file, "rb") as handle:
            result = import_population(handle, dry_run=check)
        for error in result.errors:
            self.stderr.write(f"line {error.line} {error.column}: {error.message}")
        if result.errors:
            raise CommandError(f"{len(result.errors)} errors; nothing written")
        self.stdout.write(
            f"{result.rows} rows: {result.created} new, {result.updated} changed, "
            f"{result.unchanged} unchanged" + (" (checked only)" if check else "")
        )
