from django.core.management.base import BaseCommand

from pracharat.network import retention


class Command(BaseCommand):
    help = (
        "Delete accounting sessions past ACCOUNTING_RETENTION_DAYS in batches (the periodic job "
        "network.accounting_retention does it daily); the rollups stay. --dry-run counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="count, delete nothing")

    def handle(self, *args, dry_run=False, **options):
        if dry_run:
            count = retention.expired().count()
            self.stdout.write(f"{count} sessions before {retention.first_kept_day()} (dry run)")
            return
        self.stdout.write(str(retention.purge_expired_sessions()))
