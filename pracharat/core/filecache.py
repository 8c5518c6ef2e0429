"""The embedded default's shared cache: Django's file cache, culled less often.

Django's ``FileBasedCache`` lists its whole folder on every write to decide whether to cull
(``_cull``): about 5 ms per ``set`` at 2,000 entries on our machine, so a page that stores a
part of itself paid more for the listing than for making the part. This one does that check
at most once every ``CULL_SECONDS`` per process and folder; between checks the folder may
pass ``MAX_ENTRIES`` by what one process writes in that time, and the next check culls it
back as Django's would. Reads, writes and expiry are Django's.
"""

from __future__ import annotations

import threading
import time

from django.core.cache.backends.filebased import FileBasedCache

CULL_SECONDS = 10.0

_last_cull: dict[str, float] = {}
_lock = threading.Lock()


class FileCache(FileBasedCache):
    def _cull(self):
        now = time.monotonic()
        with _lock:
            if now - _last_cull.get(self._dir, -CULL_SECONDS) < CULL_SECONDS:
                return
            _last_cull[self._dir] = now
        super()._cull()
