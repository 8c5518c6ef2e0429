"""What the shared file cache costs a cached search ranking, against the per-process memory
cache it replaced as the embedded default (``python -m bench cache_read``).

One process, one thread, no requests in flight: a cached ranking (1,000 product ids, as
``market.search`` stores it) read back ``--reads`` times per round from each cache, the two
caches interleaved (memory, file, memory, file …) over ``--rounds`` rounds; the median and
95th percentile of all reads per cache are printed. It measures the cache read alone, the
part of a cached search the change touched.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench cache_read")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reads", type=int, default=2000)
    args = parser.parse_args(argv)

    from django.conf import settings

    settings.configure(
        CACHES={
            "memory": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
            "file": {
                "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                "LOCATION": tempfile.mkdtemp(prefix="pracharat-cache-bench-"),
                "OPTIONS": {"MAX_ENTRIES": 5000},  # as settings.py
            },
        }
    )
    import django

    django.setup()
    from django.core.cache import caches

    ranking = list(range(100_000, 101_000))
    samples: dict[str, list[float]] = {"memory": [], "file": []}
    for name in samples:
        caches[name].set("ranking", ranking, 300)
    for _ in range(args.rounds):
        for name, times in samples.items():
            cache = caches[name]
            for _ in range(args.reads):
                start = time.perf_counter()
                cache.get("ranking")
                times.append(time.perf_counter() - start)
    print(f"{'cache':<8} {'reads':>7} {'p50 µs':>8} {'p95 µs':>8}")
    for name, times in samples.items():
        p95 = statistics.quantiles(times, n=20)[18]
        print(f"{name:<8} {len(times):>7} {statistics.median(times) * 1e6:>8.0f} {p95 * 1e6:>8.0f}")
