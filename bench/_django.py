"""Shared set-up for benchmarks: Django on a scratch database (never the real var/)."""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from collections.abc import Callable


def setup(database_url: str | None = None, var_dir: str | None = None) -> str:
    """Configure Django on a fresh scratch SQLite file (or ``database_url``) and migrate it;
    the scratch directory is ``var_dir`` when given (so a server started later can share it).
    Returns a label for reports."""
    scratch = var_dir or tempfile.mkdtemp(prefix="pracharat-bench-")
    os.environ["PRACHARAT_VAR_DIR"] = scratch
    os.makedirs(os.path.join(scratch, "static"), exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pracharat.settings")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    from django.db import connection

    return connection.vendor


def fresh_database(base: str, name: str) -> str:
    """An empty PostgreSQL database ``name`` on the server at ``base``
    (``postgresql://user@host:port``), dropped first if it was there; returns its URL."""
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    return f"{base}/{name}"


def drop_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def timed(fn: Callable[[], object], repeat: int) -> dict[str, float]:
    """Run ``fn`` ``repeat`` times; p50/p95/max in milliseconds."""
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    return {
        "p50": statistics.median(samples),
        "p95": samples[max(0, int(len(samples) * 0.95) - 1)],
        "max": samples[-1],
    }


def measure_pages(
    client, urls: list[str], repeat: int, before: Callable[[], object] | None = None
) -> list[tuple[str, int, int, dict]]:
    """Each URL fetched once to warm the cache and the database pages, then once more counting
    its queries, then timed: ``(url, queries, bytes, timed figures)`` per URL. ``before`` is
    called before every request (to empty a cache the page would otherwise read)."""
    from django.db import connection

    def read(url: str) -> bytes:
        if before is not None:
            before()
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return b"".join(response.streaming_content) if response.streaming else response.content

    rows = []
    for url in urls:
        body = read(url)
        executed: list[str] = []
        with connection.execute_wrapper(
            lambda run, sql, *args, log=executed: log.append(sql) or run(sql, *args)
        ):
            read(url)
        rows.append((url, len(executed), len(body), timed(lambda url=url: read(url), repeat)))
    return rows
