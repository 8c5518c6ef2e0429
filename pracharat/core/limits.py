"""Rate limits and lockouts that count atomically across every worker and process.

A per-process counter (or a cache read, then written) lets N workers, or N requests in flight,
each see "under the limit" at once: 100 concurrent guesses once evaluated 41 against a limit of
5. Here each attempt is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on the shared
database (PostgreSQL, or SQLite where the write lock serialises it), so the n-th attempt in a
window sees exactly n whatever runs at once. A caller reserves the attempt first, does the
guarded work only when the count is within its limit, and may refund an attempt that should
not count (a look-up that found the order).

Windows are fixed (``window`` seconds, aligned to the epoch). Subjects are hashed with the PDPA
key before they reach the table.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from pracharat.core.models import RateCounter
from pracharat.core.privacy import keyed_hash


@dataclass(frozen=True)
class Limit:
    """``attempts`` per ``window`` seconds under ``scope`` (e.g. "market.lookup.client")."""

    scope: str
    attempts: int
    window: int

    def _key(self, subject: str, now: float) -> tuple[str, dt.datetime]:
        bucket = int(now // self.window)
        expires = dt.datetime.fromtimestamp((bucket + 1) * self.window, tz=dt.UTC)
        return keyed_hash(f"{self.scope}\x00{subject}\x00{bucket}"), expires

    def hit(self, subject: str) -> bool:
        """Count one attempt by ``subject``; True while it is within the limit."""
        return count_attempt(self, subject) <= self.attempts

    def refund(self, subject: str) -> None:
        """Take back one attempt of ``subject`` in the current window (never below zero)."""
        key, _ = self._key(subject, time.time())
        RateCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)

    def used(self, subject: str) -> int:
        """Attempts ``subject`` has made in the current window (read only)."""
        key, _ = self._key(subject, time.time())
        return RateCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0


_UPSERT = (
    'INSERT INTO core_ratecounter ("key", "count", "expires") VALUES (%s, 1, %s) '
    'ON CONFLICT ("key") DO UPDATE SET "count" = core_ratecounter."count" + 1 RETURNING "count"'
)


def count_attempt(limit: Limit, subject: str) -> int:
    """Add one attempt and return how many ``subject`` has made in the current window."""
    key, expires = limit._key(subject, time.time())
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, connection.ops.adapt_datetimefield_value(expires)])
        (count,) = cursor.fetchone()
        if count == 1:  # a new window: clear the expired ones now and then, not on every hit
            RateCounter.objects.filter(expires__lt=timezone.now()).delete()
    return count
