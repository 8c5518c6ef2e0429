"""``pracharat track``: ask Thailand Post Track & Trace once about every shipped order;
parcels scanned as delivered (status 501) move their order to delivered.

The worker does the same every ``THAILANDPOST_POLL_SECONDS`` (the periodic job
``market.thaipost``); this command is for a one-off poll. Needs THAILANDPOST_API_KEY (and
THAILANDPOST_API_URL for a non-production API).
"""

from django.core.management.base import BaseCommand, CommandError

from pracharat.market import thaipost


class Command(BaseCommand):
    help = "Poll Thailand Post Track & Trace once for shipped orders and record new scans."

    def handle(self, *args, **options):
        try:
            counts = thaipost.poll_shipped_orders()
        except thaipost.TrackTraceError as exc:
            raise CommandError(f"Track & Trace: {exc}") from exc
        self.stdout.write(
            "{parcels} parcels asked, {new} new scans, {delivered} delivered".format(**counts)
        )
