"""Oversight dashboards at national data size: the province dashboard and the national table.

``python -m bench oversight_dashboard [DATABASE_URL] [--points N] [--days D] [--repeat R]
[--reuse VAR_DIR]`` builds a scratch database as ``bench.network_dashboards`` does (N
simulated service points on real sub-districts all over Thailand, D days of ``DailyUsage``
written straight into the rollup table by one INSERT … SELECT, then the monthly and the
province/district ``AreaDailyUsage`` rows by GROUP BY; no raw sessions), adds oversight's
own rows (a visit per province with findings and follow-up actions owned by its agencies,
some overdue, some done), then requests each dashboard URL through Django's test client,
one request at a time (server time: queries and rendering, no network): the number of
queries of one request, and the median and p95 of R requests.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time

from bench import _django
from bench.network_dashboards import _arg
from bench.network_dashboards import build as build_network


def build_oversight(actions_per_province: int = 40) -> dict[str, float]:
    """A visit in every province this fiscal year, one finding per place, and
    ``actions_per_province`` actions spread over the province's agencies and statuses."""
    from pracharat.oversight import demo_data

    started = time.perf_counter()
    counts = demo_data.bulk_national(actions_per_province=actions_per_province)
    counts["seconds"] = time.perf_counter() - started
    return counts


def measure(repeat: int) -> list[tuple[str, int, int, dict]]:
    from django.db import connection
    from django.test import Client

    from pracharat.core.lib import thaidate

    be = thaidate.fiscal_year_of(dt.date.today()).be
    urls = [
        "/oversight/dashboard/",
        "/oversight/dashboard/65/",
        "/oversight/dashboard/6506/",
        "/oversight/dashboard/65060209/",
        "/oversight/dashboard.csv",
        f"/api/v1/oversight/dashboard/65?fy={be}",
        f"/api/v1/oversight/dashboard?fy={be}",
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    rows = []
    for url in urls:
        response = client.get(url)  # warm the cache and the database pages
        assert response.status_code == 200, (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        executed = []
        with connection.execute_wrapper(
            lambda run, sql, *args, log=executed: log.append(sql) or run(sql, *args)
        ):
            again = client.get(url)
            if again.streaming:
                b"".join(again.streaming_content)

        def fetch(url=url):
            r = client.get(url)
            if r.streaming:
                b"".join(r.streaming_content)

        figures = _django.timed(fetch, repeat)
        rows.append((url, len(executed), len(body), figures))
    return rows


def main(argv: list[str]) -> None:
    database_url = argv[0] if argv and not argv[0].startswith("--") else None
    points = _arg(argv, "--points", 44_000)
    days = _arg(argv, "--days", 365)
    repeat = _arg(argv, "--repeat", 20)
    if "--reuse" in argv:
        import django

        os.environ["PRACHARAT_VAR_DIR"] = argv[argv.index("--reuse") + 1]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pracharat.settings")
        if database_url:
            os.environ["DATABASE_URL"] = database_url
        else:
            os.environ.pop("DATABASE_URL", None)
        django.setup()
        print("oversight_dashboard, reused database", flush=True)
    else:
        vendor = _django.setup(database_url)
        print(f"oversight_dashboard on {vendor}: {points} points × {days} days", flush=True)
        print(f"scratch directory: {os.environ['PRACHARAT_VAR_DIR']}", flush=True)
        timings = build_network(points, days)
        print(
            f"build: points {timings['points']:.1f} s, daily rows {timings['daily_rows']:,} "
            f"in {timings['daily']:.1f} s, area rows {timings['area_rows']:,} "
            f"in {timings['derived']:.1f} s",
            flush=True,
        )
        counts = build_oversight()
        print(
            f"oversight: {counts['visits']} visits, {counts['findings']} findings, "
            f"{counts['actions']:,} actions in {counts['seconds']:.1f} s",
            flush=True,
        )
    print("one request at a time, Django test client (server time, no network)")
    print("| URL | queries | body | p50 | p95 | max |")
    print("| --- | --- | --- | --- | --- | --- |")
    for url, queries, size, f in measure(repeat):
        print(
            f"| `{url}` | {queries} | {size / 1024:.1f} KB | {f['p50']:.1f} ms | "
            f"{f['p95']:.1f} ms | {f['max']:.1f} ms |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
