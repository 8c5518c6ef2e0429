"""The network API: the public registry, usage JSON/CSV, GeoJSON, and scoped incidents."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pracharat.accounts.models import ApiToken
from pracharat.network import actions
from pracharat.network.models import IncidentStatus
from pracharat.network.tests.webfixtures import *  # noqa: F403 - fixtures
from pracharat.network.tests.webfixtures import make_points

pytestmark = pytest.mark.django_db
BASE = "/api/v1/network"


def test_service_points_filter_by_area_and_status(client, nt_agency):
    make_points(12, provider=nt_agency)
    everything = client.get(f"{BASE}/service-points?area=65").json()
    assert everything["count"] == 12 and len(everything["items"]) == 12
    down = client.get(f"{BASE}/service-points?area=65&status=down").json()
    assert down["count"] == 2 and {p["status"] for p in down["items"]} == {"down"}
    page = client.get(f"{BASE}/service-points?area=65&limit=5&offset=10").json()
    assert page["count"] == 12 and len(page["items"]) == 2
    assert client.get(f"{BASE}/service-points?area=50").json()["count"] == 0
    item = everything["items"][0]
    assert item["provider"]["slug"] == "nt-phitsanulok"
    assert "secret" not in str(everything)


@pytest.mark.parametrize("query", ["area=6", "status=broken", "limit=0", "limit=10000"])
def test_bad_filters_answer_422_in_the_error_shape(client, geography, query):
    response = client.get(f"{BASE}/service-points?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


@pytest.mark.parametrize("count", [10, 100])
def test_lists_run_a_fixed_number_of_queries(client, nt_agency, count):
    make_points(count, provider=nt_agency)
    with CaptureQueriesContext(connection) as list_queries:
        assert len(client.get(f"{BASE}/service-points?limit=500").json()["items"]) == count
    with CaptureQueriesContext(connection) as geo_queries:
        assert len(client.get(f"{BASE}/service-points.geojson").json()["features"]) == count
    assert (len(list_queries), len(geo_queries)) == (2, 1)


def test_point_detail_has_place_names_and_no_secrets(client, khlong_mem_nas):
    body = client.get(f"{BASE}/service-points/NP-65060209").json()
    assert body["village"]["name_en"] == "Ban Khlong Mem"
    assert body["province"]["code"] == "65"
    assert body["open_incident"] is None
    assert "testing123" not in str(body) and "nas" not in str(body).lower()
    assert client.get(f"{BASE}/service-points/NP-00000000").status_code == 404
    assert client.get(f"{BASE}/service-points/NP-00000000").json()["error"]["code"] == "not_found"


def test_usage_rows_for_every_day(client, khlong_mem_usage):
    today = timezone.localdate()
    start = today - dt.timedelta(days=2)
    rows = client.get(
        f"{BASE}/service-points/NP-65060209/usage", {"start": start, "end": today}
    ).json()
    assert [r["day"] for r in rows] == [str(start + dt.timedelta(days=i)) for i in range(3)]
    assert [r["unique_users"] for r in rows] == [0, 5, 3]
    assert rows[-1]["sessions"] == 3 and rows[-1]["bytes_out"] == 60_000_000
    assert len(client.get(f"{BASE}/service-points/NP-65060209/usage").json()) == 30


@pytest.mark.parametrize(
    "query",
    [
        "start=2026-02-30",
        "start=yesterday",
        "start=2026-05-02&end=2026-05-01",
        "start=2020-01-01&end=2026-01-01",
    ],
)
def test_bad_or_reversed_dates_are_422(client, khlong_mem_point, query):
    response = client.get(f"{BASE}/service-points/NP-65060209/usage?{query}")
    assert response.status_code == 422
    assert response.json()["error"]["status"] == 422


def test_usage_csv_download(client, khlong_mem_usage):
    today = timezone.localdate()
    response = client.get(
        f"{BASE}/service-points/NP-65060209/usage.csv", {"start": today, "end": today}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["day", "sessions", "unique_users"]
    assert rows[1][:3] == [str(today), "3", "3"]


def test_province_usage_csv_has_the_province_and_its_districts(client, khlong_mem_usage):
    today = timezone.localdate()
    response = client.get(f"{BASE}/areas/65/usage.csv", {"start": today, "end": today})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["area_code"], r["area_name"], r["users"]) for r in rows] == [
        ("65", "พิษณุโลก", "3"),
        ("6506", "พรหมพิราม", "3"),
    ]
    assert client.get(f"{BASE}/areas/99/usage.csv").status_code == 404


def _xlsx_rows(response) -> list[list[str]]:
    """The sheet's rows as the CSV writes its cells."""
    import openpyxl

    from pracharat.core import tables

    assert response["Content-Type"] == tables.XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    return [[tables.xlsx_text(v) for v in r] for r in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize(
    "path", ["service-points/NP-65060209/usage", "areas/65/usage"], ids=["point", "province"]
)
def test_usage_xlsx_holds_the_csv_rows(client, khlong_mem_usage, path):
    today = timezone.localdate()
    period = {"start": today - dt.timedelta(days=2), "end": today}
    csv_response = client.get(f"{BASE}/{path}.csv", period)
    text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text)))
    xlsx_response = client.get(f"{BASE}/{path}.xlsx", period)
    assert xlsx_response.status_code == 200
    assert "attachment" in xlsx_response["Content-Disposition"]
    assert _xlsx_rows(xlsx_response) == csv_rows
    assert len(csv_rows) > 1


