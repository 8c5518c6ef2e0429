"""Network pages: dashboard and page server time at 44,000 points × 365 days of rollups.

``python -m bench network_dashboards [DATABASE_URL] [--points N] [--days D] [--repeat R]
[--reuse VAR_DIR]`` (``--reuse`` measures again on a database built by an earlier run: the
scratch directory it printed for SQLite, or the same DATABASE_URL for PostgreSQL)
builds a scratch database with N simulated service points on real sub-districts all over
Thailand (``simulate.create_points``), then fills D days of ``DailyUsage`` for every point
(N × D rows, written by one INSERT … SELECT in the database), and derives ``MonthlyUsage`` and
the province and district ``AreaDailyUsage`` rows from them with GROUP BY, the same shape the
rollups maintain. It then requests each page R times through Django's test client (server
time: queries + rendering, no network) and prints p50/p95, query count and body size.

Budgets from the issue: national dashboard 300 ms, province dashboard 100 ms.
"""

from __future__ import annotations

import os
import sys
import time

from bench import _django


def _arg(argv: list[str], name: str, default: int) -> int:
    if name in argv:
        return int(argv[argv.index(name) + 1])
    return default


DAILY_SQL = {
    # Deterministic pseudo-random figures from the point id and the day number, so both
    # databases hold the same shape: some points idle, weekly rhythm, 0-60 users a day.
    "postgresql": """
        INSERT INTO network_dailyusage
            (service_point_id, area_code, day, sessions, unique_users, session_seconds,
             bytes_in, bytes_out, peak_concurrent, computed_at)
        SELECT p.id, p.area_code, %(start)s::date + d.n,
               u.users * 2, u.users, u.users * 2400, u.users * 9000000::bigint,
               u.users * 60000000::bigint, (u.users + 3) / 4, now()
        FROM network_servicepoint p
        CROSS JOIN generate_series(0, %(days)s - 1) AS d(n)
        CROSS JOIN LATERAL (
            SELECT ((p.id * 7919 + d.n * 104729) %% 61) * ((p.id %% 11) <> 0)::int AS users
        ) u
        WHERE u.users > 0
    """,
    "sqlite": """
        WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < %(days)s - 1)
        INSERT INTO network_dailyusage
            (service_point_id, area_code, day, sessions, unique_users, session_seconds,
             bytes_in, bytes_out, peak_concurrent, computed_at)
        SELECT id, area_code, date(%(start)s, '+' || n || ' days'),
               users * 2, users, users * 2400, users * 9000000, users * 60000000,
               (users + 3) / 4, datetime('now')
        FROM (
            SELECT p.id, p.area_code, d.n,
                   ((p.id * 7919 + d.n * 104729) %% 61) * ((p.id %% 11) <> 0) AS users
            FROM network_servicepoint p CROSS JOIN d
        )
        WHERE users > 0
    """,
}

MONTH_EXPR = {
    "postgresql": "date_trunc('month', day)::date",
    "sqlite": "date(day, 'start of month')",
}

MONTHLY_SQL = """
    INSERT INTO network_monthlyusage
        (service_point_id, area_code, month, sessions, session_seconds, bytes_in, bytes_out,
         user_days, active_days, peak_concurrent, max_daily_users)
    SELECT service_point_id, MIN(area_code), {month}, SUM(sessions), SUM(session_seconds),
           SUM(bytes_in), SUM(bytes_out), SUM(unique_users), COUNT(*), MAX(peak_concurrent),
           MAX(unique_users)
    FROM network_dailyusage GROUP BY service_point_id, {month}
"""

AREA_SQL = """
    INSERT INTO network_areadailyusage
        (area_code, level, day, sessions, session_seconds, bytes_in, bytes_out, points,
         user_days, peak_concurrent)
    SELECT substr(area_code, 1, {level}), {level}, day, SUM(sessions), SUM(session_seconds),
           SUM(bytes_in), SUM(bytes_out), COUNT(*), SUM(unique_users), SUM(peak_concurrent)
    FROM network_dailyusage GROUP BY substr(area_code, 1, {level}), day
"""


