"""Rollup throughput at national scale, and the aggregate reads the rollups serve.

``python -m bench network_rollup [DATABASE_URL] [--points 44000] [--days 30] [--per-day 3]``

1. ``simulate.create_points(None, N)``: N points with devices on real sub-districts all over
   Thailand (timed).
2. N × days × per-day sessions written by one INSERT … SELECT in the database (start times
   spread over the day, lengths 1 min - 3 h, some across midnight, users from a village pool).
3. ``rollups.rollup_range`` over the whole period: DailyUsage for every point-day, MonthlyUsage
   per point-month, AreaDailyUsage per district and province day. Reported as sessions/s.
4. Incremental: 1 % of points get a late Stop for a session days ago through
   ``accounting.apply_events``; ``rollup_pending`` recomputes only the marked point-days.
5. The aggregate reads ``rollups.py`` exposes (national per day, province breakdown, province
   per day, best/worst points of the month), each timed 20× with its query count.
"""

from __future__ import annotations

import sys
import time
from datetime import timedelta

from bench import _django

SESSIONS_SQL = {
    "postgresql": """
        INSERT INTO network_accountingsession
            (session_key, acct_session_id, nas_id, service_point_id, area_code, user_hash,
             calling_station_hash, started_at, updated_at, stopped_at, ended_at, input_octets,
             output_octets, session_time, terminate_cause, status)
        SELECT p.id || '-' || d.n || '-' || k.k, 'b', NULL, p.id, p.area_code,
               'u' || ((p.id * 31 + k.k * 7 + d.n) %% 40), '',
               s.start, s.start + s.len, s.start + s.len, s.start + s.len,
               (extract(epoch FROM s.len) * 12000)::bigint,
               (extract(epoch FROM s.len) * 100000)::bigint,
               extract(epoch FROM s.len)::bigint, 'User-Request', 'closed'
        FROM network_servicepoint p
        CROSS JOIN generate_series(0, %(days)s - 1) AS d(n)
        CROSS JOIN generate_series(0, %(per_day)s - 1) AS k(k)
        CROSS JOIN LATERAL (
            SELECT %(start)s::timestamptz + d.n * interval '1 day'
                   + ((p.id * 7919 + d.n * 104729 + k.k * 15485863) %% 86400) * interval '1 second'
                   AS start,
                   (60 + (p.id * 31 + k.k * 977 + d.n * 13) %% 10800) * interval '1 second' AS len
        ) s
    """,
    "sqlite": """
        WITH RECURSIVE d(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM d WHERE n < %(days)s - 1),
        k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k WHERE k < %(per_day)s - 1)
        INSERT INTO network_accountingsession
            (session_key, acct_session_id, nas_id, service_point_id, area_code, user_hash,
             calling_station_hash, started_at, updated_at, stopped_at, ended_at, input_octets,
             output_octets, session_time, terminate_cause, status)
        SELECT id || '-' || n || '-' || k, 'b', NULL, id, area_code,
               'u' || ((id * 31 + k * 7 + n) %% 40), '',
               datetime(st), datetime(st, '+' || len || ' seconds'),
               datetime(st, '+' || len || ' seconds'), datetime(st, '+' || len || ' seconds'),
               len * 12000, len * 100000, len, 'User-Request', 'closed'
        FROM (
            SELECT p.id, p.area_code, d.n, k.k,
                   datetime(%(start)s, '+' || d.n || ' days',
                            '+' || ((p.id * 7919 + d.n * 104729 + k.k * 15485863) %% 86400)
                            || ' seconds') AS st,
                   60 + (p.id * 31 + k.k * 977 + d.n * 13) %% 10800 AS len
            FROM network_servicepoint p CROSS JOIN d CROSS JOIN k
        )
    """,
}


def _arg(argv: list[str], name: str, default: int) -> int:
    if name in argv:
        return int(argv[argv.index(name) + 1])
    return default


