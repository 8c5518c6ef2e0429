"""``pracharat import_products FILE --group CODE``: list many products from a CSV file."""

from django.core.management.base import BaseCommand, CommandError

from pracharat.market import imports
from pracharat.market.models import ProducerGroup


class Command(BaseCommand):
    help = (
        "Create or update a producer group's products from a CSV or XLSX file. Columns: "
        + ", ".join(c.key for c in imports.COLUMNS)
        + " (the first four required; Thai headers too; see docs/market.md). Nothing is "
        "imported if any line has an error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or Windows-874) or XLSX file ('-' for stdin)")
        parser.add_argument("--group", required=True, help="producer group code")

    def handle(self, *args, file, group, **options):
        try:
            target = ProducerGroup.objects.get(code=group)
        except ProducerGroup.DoesNotExist:
            raise CommandError(f"no producer group with code {group!r}") from None
        try:
            if file == "-":
                import sys

                data = sys.stdin.buffer.read()
            else:
                with open(file, "rb") as handle:
                    data = handle.read()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from exc
        result = imports.import_products(target, data)
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported")
        self.stdout.write(
            self.style.SUCCESS(f"{target.code}: {result.created} created, {result.updated} updated")
        )
