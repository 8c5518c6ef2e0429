"""The volunteers' numbers: right at every level and two queries whatever the area."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pracharat import testing
from pracharat.core.numbers import Period, area_numbers
from pracharat.volunteers import numbers
from pracharat.volunteers.models import VolunteerActivity

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)
LEVELS = ["", "65", "6506", "650602", "65060209"]


def _log(volunteer, village, day, helped):
    return VolunteerActivity.objects.create(
        volunteer=volunteer,
        kind="helped_at_point",
        date=day,
        village=village,
        area_code=village.code,
        people_helped=helped,
    )


@pytest.fixture
def log(volunteer_record, other_volunteer, ban_khlong_mem, other_village, chiangmai_officer):
    """Two Tha Chang volunteers; บุญมี serves both villages (counted once); one inactive in
    Chiang Mai; activities in and out of November."""
    testing.volunteer_record(volunteer_record.user, villages=("65060209", "65060201"))
    from pracharat.geo.models import Village

    chiang_mai, _ = Village.objects.get_or_create(
        code="50010101", defaults={"subdistrict_id": "500101", "moo": 1, "name_th": "cm"}
    )
    far = testing.volunteer_record(
        testing.person("v.cm@example.org", "volunteer", "50010101"), villages=("50010101",)
    )
    far.status = "inactive"
    far.save()
    _log(volunteer_record, ban_khlong_mem, dt.date(2026, 11, 3), 5)
    _log(volunteer_record, other_village, dt.date(2026, 11, 20), 2)
    _log(other_volunteer, other_village, dt.date(2026, 11, 30), 7)
    _log(other_volunteer, other_village, dt.date(2026, 10, 31), 100)  # before the period
    _log(far, chiang_mai, dt.date(2026, 11, 5), 1)


def _values(code):
    return {n.key: n.value for n in numbers.area_numbers(code, NOVEMBER)}


def test_the_figures_at_every_level(log):
    assert _values("") == {"volunteers": 2, "activities": 4, "people_helped": 15}
    assert _values("65") == _values("6506") == _values("650602")
    assert _values("650602") == {"volunteers": 2, "activities": 3, "people_helped": 14}
    assert _values("65060209") == {"volunteers": 1, "activities": 1, "people_helped": 5}
    assert _values("50") == {"volunteers": 0, "activities": 1, "people_helped": 1}
    assert _values("10") == {"volunteers": 0, "activities": 0, "people_helped": 0}


@pytest.mark.parametrize("code", LEVELS)
def test_two_queries_for_a_village_as_for_the_country(log, code):
    with CaptureQueriesContext(connection) as queries:
        figures = numbers.area_numbers(code, NOVEMBER)
    assert len(queries) == 2
    assert [n.key for n in figures] == ["volunteers", "activities", "people_helped"]


def test_offered_through_the_read_contract(log, client):
    assert "volunteers" in area_numbers("65", NOVEMBER)
    answer = client.get("/api/v1/areas/65/numbers?start=2026-11-01&end=2026-11-30").json()
    assert {n["key"]: n["value"] for n in answer["pillars"]["volunteers"]} == {
        "volunteers": 2,
        "activities": 3,
        "people_helped": 14,
    }
