"""Rate limits and lockouts that count atomically across every worker and process.

A per-process counter (or a cache read, then written) lets N workers, or N requests in flight,
each see "under the limit" at once: 100 concurrent guesses once evaluated 41 against a limit of
5. Here each attempt is one atomic increment in a store every worker shares, so the n-th
attempt in a window sees exactly n whatever runs at once. A caller reserves the attempt first,
does the guarded work only when the count is within its limit, and may refund an attempt that
should not count (a look-up that found the order).

One helper, two stores behind it (``settings.RATE_LIMIT_STORE``, read at each call):

- ``cache`` -- the shared cache when it is Redis (``REDIS_URL``): ``cache.add`` creates the
  window's key with its expiry, ``cache.incr`` (Redis ``INCRBY``) counts; both are atomic on
  the server, so every web worker, task worker and host shares one count. The default when
  ``REDIS_URL`` is set.
- ``database`` -- the embedded default. Its cache is files under ``var/``, whose ``incr`` is a
  read then a write (two processes both read 4 and both write 5), so counting there would not
  be atomic; instead each attempt is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` on
  ``core.RateCounter`` (PostgreSQL, or SQLite where the write lock serialises it).

Windows are fixed (``window`` seconds, aligned to the epoch). Subjects are hashed with the PDPA
key before they reach either store.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.core.exceptions import ImproperlyConfigured
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
        if _store() == "cache":
            try:
                if _cache().decr(_cache_key(key)) < 0:
                    _cache().incr(_cache_key(key))
            except ValueError:  # the window ended meanwhile: nothing to give back
                pass
            return
        RateCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)

    def used(self, subject: str) -> int:
        """Attempts ``subject`` has made in the current window (read only)."""
        key, _ = self._key(subject, time.time())
        if _store() == "cache":
            return int(_cache().get(_cache_key(key)) or 0)
        return RateCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0


def _store() -> str:
    return settings.RATE_LIMIT_STORE


def _cache():
    cache = caches["default"]
    if not isinstance(cache, RedisCache):
        # Django's file and local-memory caches increment by read-then-write.
        raise ImproperlyConfigured("RATE_LIMIT_STORE=cache needs the Redis cache (REDIS_URL)")
    return cache


def _cache_key(key: str) -> str:
    return f"limit:{key}"


_UPSERT = (
    'INSERT INTO core_ratecounter ("key", "count", "expires") VALUES (%s, 1, %s) '
    'ON CONFLICT ("key") DO UPDATE SET "count" = core_ratecounter."count" + 1 RETURNING "count"'
)


def count_attempt(limit: Limit, subject: str) -> int:
    """Add one attempt and return how many ``subject`` has made in the current window."""
    now = time.time()
    key, expires = limit._key(subject, now)
    if _store() == "cache":
        shared, name = _cache(), _cache_key(key)
        ttl = max(1, int(expires.timestamp() - now) + 1)
        for _attempt in range(3):
            shared.add(name, 0, timeout=ttl)  # only the first caller of the window creates it
            try:
                return shared.incr(name)
            except ValueError:  # expired between add and incr: create it again
                continue
        raise RuntimeError(f"could not count an attempt under {limit.scope}")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_UPSERT, [key, connection.ops.adapt_datetimefield_value(expires)])
        (count,) = cursor.fetchone()
        if count == 1:  # a new window: clear the expired ones now and then, not on every hit
            RateCounter.objects.filter(expires__lt=timezone.now()).delete()
    return count
