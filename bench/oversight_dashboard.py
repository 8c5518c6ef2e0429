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

AGENCIES = ("mdes", "stat", "tmd", "nt", "post", "depa")


def _pick(rows, n):
    return rows[n % len(rows)] if rows else None


def build_oversight(actions_per_province: int = 40) -> dict[str, float]:
    """In every province this fiscal year: a submitted visit meeting six agencies, two places
    (service points), five findings and ``actions_per_province`` follow-up actions owned by
    the six agencies, in every status, a quarter of the pending ones overdue. Written with
    bulk_create (a few thousand rows)."""
    from django.db import transaction
    from django.utils import timezone

    from pracharat.accounts.models import Agency, AgencyKind
    from pracharat.core.lib import thaidate
    from pracharat.geo.models import Province
    from pracharat.network.models import ServicePoint
    from pracharat.oversight.models import (
        ActionStatus,
        Category,
        Finding,
        FollowUpAction,
        PlaceKind,
        Visit,
        VisitAgency,
        VisitPlace,
    )

    started = time.perf_counter()
    today = timezone.localdate()
    year = thaidate.fiscal_year_of(today)
    statuses = list(ActionStatus)
    categories = list(Category)
    with transaction.atomic():
        provinces = list(Province.objects.order_by("code"))
        Agency.objects.bulk_create(
            Agency(slug=f"bench-{kind}-{p.code}", name_th=f"{kind} {p.name_th}",
                   kind=AgencyKind.PROVINCIAL_OFFICE, area_code=p.code)
            for p in provinces for kind in AGENCIES
        )  # fmt: skip
        agencies = {}
        for agency in Agency.objects.filter(slug__startswith="bench-"):
            agencies.setdefault(agency.area_code, []).append(agency)
        day = max(year.start, today - dt.timedelta(days=30))
        visits = Visit.objects.bulk_create(
            Visit(area_code=p.code, title=f"ตรวจราชการ {p.name_th}", start_date=day,
                  end_date=day + dt.timedelta(days=1), status="submitted",
                  submitted_at=timezone.now())
            for p in provinces
        )  # fmt: skip
        if not all(v.pk for v in visits):  # SQLite before 3.35 returns no ids
            visits = list(Visit.objects.order_by("area_code"))
        VisitAgency.objects.bulk_create(
            VisitAgency(visit=v, agency=a) for v in visits for a in agencies[v.area_code]
        )
        points = {}
        for code, pk in ServicePoint.objects.order_by("area_code").values_list("area_code", "pk"):
            points.setdefault(code[:2], []).append((code, pk))
        places = VisitPlace.objects.bulk_create(
            VisitPlace(visit=v, kind=PlaceKind.SERVICE_POINT, service_point_id=pk, area_code=code,
                       visited_on=v.end_date)
            for v in visits for code, pk in points.get(v.area_code, [])[:2]
        )  # fmt: skip
        by_visit = {}
        for place in places:
            by_visit.setdefault(place.visit_id, []).append(place)
        findings = Finding.objects.bulk_create(
            Finding(visit=v, place=_pick(by_visit.get(v.pk), n),
                    category=categories[n % len(categories)], problem=f"ปัญหา {n}")
            for v in visits for n in range(5)
        )  # fmt: skip
        of_visit = {}
        for f in findings:
            of_visit.setdefault(f.visit_id, []).append(f)
        actions = []
        for v in visits:
            owners = agencies[v.area_code]
            for n in range(actions_per_province):
                status = statuses[n % len(statuses)]
                due = today + dt.timedelta(days=30 if n % 4 else -10)
                actions.append(
                    FollowUpAction(
                        visit=v, finding=of_visit[v.pk][n % 5], area_code=v.area_code,
                        title=f"งาน {n}", owner=owners[n % len(owners)], due_date=due,
                        status=status,
                        done_at=timezone.now() if status in ("done", "verified") else None,
                        verified_at=timezone.now() if status == "verified" else None,
                    )
                )  # fmt: skip
        FollowUpAction.objects.bulk_create(actions, batch_size=1000)
    return {
        "visits": len(visits),
        "findings": len(findings),
        "actions": len(actions),
        "seconds": time.perf_counter() - started,
    }


def measure(repeat: int) -> list[tuple[str, int, int, dict]]:
    from django.test import Client

    from pracharat.core.lib import thaidate
    from pracharat.network.models import ServicePoint

    be = thaidate.fiscal_year_of(dt.date.today()).be
    village = ServicePoint.objects.in_area("65").order_by("code").first().area_code
    urls = [
        "/oversight/dashboard/provinces/",
        "/oversight/dashboard/provinces.csv",
        "/oversight/dashboard/",
        "/oversight/dashboard/65/",
        f"/oversight/dashboard/{village[:4]}/",
        f"/oversight/dashboard/{village}/",
        f"/api/v1/oversight/dashboard/65?fy={be}",
        f"/api/v1/oversight/dashboard?fy={be}",
    ]
    client = Client(HTTP_HOST="127.0.0.1")
    rows = _django.measure_pages(client, urls, repeat)
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
