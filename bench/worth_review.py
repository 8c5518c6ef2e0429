"""The worth review at national size: 44,000 points, 2,222 centres, a fiscal year of rollups.

``python -m bench worth_review [DATABASE_URL] [--points N] [--days D] [--centres C]
[--repeat R] [--reuse]`` builds a scratch database as ``bench.network_dashboards`` does (N
simulated points on real sub-districts all over Thailand, a period's ``DailyUsage`` by one
INSERT … SELECT, the monthly and area rows by GROUP BY; no raw sessions). The period is the
review's default, the last full fiscal year (whole months: the review reads the monthly
rollup), or with ``--days D`` the D days ending today (partial months at both ends: the review
reads daily rows for those). It gives every point a cost history (a rate from 2018, a new one
half-way through the period for a third of them), makes C centres (every twentieth linked to
a point), a village population for every point's village and the previous period's monthly
rows (what the review's change is measured against), then times
:func:`pracharat.oversight.worth.review` for the country and for Phitsanulok (queries,
seconds) and requests the province page, its CSV, the point page and the public open data
through Django's test client as a superuser (queries, body, p50/p95); the province page and
CSV twice: with the review computed for each request (a new generation
before it, as after any write) and read from the cache (sorting, paging, exporting).
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time

from bench import _django
from bench.network_dashboards import _arg
from bench.network_dashboards import build as build_network


def bench_period(argv: list[str]):
    from django.utils import timezone

    from pracharat.core.numbers import Period
    from pracharat.oversight.worth import last_full_fiscal_year

    if "--days" in argv:
        end = timezone.localdate()
        return Period(end - dt.timedelta(days=_arg(argv, "--days", 365) - 1), end)
    return last_full_fiscal_year()


def build_worth(period, centres: int) -> dict[str, float]:
    from decimal import Decimal

    from django.db import transaction

    from pracharat.learning.models import Centre
    from pracharat.network.models import PointCost, ServicePoint
    from pracharat.oversight.models import VillagePopulation

    started = time.perf_counter()
    middle = period.start + dt.timedelta(days=period.days // 2)
    points = list(ServicePoint.objects.order_by("pk").values_list("pk", "village_id"))
    with transaction.atomic():
        costs = [
            PointCost(service_point_id=pk, effective_from=dt.date(2018, 1, 1),
                      monthly_cost=Decimal(900 + pk % 7 * 100))
            for pk, _v in points
        ] + [
            PointCost(service_point_id=pk, effective_from=middle.replace(day=1),
                      monthly_cost=Decimal(800 + pk % 5 * 100))
            for pk, _v in points[::3]
        ]  # fmt: skip
        PointCost.objects.bulk_create(costs, batch_size=5000)
        villages = sorted({v for _pk, v in points})
        VillagePopulation.objects.bulk_create(
            [
                VillagePopulation(village_id=v, area_code=v, year=2569,
                                  population=300 + int(v[-3:]) % 900, households=100 + int(v[-2:]))
                for v in villages
            ],
            batch_size=5000,
        )  # fmt: skip
        step = max(1, len(points) // centres)
        Centre.objects.bulk_create(
            [
                Centre(slug=f"bench-centre-{n}", name_th=f"ศูนย์ดิจิทัลชุมชน {n}",
                       village_id=v, area_code=v, service_point_id=pk if n % 20 == 0 else None)
                for n, (pk, v) in enumerate(points[::step][:centres])
            ],
            batch_size=2000,
        )  # fmt: skip
    return {"seconds": time.perf_counter() - started, "costs": len(costs),
            "previous": build_previous_year(period)}  # fmt: skip


def build_previous_year(period) -> int:
    """The previous period's monthly rows, so the review's change against it reads as many rows
    as a platform with the data of both periods does: each point's month as many months
    earlier as the previous period starts, at 90 % of its use. Added once (a reused database
    built before these rows existed gains them)."""
    from django.db import connection, transaction

    from pracharat.network.models import MonthlyUsage
    from pracharat.oversight.worth import previous_period

    previous = previous_period(period)
    if MonthlyUsage.objects.filter(month__gte=previous.start, month__lte=previous.end).exists():
        return 0
    shift = (period.start.year - previous.start.year) * 12 + period.start.month
    shift -= previous.start.month
    fields = ("service_point_id", "area_code", "month", "sessions", "session_seconds",
              "bytes_in", "bytes_out", "user_days", "active_days", "peak_concurrent",
              "max_daily_users")  # fmt: skip
    current = (
        MonthlyUsage.objects.filter(month__gte=period.start, month__lte=period.end)
        .order_by("pk")
        .values_list(*fields)
    )
    made, batch = 0, []
    with transaction.atomic():
        for pk, area, month, *totals in current.iterator(chunk_size=20_000):
            index = month.year * 12 + month.month - 1 - shift
            earlier = month.replace(year=index // 12, month=index % 12 + 1)
            less = {f: int(v * 0.9) for f, v in zip(fields[3:], totals, strict=True)}
            batch.append(MonthlyUsage(service_point_id=pk, area_code=area, month=earlier, **less))
            if len(batch) == 20_000:
                made += len(MonthlyUsage.objects.bulk_create(batch))
                batch = []
        made += len(MonthlyUsage.objects.bulk_create(batch))
    if connection.vendor == "postgresql":  # the planner and index-only scans see the new rows
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {MonthlyUsage._meta.db_table}")
    return made


def measure(period, repeat: int) -> tuple[list, list]:
    from django.db import connection
    from django.test import Client

    from pracharat.accounts.models import User
    from pracharat.network.models import ServicePoint
    from pracharat.oversight import worth

    computed = []
    for code in ("", "65"):
        executed = []
        started = time.perf_counter()
        with connection.execute_wrapper(
            lambda run, sql, *args, log=executed: log.append(sql) or run(sql, *args)
        ):
            result = worth.review(code, period)
        seconds = time.perf_counter() - started
        print(f"review {code or 'country'}: {len(executed)} queries, {seconds:.1f} s", flush=True)
        computed.append((code or "country", len(result.points), len(result.centres),
                         len(executed), seconds, result.counts()))  # fmt: skip
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        email="bench@pracharat.local",
        password="bench-only-password",  # noqa: S106 - scratch
    )
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(admin)
    q = f"?start={period.start}&end={period.end}"
    point = ServicePoint.objects.in_area("65").in_service().order_by("code").first()
    urls = [
        f"/oversight/worth/65/{q}",
        f"/oversight/worth/65.csv{q}",
        f"/oversight/worth/points/{point.pk}/{q}",
        f"/oversight/worth/open/65.csv{q}",
        f"/oversight/worth/open.geojson{q}",
    ]
    # The open data is cached (shared cache, until the next rollup): its first request after a
    # rollup computes the country's review. Timed once on an empty cache, then warm below.
    from django.core.cache import cache

    cache.clear()
    started = time.perf_counter()
    client.get(urls[-1])
    cold = (time.perf_counter() - started) * 1000
    print(f"open data GeoJSON (country), empty cache: {cold:.0f} ms", flush=True)
    # The officers' review is cached too (per area, period, thresholds, language; until a rollup
    # or a write of what it reads): the first request after a write computes it (below, each
    # request after a new generation), sorting, paging and exporting it then read it (warm).
    fresh = _django.measure_pages(client, urls[:2], repeat, before=worth.inputs_changed)
    warm = _django.measure_pages(client, urls, repeat)
    pages = [(url, " (review computed)", *rest) for url, *rest in fresh] + [
        (url, " (review cached)" if i < 2 else "", *rest) for i, (url, *rest) in enumerate(warm)
    ]
    return computed, pages


def main(argv: list[str]) -> None:
    database_url = argv[0] if argv and not argv[0].startswith("--") else None
    points = _arg(argv, "--points", 44_000)
    centres = _arg(argv, "--centres", 2_222)
    repeat = _arg(argv, "--repeat", 5)
    if "--reuse" in argv:  # the database a previous run built (PostgreSQL keeps it)
        import django

        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pracharat.settings")
        os.environ["PRACHARAT_VAR_DIR"] = tempfile.mkdtemp(prefix="pracharat-bench-")
        if database_url:
            os.environ["DATABASE_URL"] = database_url
        django.setup()
        period = bench_period(argv)
        print(f"worth_review, reused database, {period.start} – {period.end}", flush=True)
        if added := build_previous_year(period):
            print(f"previous year: {added:,} monthly rows added", flush=True)
    else:
        vendor = _django.setup(database_url)
        period = bench_period(argv)
        print(f"worth_review on {vendor}: {points} points × {period.days} days "
              f"({period.start} – {period.end}), {centres} centres", flush=True)  # fmt: skip
        timings = build_network(points, period.days, period.start)
        print(
            f"build: points {timings['points']:.1f} s, daily rows {timings['daily_rows']:,} "
            f"in {timings['daily']:.1f} s, area rows {timings['area_rows']:,} "
            f"in {timings['derived']:.1f} s",
            flush=True,
        )
        extra = build_worth(period, centres)
        print(
            f"costs, populations, centres, previous year: {extra['costs']:,} rates, "
            f"{extra['previous']:,} monthly rows in {extra['seconds']:.1f} s",
            flush=True,
        )
    computed, pages = measure(period, repeat)
    print("| review of | points | centres | queries | seconds | classes |")
    print("| --- | --- | --- | --- | --- | --- |")
    for code, n, c, queries, seconds, counts in computed:
        print(f"| {code} | {n:,} | {c:,} | {queries} | {seconds:.1f} | {counts} |", flush=True)
    print("| URL | queries | body | p50 | p95 | max |")
    print("| --- | --- | --- | --- | --- | --- |")
    for url, note, queries, size, f in pages:
        print(
            f"| `{url}`{note} | {queries} | {size / 1024:.1f} KB | {f['p50']:.0f} ms | "
            f"{f['p95']:.0f} ms | {f['max']:.0f} ms |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
