"""Fixtures for the network's pages and API tests (import the ones a module uses).

Usage comes from real accounting sessions put through the real rollups, so the pages are
tested on the figures the platform would compute, not on hand-written rollup rows.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pracharat import testing
from pracharat.accounts.models import AgencyKind
from pracharat.geo.models import SubDistrict, Village
from pracharat.network import rollups
from pracharat.network.accounting import START, STOP, SessionEvent, apply_events
from pracharat.network.models import PointStatus, ServicePoint

# What ``from webfixtures import *`` brings into a test module: the fixtures.
__all__ = ["chiangmai_point", "khlong_mem_usage", "nt_agency", "nt_chiangmai"]


def use(
    point: ServicePoint,
    *,
    users: int,
    days_ago: int = 0,
    day: dt.date | None = None,
    hour: int = 9,
    sessions_each: int = 1,
) -> None:
    """``users`` people each use the point for an hour (``sessions_each`` times) on that day:
    real accounting events, then the real rollups."""
    day = day or timezone.localdate() - dt.timedelta(days=days_ago)
    events = []
    for n in range(users * sessions_each):
        begin = dt.datetime.combine(day, dt.time(hour + n // (users * 60) % 12, n % 60))
        start = timezone.make_aware(begin)
        key = f"{point.code}-{day}-{n}"
        common = {
            "session_key": key,
            "service_point_id": point.pk,
            "area_code": point.area_code,
            "user_hash": f"user-{n % users}",
        }
        events.append(SessionEvent(kind=START, at=start, **common))
        events.append(
            SessionEvent(
                kind=STOP,
                at=start + dt.timedelta(hours=1),
                session_time=3600,
                input_octets=1_000_000,
                output_octets=20_000_000,
                **common,
            )
        )
    apply_events(events)
    rollups.rollup_pending()


@pytest.fixture
def khlong_mem_usage(khlong_mem_point):
    """Ban Khlong Mem used today by 3 people, yesterday by 5 and 10 days ago by 2."""
    use(khlong_mem_point, days_ago=0, users=3)
    use(khlong_mem_point, days_ago=1, users=5)
    use(khlong_mem_point, days_ago=10, users=2)
    return khlong_mem_point


def make_points(
    count: int, province: str = "65", *, provider=None, first: int = 0
) -> list[ServicePoint]:
    """``count`` service points in villages of ``province`` (one village per point, created in
    its sub-districts), every fifth down and every seventh degraded."""
    subdistricts = list(
        SubDistrict.objects.in_area(province)
        .order_by("code")
        .values_list("code", "latitude", "longitude")
    )
    villages = []
    for i in range(first, first + count):
        sub, lat, lon = subdistricts[i % len(subdistricts)]
        moo = 50 + i // len(subdistricts)
        villages.append(
            Village(
                code=f"{sub}{moo:02d}",
                subdistrict_id=sub,
                moo=moo,
                name_th=f"บ้านทดสอบ {i}",
                name_en=f"Ban Test {i}",
                latitude=lat,
                longitude=lon,
            )
        )
    Village.objects.bulk_create(villages, ignore_conflicts=True)
    points = []
    for i, village in enumerate(villages, start=first):
        status = PointStatus.ACTIVE
        if i % 5 == 4:
            status = PointStatus.DOWN
        elif i % 7 == 6:
            status = PointStatus.DEGRADED
        points.append(
            ServicePoint(
                code=f"NP-{village.code}",
                village_id=village.code,
                area_code=village.code,
                place_name=f"ศาลาประชาคม {i}",
                provider=provider,
                status=status,
                latitude=(village.latitude or 16.8) + (i % 10) * 0.001,
                longitude=(village.longitude or 100.2) + (i % 10) * 0.001,
            )
        )
    return ServicePoint.objects.bulk_create(points)


@pytest.fixture
def nt_agency(geography):
    return testing.agency("nt-phitsanulok", "65", AgencyKind.TELECOM)


@pytest.fixture
def nt_chiangmai(geography):
    return testing.agency("nt-chiangmai", "50", AgencyKind.TELECOM)


@pytest.fixture
def chiangmai_point(geography, nt_chiangmai):
    """A point in Chiang Mai (Mueang, Si Phum) served by NT Chiang Mai."""
    village, _ = Village.objects.get_or_create(
        code="50010101",
        defaults={
            "subdistrict_id": "500101",
            "moo": 1,
            "name_th": "บ้านศรีภูมิ",
            "name_en": "Ban Si Phum",
            "latitude": 18.79,
            "longitude": 98.99,
        },
    )
    return ServicePoint.objects.create(
        code="NP-50010101", village=village, place_name="ศาลาประชาคม", provider=nt_chiangmai
    )