def test_geojson_feature_collection_with_status(client, khlong_mem_point):
    response = client.get(f"{BASE}/service-points.geojson?area=65")
    assert response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    feature = body["features"][0]
    assert feature["geometry"] == {"type": "Point", "coordinates": [100.1702, 16.9794]}
    assert feature["properties"]["status"] == "active"


@pytest.fixture
def reported(khlong_mem_point):
    return actions.submit_fault_report(
        khlong_mem_point, actions.ReportInput(problem="slow"), ip_address="203.0.113.5"
    ).incident


def bearer(user) -> dict:
    _, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_incidents_need_auth(client, reported):
    response = client.get(f"{BASE}/incidents")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_nt_officer_lists_and_resolves_by_token(client, reported, nt_officer):
    auth = bearer(nt_officer)
    listing = client.get(f"{BASE}/incidents", **auth).json()
    assert [i["id"] for i in listing["items"]] == [reported.pk]
    assert listing["items"][0]["agency"]["slug"] == "nt-phitsanulok"
    detail = client.get(f"{BASE}/incidents/{reported.pk}", **auth).json()
    assert detail["events"][0]["kind"] == "opened" and detail["reports"] == 1
    assert (detail["events"][0]["from_status"], detail["events"][0]["to_status"]) == ("", "open")
    done = client.post(
        f"{BASE}/incidents/{reported.pk}/events",
        {"action": "resolve", "note": "เปลี่ยนเราเตอร์"},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 200, done.content
    assert done.json()["status"] == IncidentStatus.RESOLVED
    again = client.post(
        f"{BASE}/incidents/{reported.pk}/events",
        {"action": "resolve", "note": "อีกครั้ง"},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 409
    assert again.json()["error"] == {
        "status": 409, "code": "conflict", "message": "เหตุขัดข้องนี้แก้ไขแล้ว",
    }  # fmt: skip
    empty = client.post(
        f"{BASE}/incidents/{reported.pk}/events",
        {"action": "note", "note": ""},
        content_type="application/json",
        **auth,
    )
    assert empty.status_code == 422
    assert empty.json()["error"]["details"][0]["message"] == "ระบุอย่างน้อย 1 ตัวอักษร"


def test_a_refusal_is_said_in_the_callers_language(client, reported, nt_officer):
    path = f"{BASE}/incidents/{reported.pk}/events"
    done = client.post(
        path, {"action": "resolve", "note": "x"}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en", **bearer(nt_officer),
    )  # fmt: skip
    assert done.status_code == 200
    again = client.post(
        path, {"action": "resolve", "note": "x"}, content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en", **bearer(nt_officer),
    )  # fmt: skip
    assert again.json()["error"] == {
        "status": 409, "code": "conflict", "message": "This incident is already resolved.",
    }  # fmt: skip


@pytest.mark.parametrize(
    ("body", "thai", "english"),
    [
        ("{not json", "เนื้อหาของคำขอไม่ใช่ JSON ที่ถูกต้อง", "The request body is not valid JSON."),
        ('{"note": "x"}', "ระบุ 'action'", "Give 'action'."),
        ('{"action": "fly"}', "เลือก 'action' จาก", "Choose 'action' from: 'acknowledge'"),
        ('{"action": "note", "note": 5}', "ระบุเป็นข้อความ", "Give text."),
    ],
)
def test_parse_errors_are_thai_first_and_english_on_request(
    client, reported, nt_officer, body, thai, english
):
    path = f"{BASE}/incidents/{reported.pk}/events"
    auth = bearer(nt_officer)
    for language, expected in (("th", thai), ("en", english)):
        response = client.post(
            path, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language, **auth
        )
        assert response.status_code in (400, 422)
        error = response.json()["error"]
        said = [error["message"]] + [d["message"] for d in error.get("details") or []]
        assert any(expected in text for text in said), (language, error)


def test_chiangmai_officer_sees_no_phitsanulok_incident_by_api(client, reported, chiangmai_officer):
    auth = bearer(chiangmai_officer)
    assert client.get(f"{BASE}/incidents", **auth).json() == {"count": 0, "items": []}
    assert client.get(f"{BASE}/incidents/{reported.pk}", **auth).status_code == 404
    response = client.post(
        f"{BASE}/incidents/{reported.pk}/events",
        {"action": "resolve", "note": "x"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 404


def test_provincial_officer_cannot_resolve(client, reported, phitsanulok_officer):
    response = client.post(
        f"{BASE}/incidents/{reported.pk}/events",
        {"action": "resolve", "note": "x"},
        content_type="application/json",
        **bearer(phitsanulok_officer),
    )
    assert response.status_code == 403


def test_session_writes_need_csrf(reported, nt_officer):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(nt_officer)
    assert browser.get(f"{BASE}/incidents").status_code == 200
    response = browser.post(
        f"{BASE}/incidents/{reported.pk}/events",
        {"action": "acknowledge"},
        content_type="application/json",
    )
    assert response.status_code == 403
    reported.refresh_from_db()
    assert reported.status == IncidentStatus.OPEN


@pytest.mark.parametrize(
    "query", ["end=0", "start=1700000000", "end=-2.1e-61", "end=0001-01-01", "start=9999-12-31"]
)
def test_numbers_are_not_dates(client, khlong_mem_point, query):
    response = client.get(f"{BASE}/service-points/NP-65060209/usage?{query}")
    assert response.status_code == 422
