"""``pracharat track [--every SECONDS]``: ask Thailand Post Track & Trace about every shipped
order; parcels scanned as delivered (status 501) move their order to delivered.

Once by default (cron); with ``--every`` it keeps polling and survives Track & Trace outages,
which is how ``pracharat serve`` runs it when ``THAILANDPOST_API_KEY`` is set. Needs
THAILANDPOST_API_KEY (and THAILANDPOST_API_URL for a non-production API).
"""

import logging
import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import close_old_connections

from pracharat.market import thaipost

log = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Poll Thailand Post Track & Trace for shipped orders and record new scans."

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=int, default=0, help="keep polling, every this many seconds (>= 60)"
        )

    def handle(self, *args, every, **options):
        if not every:
            try:
                counts = thaipost.poll_shipped_orders()
            except thaipost.TrackTraceError as exc:
                raise CommandError(f"Track & Trace: {exc}") from exc
            self.stdout.write(self._line(counts))
            return
        if every < 60:
            raise CommandError("--every must be at least 60 seconds (Thailand Post rate-limits)")
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        client = thaipost.Client()
        while not stopping:
            close_old_connections()
            try:
                self.stdout.write(self._line(thaipost.poll_shipped_orders(client)))
            except thaipost.TrackTraceError as exc:
                log.warning("Track & Trace poll failed: %s", exc)
            deadline = time.monotonic() + every
            while not stopping and time.monotonic() < deadline:
                time.sleep(1)

    @staticmethod
    def _line(counts) -> str:
        return "{parcels} parcels asked, {new} new scans, {delivered} delivered".format(**counts)
