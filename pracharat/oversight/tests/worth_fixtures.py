"""Simulated data whose truth is known by construction, for the worth review's tests: points
made well used, under-used, idle and broken, written straight into the rollups (the review
reads nothing else of the network), their costs through ``network.contracts`` and their
outages as incidents.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from pracharat.core.lib import thaidate
from pracharat.core.numbers import Period
from pracharat.geo.models import SubDistrict, Village
from pracharat.network import contracts, rollups
from pracharat.network.models import (
    DailyUsage,
    Incident,
    IncidentSource,
    IncidentStatus,
    Programme,
    ServicePoint,
)
from pracharat.oversight.models import VillagePopulation

FY = 2568
PERIOD = Period.fiscal_year(FY)


@dataclass
class Truth:
    point: ServicePoint
    klass: str
    daily: list[int]  # users on each day of the period


def _days(period: Period):
    day = period.start
    while day <= period.end:
        yield day
        day += dt.timedelta(days=1)


def make_point(code: str, village: Village, cost: str = "1000.00", **extra) -> ServicePoint:
    point = ServicePoint.objects.create(
        code=code,
        village=village,
        place_name=f"ศาลา {code}",
        latitude=village.latitude or 16.8,
        longitude=village.longitude or 100.2,
        programme=extra.pop("programme", Programme.MDES_24700),
        installed_on=extra.pop("installed_on", dt.date(2018, 1, 1)),
        **extra,
    )
    contracts.set_monthly_cost(point, Decimal(cost), dt.date(2018, 1, 1))
    return point


def write_usage(point: ServicePoint, users_by_day: dict[dt.date, int]) -> None:
    rows = [
        DailyUsage(
            service_point=point,
            area_code=str(point.village_id),
            day=day,
            sessions=users + users // 2,
            unique_users=users,
            session_seconds=users * 1800,
            bytes_in=users * 1_000_000,
            bytes_out=users * 9_000_000,
            peak_concurrent=max(1, users // 3),
        )
        for day, users in users_by_day.items()
        if users
    ]
    DailyUsage.objects.bulk_create(rows, batch_size=500)
    months = {thaidate.month_start(day) for day in users_by_day}
    for month in months:
        rollups.recompute_months(month, {point.pk})


def outage(point: ServicePoint, start: dt.datetime, hours: float, *, sla_hours: float = 24):
    return Incident.objects.create(
        service_point=point,
        area_code=str(point.village_id),
        source=IncidentSource.OUTAGE,
        status=IncidentStatus.RESOLVED,
        summary="ไม่มีสัญญาณ",
        opened_at=start,
        resolved_at=start + dt.timedelta(hours=hours),
        sla_due=start + dt.timedelta(hours=sla_hours),
    )


def at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def phitsanulok_villages(count: int) -> list[Village]:
    """``count`` villages (moo 41 on) over Phitsanulok's sub-districts, made once."""
    subs = list(
        SubDistrict.objects.filter(code__startswith="65", latitude__isnull=False).order_by("code")
    )
    villages = []
    for n in range(count):
        sub = subs[n % len(subs)]
        moo = 41 + n // len(subs)
        village, _ = Village.objects.get_or_create(
            code=f"{sub.code}{moo:02d}",
            defaults={
                "subdistrict": sub,
                "moo": moo,
                "name_th": f"บ้านทดสอบ {n}",
                "latitude": sub.latitude,
                "longitude": sub.longitude,
            },
        )
        villages.append(village)
    return villages


def simulated_province(seed: int = 14) -> list[Truth]:
    """Twenty-four points in Phitsanulok over FY 2568, six of each class by construction:

    - well used: 12–30 users every day (three of them at 11: near the threshold of 10);
    - under-used: 2–8 users every day;
    - idle: 1–3 users on 5–20 days of 365 (under 10 %);
    - broken: well used, but down 45–90 days in one outage (uptime under 90 %)."""
    rng = random.Random(seed)
    villages = phitsanulok_villages(24)
    days = list(_days(PERIOD))
    truth = []
    for i, village in enumerate(villages):
        kind = ("well_used", "under_used", "idle", "broken")[i % 4]
        point = make_point(f"NP-T{i:04d}", village, cost=f"{900 + 10 * i}.00")
        if kind == "well_used":
            level = 11 if i in (0, 4, 8) else rng.randint(12, 30)
            users = [level + rng.randint(0, 2) if level > 11 else level for _ in days]
        elif kind == "under_used":
            users = [rng.randint(2, 8) for _ in days]
        elif kind == "idle":
            used = set(rng.sample(range(len(days)), rng.randint(5, 20)))
            users = [rng.randint(1, 3) if n in used else 0 for n in range(len(days))]
        else:
            down = rng.randint(45, 90)
            first = rng.randint(10, 200)
            users = [
                0 if first <= n < first + down else rng.randint(12, 25) for n in range(len(days))
            ]
            outage(point, at(days[first], 0), down * 24)
        write_usage(point, dict(zip(days, users, strict=True)))
        VillagePopulation.objects.create(
            village=village, year=FY, population=400 + i, households=120 + i
        )
        truth.append(Truth(point, kind, users))
    return truth