# The daily table's secondary indexes, dropped while its rows are written in one statement and
# made again after it (one sort each instead of 14 million random index inserts at national size).
DAILY_INDEXES = {
    "network_daily_day_area": "network_dailyusage (day, area_code)",
    "network_daily_area_day": "network_dailyusage (area_code, day)",
}


def build(points: int, days: int, start=None) -> dict[str, float]:
    """N points with D days of use from ``start`` (default: the D days ending today)."""
    import datetime as dt

    from django.db import connection, transaction
    from django.utils import timezone

    from pracharat.geo.actions import load_geography
    from pracharat.network import simulate
    from pracharat.network.models import (
        AreaDailyUsage,
        DailyUsage,
        IncidentSource,
        PointStatus,
        ServicePoint,
    )

    timings = {}
    started = time.perf_counter()
    load_geography()
    simulate.create_points(None, points, seed=65)
    # Some points down or degraded, with incidents, as on a real day.
    ids = list(ServicePoint.objects.order_by("pk").values_list("pk", flat=True))
    ServicePoint.objects.filter(pk__in=ids[::37]).update(status=PointStatus.DOWN)
    ServicePoint.objects.filter(pk__in=ids[5::53]).update(status=PointStatus.DEGRADED)
    from pracharat.network.models import Incident

    now = timezone.now()
    Incident.objects.bulk_create(
        Incident(
            service_point=p,
            area_code=p.area_code,
            agency_id=p.provider_id,
            source=IncidentSource.OUTAGE,
            summary="Outage",
            opened_at=now,
            sla_due=now + dt.timedelta(hours=24),
        )
        for p in ServicePoint.objects.filter(status=PointStatus.DOWN)
    )
    timings["points"] = time.perf_counter() - started

    vendor = connection.vendor
    start = start or timezone.localdate() - dt.timedelta(days=days - 1)
    started = time.perf_counter()
    with connection.cursor() as cursor:  # three transactions: the insert's FK checks are
        for name in DAILY_INDEXES:  # deferred to its COMMIT, before an index may be made
            cursor.execute(f"DROP INDEX {name}")
        with transaction.atomic():
            cursor.execute(DAILY_SQL[vendor] % {"start": f"'{start}'", "days": days})
        for name, on in DAILY_INDEXES.items():
            cursor.execute(f"CREATE INDEX {name} ON {on}")
    timings["daily"] = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(MONTHLY_SQL.format(month=MONTH_EXPR[vendor]))
        for level in (2, 4):
            cursor.execute(AREA_SQL.format(level=level))
    timings["derived"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    timings["daily_rows"] = DailyUsage.objects.count()
    timings["area_rows"] = AreaDailyUsage.objects.count()
    return timings


def measure(repeat: int) -> list[tuple[str, int, int, dict]]:
    from django.db import connection
    from django.test import Client

    from pracharat.network.models import PointStatus, ServicePoint

    sample = ServicePoint.objects.in_area("65").exclude(status=PointStatus.DECOMMISSIONED).first()
    district = sample.area_code[:4]
    urls = [
        "/network/area/",
        "/network/area/65/",
        f"/network/area/{district}/",
        "/network/",
        "/network/map/65/",
        f"/network/points/{sample.code}/",
        "/api/v1/network/service-points?area=65&limit=100",
        "/api/v1/network/service-points.geojson?area=65",
        f"/api/v1/network/service-points/{sample.code}/usage?start=2025-01-01",
        "/geo/65/",
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
            client.get(url)
        figures = _django.timed(lambda url=url: client.get(url), repeat)
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
        from pracharat.network.models import DailyUsage

        print(f"network_dashboards, reused: {DailyUsage.objects.count():,} daily rows")
    else:
        vendor = _django.setup(database_url)
        print(f"network_dashboards on {vendor}: {points} points × {days} days", flush=True)
        print(f"scratch directory: {os.environ['PRACHARAT_VAR_DIR']}", flush=True)
        timings = build(points, days)
        print(
            f"build: points {timings['points']:.1f} s, daily rows {timings['daily_rows']:,} "
            f"in {timings['daily']:.1f} s, monthly + area rows ({timings['area_rows']:,} area) "
            f"in {timings['derived']:.1f} s",
            flush=True,
        )
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
