"""The network's numbers per area and period: right figures at every level, three queries."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pracharat.core.numbers import Period, area_numbers
from pracharat.geo.models import SubDistrict, Village
from pracharat.network import numbers, rollups
from pracharat.network.accounting import START, STOP, apply_events
from pracharat.network.models import Incident, PointStatus, ServicePoint
from pracharat.network.tests.conftest import bangkok
from pracharat.network.tests.test_rollups import event

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)
LEVELS = ["", "65", "6506", "650602", "65060209"]


def village(code: str, moo: int) -> Village:
    return Village.objects.get_or_create(
        code=code,
        defaults={"subdistrict": SubDistrict.objects.get(pk=code[:6]), "moo": moo, "name_th": code},
    )[0]


def point(code: str, where: Village, **extra) -> ServicePoint:
    return ServicePoint.objects.create(code=code, village=where, place_name=code, **extra)


def session(p, key, start, hours, *, user="u1", down=0, up=0):
    return [
        event(p, START, start, key, user=user),
        event(p, STOP, start + timedelta(hours=hours), key, user=user, seconds=hours * 3600,
              down=down, up=up),
    ]  # fmt: skip


def incident(p, opened, sla_hours, resolved=None):
    return Incident.objects.create(
        service_point=p,
        area_code=p.area_code,
        source="manual",
        status="resolved" if resolved else "open",
        summary="down",
        opened_at=opened,
        resolved_at=resolved,
        sla_due=opened + timedelta(hours=sla_hours),
    )


@pytest.fixture
def network(ban_khlong_mem):
    """Five points in November 2026: two in Tha Chang (Phrom Phiram), one in Mueang
    Phitsanulok, one in Chiang Mai, one decommissioned; one installed only in December."""
    khlong_mem = point("NP-65060209", ban_khlong_mem, installed_on=date(2026, 1, 5))
    neighbour = point("NP-65060201", village("65060201", 1))
    mueang = point("NP-65010101", village("65010101", 1), installed_on=date(2025, 3, 1))
    chiangmai = point("NP-50010101", village("50010101", 1))
    point("NP-65060202", village("65060202", 2), status=PointStatus.DECOMMISSIONED)
    point("NP-65010102", village("65010102", 2), installed_on=date(2026, 12, 1))
    nov24 = bangkok(2026, 11, 24, 9, 0)
    apply_events(
        [
            *session(khlong_mem, "a", nov24, 1, user="u1", down=1000, up=10),
            *session(khlong_mem, "b", nov24 + timedelta(hours=2), 1, user="u2", down=500),
            *session(khlong_mem, "c", bangkok(2026, 11, 25, 10, 0), 2, down=200),
            *session(khlong_mem, "october", bangkok(2026, 10, 31, 9, 0), 1, down=99_999),
            *session(neighbour, "d", nov24, 1, down=300),
            *session(mueang, "e", bangkok(2026, 11, 10, 9, 0), 1, down=40),
            *session(chiangmai, "f", bangkok(2026, 11, 5, 9, 0), 1, down=5),
        ]
    )
    rollups.rollup_pending()
    # Met its SLA; resolved in November after missing it; still open; all in September.
    incident(khlong_mem, bangkok(2026, 11, 3, 8, 0), 48, resolved=bangkok(2026, 11, 4, 8, 0))
    incident(neighbour, bangkok(2026, 10, 30, 8, 0), 24, resolved=bangkok(2026, 11, 2, 8, 0))
    incident(mueang, bangkok(2026, 11, 20, 8, 0), 24)
    incident(chiangmai, bangkok(2026, 9, 1, 8, 0), 24, resolved=bangkok(2026, 9, 2, 8, 0))


def figures(code: str, period: Period = NOVEMBER) -> dict:
    return {n.key: n.value for n in numbers.area_numbers(code, period)}


KEYS = ["points", "online_share", "sessions", "user_days", "bytes",
        "incidents_opened", "incidents_resolved", "sla_met_share"]  # fmt: skip


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("", (4, 4.2, 6, 6, 2055, 2, 2, 50.0)),
        ("65", (3, 4.4, 5, 5, 2050, 2, 2, 50.0)),
        ("6506", (2, 5.0, 4, 4, 2010, 1, 2, 50.0)),
        ("650602", (2, 5.0, 4, 4, 2010, 1, 2, 50.0)),
        ("65060209", (1, 6.7, 3, 3, 1710, 1, 1, 100.0)),
        ("50", (1, 3.3, 1, 1, 5, 0, 0, None)),
    ],
)
def test_figures_at_every_level(network, code, expected):
    # Country, province and district come from the area rollups, sub-district and village from
    # the points' daily rows: both paths give the same figures (6506 and 650602 are alike).
    assert figures(code) == dict(zip(KEYS, expected, strict=True))


def test_period_bounds_are_local_days(network):
    # 24 November alone: two Khlong Mem sessions and the neighbour's.
    day = figures("6506", Period.day(date(2026, 11, 24)))
    assert (day["sessions"], day["bytes"], day["points"]) == (3, 1810, 2)
    assert day["online_share"] == 100.0
    # The October session and the incident opened on 30 October count in October only.
    october = figures("65060209", Period.month(2026, 10))
    assert (october["sessions"], october["bytes"]) == (1, 99_999)
    assert figures("650602", Period.month(2026, 10))["incidents_opened"] == 1


def test_a_period_not_started_yet_has_no_share_of_days(network):
    future = figures("65", Period(date(2099, 1, 1), date(2099, 1, 31)))
    assert future["online_share"] is None and future["sessions"] == 0


def test_same_keys_and_units_for_an_empty_area(network):
    empty = numbers.area_numbers("96", NOVEMBER)  # Narathiwat: no points in the fixture
    full = numbers.area_numbers("", NOVEMBER)
    assert [(n.key, n.unit) for n in empty] == [(n.key, n.unit) for n in full]
    assert {n.key: n.value for n in empty}["points"] == 0


@pytest.mark.parametrize("code", LEVELS)
def test_three_queries_whatever_the_area(network, code, django_assert_num_queries):
    with django_assert_num_queries(3):
        numbers.area_numbers(code, Period.fiscal_year(2569))


def test_the_registry_offers_the_network_numbers(network):
    with CaptureQueriesContext(connection) as village:
        by_pillar = area_numbers("65060209", NOVEMBER)
    with CaptureQueriesContext(connection) as country:
        area_numbers("", NOVEMBER)
    assert by_pillar["network"] == numbers.area_numbers("65060209", NOVEMBER)
    assert len(village) == len(country)


def test_by_province_is_area_numbers_for_each_in_three_queries(network, django_assert_num_queries):
    codes = ["65", "50", "96", "10"]
    with django_assert_num_queries(3):
        batched = numbers.by_province(NOVEMBER, codes)
    assert list(batched) == codes
    for code in codes:
        assert batched[code] == numbers.area_numbers(code, NOVEMBER)
