import time

from django.core.management.base import BaseCommand

from pracharat.geo.actions import load_geography


class Command(BaseCommand):
    help = (
        "Load or refresh Thailand's regions, provinces, districts and sub-districts (idempotent)."
    )

    def handle(self, *args, **options):
        started = time.perf_counter()
        counts = load_geography()
        self.stdout.write(
            self.style.SUCCESS(
                f"geography: {counts.regions} regions, {counts.provinces} provinces, "
                f"{counts.districts} districts, {counts.subdistricts} sub-districts "
                f"in {time.perf_counter() - started:.1f} s"
            )
        )
