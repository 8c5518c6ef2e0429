"""The embedded default's shared cache: Django's file cache, culled less often and in order.

Django's ``FileBasedCache`` lists its whole folder on every write to decide whether to cull
(``_cull``): about 5 ms per ``set`` at 2,000 entries on our machine, so a page that stores a
part of itself paid more for the listing than for making the part. This one does that check
at most once every ``CULL_SECONDS`` per process and folder; between checks the folder may
pass ``MAX_ENTRIES`` by what one process writes in that time.

When it culls, it does not pick at random as Django does. A random third may hold the
generation counters (``core.generations``, stored without a timeout): losing one restarts it
from the clock, every part keyed by it becomes unreachable at once, and each page remakes
all its parts in the same second (measured: the product page fell from 990 to 135 req/s
after one such cull). So the expired entries go first, then those nearest to expiring (as
Redis's ``volatile-ttl``), and entries without a timeout only when nothing else is left.
Reads, writes and expiry are Django's.
"""

from __future__ import annotations

import math
import pickle
import threading
import time

from django.core.cache.backends.filebased import FileBasedCache

CULL_SECONDS = 10.0

_last_cull: dict[str, float] = {}
_lock = threading.Lock()


def _expiry(name: str) -> float:
    """When the entry in file ``name`` expires (Unix time); never is infinity, gone is 0."""
    try:
        with open(name, "rb") as f:
            # the file starts with its expiry; Django itself unpickles these files
            expiry = pickle.load(f)  # noqa: S301
    except (OSError, EOFError, pickle.UnpicklingError):
        return 0.0
    return math.inf if expiry is None else float(expiry)


class FileCache(FileBasedCache):
    def _cull(self):
        now = time.monotonic()
        with _lock:
            if now - _last_cull.get(self._dir, -CULL_SECONDS) < CULL_SECONDS:
                return
            _last_cull[self._dir] = now
        names = self._list_cache_files()
        if len(names) < self._max_entries:
            return
        if self._cull_frequency == 0:
            return self.clear()
        at_least = len(names) // self._cull_frequency
        wall = time.time()
        for i, (expiry, name) in enumerate(sorted((_expiry(n), n) for n in names)):
            if i >= at_least and expiry > wall:
                break
            self._delete(name)
