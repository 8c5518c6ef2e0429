"""Generations: a number shared by every worker through the platform cache, for keys of
cached answers. Readers put ``Generation.current()`` in their keys; a write that makes those
answers stale calls ``bump()``, and from then on every worker asks for new keys.

A bump only ever increases the number (``cache.incr``), so no generation is handed out twice
and no stale answer can be read again. When the cache has lost the key (evicted, or a new
cache), it starts again from the clock in microseconds, far above any number the earlier
counting reached.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from django.core.cache import cache
from django.db import transaction


def _start() -> int:
    return time.time_ns() // 1000


class Generation:
    def __init__(self, key: str) -> None:
        self.key = key

    def current(self) -> int:
        value = cache.get(self.key)
        if value is None:
            cache.add(self.key, _start(), None)
            value = cache.get(self.key, 0)
        return value

    @staticmethod
    def current_many(generations: Sequence[Generation]) -> list[int]:
        """``current()`` of each of ``generations``, in their order, from one ``get_many``
        (a page keyed by many, e.g. one per product on it, reads them in one round trip)."""
        keys = [g.key for g in generations]
        found = cache.get_many(keys)
        missing = [key for key in keys if key not in found]
        if missing:
            for key in missing:
                cache.add(key, _start(), None)
            found.update(cache.get_many(missing))
        return [found.get(key, 0) for key in keys]

    def bump(self) -> None:
        try:
            cache.incr(self.key)
        except ValueError:  # not in the cache: any fresh start is newer than what was read
            cache.add(self.key, _start(), None)

    def bump_for_write(self) -> None:
        """After a write that makes the answers stale: a new number now (the writer's own reads
        in its transaction) and again when the transaction commits (an answer another worker
        computed meanwhile, from the data before the commit, is then not read)."""
        self.bump()
        transaction.on_commit(self.bump)