def main(argv: list[str]) -> None:
    url = argv[0] if argv and not argv[0].startswith("--") else None
    points_n = _arg(argv, "--points", 44_000)
    days = _arg(argv, "--days", 30)
    per_day = _arg(argv, "--per-day", 3)
    vendor = _django.setup(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from pracharat.core.lib import thaidate
    from pracharat.geo.actions import load_geography
    from pracharat.network import rollups, simulate
    from pracharat.network.accounting import STOP, SessionEvent, apply_events
    from pracharat.network.models import AccountingSession, ServicePoint

    load_geography()
    t = time.perf_counter()
    simulate.create_points(None, points_n, seed=44)
    points = ServicePoint.objects.count()
    print(f"{vendor}: {points} points created in {time.perf_counter() - t:.1f} s", flush=True)

    today = timezone.localdate()
    first = today - timedelta(days=days - 1)
    start = rollups.local_midnight(first)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            SESSIONS_SQL[vendor],
            {
                "days": days,
                "per_day": per_day,
                "start": connection.ops.adapt_datetimefield_value(start)
                if vendor == "sqlite"
                else start,
            },
        )
    sessions = AccountingSession.objects.count()
    print(f"{sessions:,} sessions written in {time.perf_counter() - t:.1f} s", flush=True)
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    t = time.perf_counter()
    result = rollups.rollup_range(first, today)
    elapsed = time.perf_counter() - t
    print(
        f"| full rollup, {days} days × {points:,} points | {result.sessions_read:,} sessions "
        f"read | {result.point_days:,} point-days, {result.months:,} point-months, "
        f"{result.area_days:,} area-days | {elapsed:.1f} s | "
        f"{result.sessions_read / elapsed:,.0f} sessions/s |",
        flush=True,
    )

    # Incremental: late Stops for 1 % of the points, 10 days back.
    late = list(
        AccountingSession.objects.filter(
            started_at__gte=rollups.local_midnight(today - timedelta(days=10)),
            started_at__lt=rollups.local_midnight(today - timedelta(days=9)),
        ).values_list("session_key", "service_point_id", "area_code", "stopped_at")[
            : max(1, points // 100)
        ]
    )
    events = [
        SessionEvent(
            key,
            STOP,
            stopped + timedelta(minutes=30),
            point,
            area,
            session_time=999_999,
            output_octets=10**9,
        )
        for key, point, area, stopped in late
    ]
    t = time.perf_counter()
    apply_events(events)
    applied = time.perf_counter() - t
    t = time.perf_counter()
    inc = rollups.rollup_pending()
    elapsed = time.perf_counter() - t
    print(
        f"| incremental: {len(events)} late Stops | applied in {applied * 1000:.0f} ms | "
        f"{inc.marks} marks → {inc.point_days} point-days | {elapsed:.2f} s |",
        flush=True,
    )

    month = today.replace(day=1)
    reads = [
        ("national per day, 30 days", lambda: rollups.national_per_day(first, today)),
        ("national breakdown by province", lambda: rollups.breakdown("", first, today)),
        ("province 65 per day", lambda: rollups.area_per_day("65", first, today)),
        ("province 65 breakdown by district", lambda: rollups.breakdown("65", first, today)),
        ("best 10 points, country, month", lambda: rollups.ranked_points("", month)),
        ("worst 10 points, country, month", lambda: rollups.ranked_points("", month, worst=True)),
        ("best 10 points, province 65, month", lambda: rollups.ranked_points("65", month)),
        (
            "fiscal year totals, country",
            lambda: rollups.fiscal_year_totals(thaidate.fiscal_year_of(today).be),
        ),
    ]
    print("| read | queries | p50 ms | p95 ms |")
    print("| --- | --- | --- | --- |")
    for label, fn in reads:
        with CaptureQueriesContext(connection) as ctx:
            fn()
        timing = _django.timed(fn, 20)
        print(f"| {label} | {len(ctx)} | {timing['p50']:.1f} | {timing['p95']:.1f} |", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
