"""The pillar's numbers (the read contract), the indicators page, its exports and API, and
unique Wi-Fi users before and after a class."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from pracharat.core import registry
from pracharat.core.lib import thaidate
from pracharat.core.numbers import Number, Period
from pracharat.geo.models import SubDistrict, Village
from pracharat.learning import certificates, indicators, numbers
from pracharat.learning.tests import certdata
from pracharat.network.models import AccountingSession, ServicePoint

pytestmark = pytest.mark.django_db


def this_year() -> Period:
    return Period.fiscal_year(thaidate.fiscal_year_of(timezone.localdate()).be)


@pytest.fixture
def world(ban_khlong_mem):
    """Two classes in Phitsanulok (one at the centre, one at Ban Khlong Mem's point) and one
    in Chiang Mai; a farmer who attends both Phitsanulok classes counts once."""
    point = ServicePoint.objects.create(
        code="NP-65060209", village=ban_khlong_mem, place_name="ศาลาประชาคมบ้านคลองเมม"
    )
    centre = certdata.centre(ban_khlong_mem)
    at_centre = certdata.cohort(centre, sessions=4)
    at_point = certdata.cohort(point=point, number=2, sessions=2)
    farmer = certdata.learner(ban_khlong_mem, "ชาวนา", "farmer", "40_59")
    student = certdata.learner(ban_khlong_mem, "นักเรียน", "student", "under_18")
    elder = certdata.learner(ban_khlong_mem, "ผู้สูงอายุ", "elder", "60_plus")
    certdata.enrol(at_centre, farmer, 4)
    certdata.enrol(at_centre, student, 1)
    certdata.enrol(at_centre, elder, 0)  # registered, never came: not a learner of the year
    certdata.enrol(at_point, farmer, 2)
    certificates.issue_certificates(at_centre)
    sub = SubDistrict.objects.filter(code__startswith="50").order_by("code").first()
    chiang_mai, _ = Village.objects.get_or_create(
        code=sub.code + "01", defaults={"subdistrict": sub, "moo": 1, "name_th": "บ้านทดสอบ"}
    )
    far = certdata.cohort(certdata.centre(chiang_mai, slug="cm"), number=3, sessions=3)
    certdata.enrol(far, certdata.learner(chiang_mai, "คนเชียงใหม่", "merchant", "25_39"), 3)
    return {"point": point, "at_point": at_point, "chiang_mai": chiang_mai}


def values(code: str, period=None) -> dict:
    return {n.key: n.value for n in numbers.area_numbers(code, period or this_year())}


def test_the_numbers_count_unique_learners_by_group(world):
    phitsanulok = values("65")
    assert phitsanulok["centres"] == 1
    assert phitsanulok["classes"] == 2 and phitsanulok["sessions"] == 6
    assert phitsanulok["learners"] == 2  # the farmer once, the student; not the elder
    assert phitsanulok["learners_farmer"] == 1 and phitsanulok["learners_student"] == 1
    assert phitsanulok["learners_elder"] == 0
    assert phitsanulok["learners_age_40_59"] == 1 and phitsanulok["learners_age_under_18"] == 1
    assert phitsanulok["certificates"] == 1
    country = values("")
    assert country["learners"] == 3 and country["classes"] == 3 and country["centres"] == 2
    assert values("50")["learners_merchant"] == 1
    assert values("65", Period(dt.date(2020, 1, 1), dt.date(2020, 12, 31)))["sessions"] == 0


def test_the_same_keys_in_a_fixed_budget_everywhere(world, django_assert_num_queries):
    keys = None
    for code in ("", "65", "6506", "650602", "65060209", "50"):
        with django_assert_num_queries(4):
            figures = numbers.area_numbers(code, this_year())
        assert all(isinstance(n, Number) for n in figures)
        found = [n.key for n in figures]
        keys = keys or found
        assert found == keys
    assert keys[:4] == ["centres", "classes", "sessions", "learners"] and keys[-1] == "certificates"
    assert "learners_farmer" in keys and "learners_age_60_plus" in keys
    assert ("learning", numbers.area_numbers) in registry.area_number_sources


def test_the_read_contract_serves_them(client, world):
    data = client.get("/api/v1/areas/65/numbers").json()
    learning = {n["key"]: n["value"] for n in data["pillars"]["learning"]}
    assert learning["learners"] == 2


def test_wifi_users_before_and_after_a_class(world):
    point, klass = world["point"], world["at_point"]
    sessions = list(klass.sessions.order_by("starts_at"))
    first = timezone.localtime(sessions[0].starts_at).date()
    last = timezone.localtime(sessions[-1].starts_at).date()
    zone = timezone.get_current_timezone()

    def online(user, day, n=[0]):  # noqa: B006 (a counter)
        n[0] += 1
        start = dt.datetime.combine(day, dt.time(10), tzinfo=zone)
        AccountingSession.objects.create(
            session_key=f"s{n[0]}", service_point=point, area_code=point.area_code,
            user_hash=user, started_at=start, updated_at=start,
            ended_at=start + dt.timedelta(hours=1),
            status="closed",
        )  # fmt: skip

    online("a", first - dt.timedelta(days=3))
    online("a", first - dt.timedelta(days=2))  # the same person again: once
    online("b", first - dt.timedelta(days=29))
    online("z", first - dt.timedelta(days=31))  # before the window
    online("c", last + dt.timedelta(days=1))
    online("a", last + dt.timedelta(days=1))
    online("", last + dt.timedelta(days=1))  # no user name: told apart by its session
    online("d", first)  # during the class: in neither window
    with_lunch = indicators.wifi_before_after("65", this_year())
    [row] = with_lunch
    assert row.cohort == klass and (row.before, row.after) == (2, 3)
    assert row.after_days == min(30, (timezone.localdate() - last).days)


def test_wifi_is_three_queries(world, django_assert_num_queries):
    with django_assert_num_queries(3):
        indicators.wifi_before_after("", this_year())


def test_the_page_per_area_has_a_fixed_budget(client, world, django_assert_max_num_queries, thai):
    for code in ("", "65", "6506", "650602", "65060209"):
        url = (
            reverse("learning:indicators_area", args=[code])
            if code
            else reverse("learning:indicators")
        )
        with django_assert_max_num_queries(16):
            response = client.get(url)
        assert response.status_code == 200, code
    html = client.get(reverse("learning:indicators_area", args=["65"])).content.decode()
    assert "ผู้เรียน (ไม่นับซ้ำ)" in html and "<svg" in html and 'data-test="wifi"' in html
    assert "ชาวนา" not in html  # names never
    assert client.get("/learning/indicators/99/").status_code == 404


def test_exports(client, world):
    response = client.get(reverse("learning:indicators_area_export", args=["65", "csv"]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    found = {r[0]: r[2] for r in rows[1:]}
    assert found["learners"] == "2" and found["certificates"] == "1"
    xlsx = client.get(reverse("learning:indicators_export", args=["xlsx"]))
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    assert xlsx.status_code == 200 and content[:2] == b"PK"


def test_the_api(client, world, django_assert_max_num_queries):
    year = thaidate.fiscal_year_of(timezone.localdate()).be
    with django_assert_max_num_queries(6):
        data = client.get("/api/v1/learning/indicators", {"area": "65", "year": year}).json()
    assert {n["key"]: n["value"] for n in data["learning"]}["learners"] == 2
    # the volunteers pillar answers too, its lazy labels given as text
    volunteers = {n["key"]: n for n in data["volunteers"]}
    assert {"volunteers", "activities", "people_helped"} <= set(volunteers)
    assert all(isinstance(n["label"], str) and n["label"] for n in volunteers.values())
    bad = client.get("/api/v1/learning/indicators", {"year": year, "start": "2025-01-01"})
    assert bad.status_code == 422


def test_volunteers_show_nothing_when_the_pillar_is_absent(world, monkeypatch):
    sources = [(p, fn) for p, fn in registry.area_number_sources if p != "volunteers"]
    monkeypatch.setattr(registry, "area_number_sources", sources)
    assert indicators.volunteer_numbers("65", this_year()) == []
    fake = [Number("volunteers", "V", 3), Number("other", "O", 1), Number("people_helped", "P", 9)]
    monkeypatch.setattr(
        registry, "area_number_sources", [*sources, ("volunteers", lambda c, p: fake)]
    )
    assert [n.key for n in indicators.volunteer_numbers("65", this_year())] == [
        "volunteers",
        "people_helped",
    ]
