"""``pracharat track``: ask Thailand Post Track & Trace about every shipped order.

Run it from cron (e.g. hourly); parcels scanned as delivered (status 501) move their order to
delivered. Needs THAILANDPOST_API_KEY (and THAILANDPOST_API_URL for a non-production API).
"""

from django.core.management.base import BaseCommand, CommandError

from pracharat.market import thaipost


class Command(BaseCommand):
    help = "Poll Thailand Post Track & Trace for shipped orders and record new scans."

    def handle(self, *args, **options):
        try:
            counts = thaipost.poll_shipped_orders()
        except thaipost.TrackTraceError as exc:
            raise CommandError(f"Track & Trace: {exc}") from exc
        self.stdout.write(
            "{parcels} parcels asked, {new} new scans, {delivered} delivered".format(**counts)
        )
