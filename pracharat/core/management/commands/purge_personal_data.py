from django.core.management.base import BaseCommand

from pracharat.core.personal_data import purge_personal_data


class Command(BaseCommand):
    help = (
        "Anonymise or delete personal data past its retention (PRIVACY_*_DAYS, see "
        "docs/privacy.md). Idempotent, all or nothing; --dry-run counts without changing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="count what would go, change nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        counts = purge_personal_data(dry_run=dry_run)
        for what, count in counts.items():
            self.stdout.write(f"{what}: {count}")
        done = "dry run, nothing changed" if dry_run else "done"
        self.stdout.write(self.style.SUCCESS(f"{sum(counts.values())} in all ({done})"))
