"""The numbers-per-area contract: periods, numbers, and /api/v1/areas/…/numbers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from pracharat.core import registry
from pracharat.core.numbers import Number, Period, share


def test_periods():
    assert Period.month(2026, 12) == Period(dt.date(2026, 12, 1), dt.date(2026, 12, 31))
    assert Period.month(2028, 2).days == 29
    fy = Period.fiscal_year(2569)
    assert (fy.start, fy.end, fy.days) == (dt.date(2025, 10, 1), dt.date(2026, 9, 30), 365)
    with pytest.raises(ValueError):
        Period(dt.date(2026, 2, 1), dt.date(2026, 1, 31))


def test_period_bounds_are_bangkok_midnights():
    start, end = Period.month(2026, 11).bounds()
    assert start.isoformat() == "2026-11-01T00:00:00+07:00"
    assert end.isoformat() == "2026-12-01T00:00:00+07:00"
    assert timezone.is_aware(start)


def test_until_clips_to_what_has_happened():
    november = Period.month(2026, 11)
    assert november.until(dt.date(2026, 11, 10)) == Period(
        dt.date(2026, 11, 1), dt.date(2026, 11, 10)
    )
    assert november.until(dt.date(2027, 1, 1)) == november
    assert november.until(dt.date(2026, 10, 31)) is None


def test_shares_and_units():
    assert share(1, 3) == 33.3 and share(0, 0) is None
    with pytest.raises(ValueError):
        Number("x", "x", 1, unit="kg")


@pytest.fixture
def khlong_mem_point(ban_khlong_mem):
    from pracharat.network.models import ServicePoint

    return ServicePoint.objects.create(code="NP-65060209", village=ban_khlong_mem, place_name="x")


def test_the_api_answers_every_pillar(client, khlong_mem_point, django_assert_max_num_queries):
    # network 3, market 3, learning 4, volunteers 2, oversight 3
    with django_assert_max_num_queries(3 + 3 + 4 + 2 + 3):
        body = client.get(
            "/api/v1/areas/65060209/numbers?start=2026-11-01&end=2026-11-30",
            HTTP_ACCEPT_LANGUAGE="en",
        ).json()
    assert (body["code"], body["start"], body["end"]) == ("65060209", "2026-11-01", "2026-11-30")
    pillars = ["network", "market", "learning", "volunteers", "oversight"]
    assert list(body["pillars"]) == pillars
    network = {n["key"]: n for n in body["pillars"]["network"]}
    assert network["points"] == {
        "key": "points", "label": "Service points in service", "value": 1, "unit": "count"
    }  # fmt: skip
    market = {n["key"]: n["value"] for n in body["pillars"]["market"]}
    assert market == {"groups": 0, "products": 0, "orders": 0, "revenue": "0.00"}


def test_the_country_and_the_default_period(client, khlong_mem_point):
    body = client.get("/api/v1/areas/numbers", HTTP_ACCEPT_LANGUAGE="th").json()
    today = timezone.localdate()
    assert body["code"] == "" and body["end"] == today.isoformat()
    assert (
        body["start"]
        == Period.fiscal_year(today.year + 543 + (today.month >= 10)).start.isoformat()
    )
    points = body["pillars"]["network"][0]
    assert (points["value"], points["label"]) == (1, "จุดให้บริการที่เปิดใช้งาน")


@pytest.mark.parametrize(
    "query",
    [
        "start=2026-12-01&end=2026-11-01",
        "start=2026-02-30",
        "end=0",
        "start=1990-01-01&end=2026-01-01",
    ],
)
def test_bad_periods_are_422(client, db, query):
    response = client.get(f"/api/v1/areas/65/numbers?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_bad_area_codes_are_not_found_or_invalid(client, db):
    assert client.get("/api/v1/areas/123/numbers").status_code in (404, 422)
    assert client.get("/api/v1/areas/6506020/numbers").status_code in (404, 422)


def test_by_province_asks_each_pillar_once_or_per_province(
    khlong_mem_point, django_assert_max_num_queries
):
    from pracharat.core.numbers import area_numbers, by_province

    november = Period.month(2026, 11)
    codes = ["65", "50"]
    pillars = [p for p, _fn in registry.area_number_sources]
    batched = [p for p in pillars if p in registry.province_number_sources]
    with django_assert_max_num_queries(
        3 * len(batched) + 3 * 2 * (len(registry.area_number_sources) - len(batched))
    ):
        table = by_province(november, codes)
    assert set(table) == {p for p, _fn in registry.area_number_sources}
    for code in codes:
        single = area_numbers(code, november)
        assert {pillar: table[pillar][code] for pillar in table} == single
    with pytest.raises(ValueError):
        by_province(november, ["6506"])
