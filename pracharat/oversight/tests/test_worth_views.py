"""The worth review's pages, files, API and open data: scoping, sizes and query budgets."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pytest
from django.urls import reverse

from pracharat.core.tests.pdf_tools import pdf_text, words
from pracharat.oversight.tests.worth_fixtures import simulated_province

pytestmark = pytest.mark.django_db
Q = "?start=2024-10-01&end=2025-09-30"


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.fixture
def truth(geography):
    return simulated_province()


def test_the_provincial_officer_reads_their_province(
    client, truth, phitsanulok_officer, django_assert_max_num_queries
):
    client.force_login(phitsanulok_officer)
    with django_assert_max_num_queries(24):
        response = client.get(reverse("oversight:worth", args=["65"]) + Q)
    assert response.status_code == 200
    body = response.content.decode()
    assert len(response.content) < 100_000
    assert "การทบทวนความคุ้มค่า" in body and "ความไวของผล" in body  # Thai first
    assert 'data-class="broken"' in body and "dots worth-idle" in body
    for t in truth:
        assert t.point.code in body
    # filtered by class: only the idle points
    response = client.get(reverse("oversight:worth", args=["65"]) + Q + "&class=idle")
    rows = response.content.decode().split('<table data-test="points">')[1]
    assert rows.count('<tr data-class="idle">') == 6 and 'tr data-class="broken"' not in rows


def test_another_province_and_the_public_see_no_point(client, truth, chiangmai_officer):
    url = reverse("oversight:worth", args=["65"]) + Q
    assert client.get(url).status_code == 302  # to the sign-in page
    client.force_login(chiangmai_officer)
    assert client.get(url).status_code == 403
    point = reverse("oversight:worth_point", args=[truth[0].point.pk]) + Q
    assert client.get(point).status_code == 403
    api = "/api/v1/oversight/worth-review?area=65&start=2024-10-01&end=2025-09-30"
    assert client.get(api).status_code == 403


def test_the_evidence_page(client, truth, phitsanulok_officer):
    client.force_login(phitsanulok_officer)
    broken = next(t.point for t in truth if t.klass == "broken")
    body = client.get(reverse("oversight:worth_point", args=[broken.pk]) + Q).content.decode()
    assert "ใช้การไม่ได้" in body and "ให้ผู้ให้บริการซ่อม" in body and "ขัดข้องรวม" in body


def test_csv_xlsx_and_the_thai_pdf(client, truth, phitsanulok_officer):
    client.force_login(phitsanulok_officer)
    url = reverse("oversight:worth_file", args=["65", "csv"]) + Q
    rows = list(csv.reader(io.StringIO(_body(client.get(url)))))
    assert len(rows) == 1 + len(truth)
    xlsx = client.get(reverse("oversight:worth_file", args=["65", "xlsx"]) + Q)
    content = b"".join(xlsx.streaming_content) if xlsx.streaming else xlsx.content
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert sheet.max_row == 1 + len(truth)
    pdf = client.get(reverse("oversight:worth_file", args=["65", "pdf"]) + Q)
    assert pdf["Content-Type"] == "application/pdf"
    text = words(pdf_text(pdf.content))
    assert "ใช้งานดี" in text and "ไม่มีการใช้งาน" in text and "พิษณุโลก" in text


def test_the_api_for_an_area_and_a_point(client, truth, phitsanulok_officer):
    client.force_login(phitsanulok_officer)
    data = client.get(
        "/api/v1/oversight/worth-review?area=65&start=2024-10-01&end=2025-09-30"
    ).json()
    assert data["counts"] == {"well_used": 6, "under_used": 6, "idle": 6, "broken": 6}
    assert {r["code"]: r["class"] for r in data["rows"]} == {t.point.code: t.klass for t in truth}
    assert len(data["sensitivity"]) == 8
    moved = client.get(
        "/api/v1/oversight/worth-review?area=65&start=2024-10-01&end=2025-09-30"
        "&well_used_daily_users=12"
    ).json()
    assert moved["counts"]["well_used"] == 3
    one = client.get(
        f"/api/v1/oversight/worth-review/points/{truth[2].point.pk}?start=2024-10-01&end=2025-09-30"
    ).json()
    assert [r["class"] for r in one["rows"]] == ["idle"]
    assert one["rows"][0]["evidence"][0]["th"].startswith("มีผู้ใช้เพียง")


def test_open_data_is_aggregate_and_public(client, truth):
    url = reverse("oversight:worth_open", args=["65", "csv"]) + Q
    response = client.get(url)
    assert response.status_code == 200
    text = _body(response)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert sum(int(r["points"]) for r in rows) == 24
    assert sum(int(r["idle"]) for r in rows) == 6
    assert all(len(r["code"]) == 4 for r in rows)  # districts, not points
    assert "NP-T" not in text
    geo = json.loads(
        client.get(reverse("oversight:worth_open", args=["65", "geojson"]) + Q).content
    )
    assert geo["type"] == "FeatureCollection"
    assert sum(f["properties"]["points"] for f in geo["features"]) == 24


def test_the_page_and_the_api_take_the_same_threshold_limits(client, truth, phitsanulok_officer):
    """worth.LIMITS is the one rule: 500 % uptime is refused by both, 12 users by neither."""
    client.force_login(phitsanulok_officer)
    page = reverse("oversight:worth", args=["65"]) + Q
    api = "/api/v1/oversight/worth-review?area=65&start=2024-10-01&end=2025-09-30"
    assert client.get(page + "&broken_uptime=500").status_code == 404
    assert client.get(api + "&broken_uptime=500").status_code == 422
    assert client.get(page + "&hand_over_days=4000").status_code == 404
    assert client.get(api + "&hand_over_days=4000").status_code == 422
    assert client.get(page + "&well_used_daily_users=12").status_code == 200
    assert client.get(api + "&well_used_daily_users=12").status_code == 200


def test_open_data_is_computed_once_then_read_from_the_cache_until_a_rollup(client, truth):
    """The first anonymous request computes the review; the second reads the shared cache
    (only the area's name is looked up); a rollup run makes a new answer."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pracharat.network import rollups
    from pracharat.network.models import AccountingSession

    url = reverse("oversight:worth_open", args=["65", "csv"]) + Q
    with CaptureQueriesContext(connection) as first:
        before = list(csv.DictReader(io.StringIO(_body(client.get(url)))))
    assert any("network_monthlyusage" in q["sql"] for q in first.captured_queries)
    with CaptureQueriesContext(connection) as second:
        again = list(csv.DictReader(io.StringIO(_body(client.get(url)))))
    assert again == before
    assert len(second.captured_queries) <= 2
    assert not any("usage" in q["sql"] for q in second.captured_queries)

    # a session on a point of the province, rolled up: the open data show it
    point = truth[0].point
    started = rollups.local_midnight(dt.date(2025, 3, 3)) + dt.timedelta(hours=9)
    ended = started + dt.timedelta(hours=1)
    AccountingSession.objects.create(
        session_key="worth-open-new",
        service_point=point,
        area_code=point.area_code,
        user_hash="user-new",
        started_at=started,
        updated_at=ended,
        stopped_at=ended,
        ended_at=ended,
        session_time=3600,
        output_octets=1000,
        status="closed",
    )
    rollups.rollup_range(dt.date(2025, 3, 3), dt.date(2025, 3, 3), {point.pk})
    after = list(csv.DictReader(io.StringIO(_body(client.get(url)))))
    assert sum(int(r["sessions"]) for r in after) != sum(int(r["sessions"]) for r in before)


def test_a_review_is_computed_once_for_its_pages_and_files_then_again_after_a_write(
    client, truth, phitsanulok_officer, django_capture_on_commit_callbacks
):
    """Sorting, paging and exporting one review read the shared cache; a committed write of
    something the review reads (here an outage) makes the next request compute it again."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pracharat.oversight.tests.worth_fixtures import at, outage

    client.force_login(phitsanulok_officer)
    page = reverse("oversight:worth", args=["65"]) + Q
    csv_url = reverse("oversight:worth_file", args=["65", "csv"]) + Q
    api = "/api/v1/oversight/worth-review?area=65&start=2024-10-01&end=2025-09-30"

    def reads_usage(queries) -> bool:
        return any("network_monthlyusage" in q["sql"] for q in queries.captured_queries)

    with CaptureQueriesContext(connection) as first:
        assert client.get(page).status_code == 200
    assert reads_usage(first)
    with CaptureQueriesContext(connection) as again:
        assert client.get(page + "&sort=-cost&page=1").status_code == 200
        assert len(list(csv.reader(io.StringIO(_body(client.get(csv_url)))))) == 1 + len(truth)
        before = {r["code"]: r for r in client.get(api).json()["rows"]}
    assert not reads_usage(again)

    point = next(t.point for t in truth if t.klass == "well_used")
    with django_capture_on_commit_callbacks(execute=True):
        outage(point, at(dt.date(2025, 2, 3)), 5)
    with CaptureQueriesContext(connection) as after_write:
        after = {r["code"]: r for r in client.get(api).json()["rows"]}
    assert reads_usage(after_write)
    assert after[point.code]["incidents"] == before[point.code]["incidents"] + 1


def test_writes_and_rollups_elsewhere_leave_a_province_review_cached(
    client, truth, phitsanulok_officer, django_capture_on_commit_callbacks
):
    """A write in another province and the rollup of a day of another fiscal year keep the
    cached review of Phitsanulok; a write of one of its own points makes it computed again."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pracharat.geo.models import SubDistrict, Village
    from pracharat.network import rollups
    from pracharat.oversight.tests.worth_fixtures import at, make_point, outage

    client.force_login(phitsanulok_officer)
    page = reverse("oversight:worth", args=["65"]) + Q

    def computes() -> bool:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(page).status_code == 200
        return any("network_monthlyusage" in q["sql"] for q in queries.captured_queries)

    assert computes()
    assert not computes()
    sub = SubDistrict.objects.filter(code__startswith="50").order_by("code").first()
    village = Village.objects.create(
        code=f"{sub.code}41", subdistrict=sub, moo=41, name_th="บ้านเชียงใหม่"
    )
    with django_capture_on_commit_callbacks(execute=True):
        elsewhere = make_point("WORTH-CM-1", village)
        outage(elsewhere, at(dt.date(2025, 2, 3)), 5)
    assert not computes()
    rollups.rollup_range(dt.date(2025, 10, 1), dt.date(2025, 10, 1))  # fiscal year 2569
    assert not computes()

    point = truth[0].point
    with django_capture_on_commit_callbacks(execute=True):
        outage(point, at(dt.date(2025, 2, 3)), 5)
    assert computes()
    rollups.rollup_range(dt.date(2025, 3, 3), dt.date(2025, 3, 3))  # inside the period
    assert computes()
    rollups.rollup_range(dt.date(2024, 3, 3), dt.date(2024, 3, 3))  # the previous period
    assert computes()


def test_the_province_of_a_write_is_told_without_a_query_or_not_at_all(truth):
    """A row's province comes from its own area code or from a related row already loaded;
    an update that may have moved it (no fields named, or its village or class named) and a
    row whose class was not loaded place it in no province."""
    from django.db.models.signals import post_delete, post_save

    from pracharat.learning.models import ClassSession
    from pracharat.network.models import PointCost, ServicePoint
    from pracharat.oversight import worth

    point = ServicePoint.objects.get(pk=truth[0].point.pk)
    assert worth._province_of(point) == "65"
    assert worth._province_of(point, ["monthly_cost", "updated"], moving=True) == "65"
    assert worth._province_of(point, None, moving=True) is None
    assert worth._province_of(point, ["village", "area_code"], moving=True) is None

    cost = PointCost.objects.filter(service_point=point).first()
    assert worth._province_of(cost) is None  # its point is not loaded
    cost.service_point  # noqa: B018 - loaded now
    assert worth._province_of(cost) == "65"
    assert worth._province_of(cost, ["service_point"], moving=True) is None
    assert worth._province_of(ClassSession()) is None

    def generations() -> tuple:
        return (
            worth._INPUTS.current(),
            worth._province_generation("65").current(),
            worth._province_generation("50").current(),
            worth._ANY_PROVINCE.current(),
        )

    before = generations()
    worth.inputs_changed(
        sender=ServicePoint, instance=point, signal=post_save, created=False,
        update_fields=frozenset({"monthly_cost"}),
    )  # fmt: skip
    after_update = generations()
    assert after_update[0] == before[0]  # placed: not every review
    assert after_update[1] > before[1]  # its province's
    assert after_update[2] == before[2]  # not another's
    assert after_update[3] > before[3]  # and the country's
    worth.inputs_changed(sender=ServicePoint, instance=point, signal=post_delete)
    after_delete = generations()
    assert after_delete[0] == after_update[0] and after_delete[1] > after_update[1]
    worth.inputs_changed(sender=ServicePoint, instance=point, signal=post_save, created=False)
    assert generations()[0] > after_delete[0]  # may have moved: every review
