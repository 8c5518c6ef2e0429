"""The reports' API: the province report as JSON (scoped like its page, bearer token or
session), and the dashboards' numbers (public aggregates), with query budgets."""

from __future__ import annotations

import pytest
from django.test import Client

from pracharat.accounts.models import ApiToken
from pracharat.oversight.tests.reports_fixtures import *  # noqa: F403
from pracharat.oversight.tests.reports_fixtures import CHANNEL

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hashing")]


def bearer(user) -> dict:
    _token, key = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_the_province_report_as_json(client, khlong_mem_visit, phitsanulok_officer,
                                     django_assert_max_num_queries):  # fmt: skip
    headers = bearer(phitsanulok_officer)
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/oversight/reports/65/2563", **headers)
    assert response.status_code == 200
    body = response.json()
    assert (body["province"], body["fiscal_year"], body["start"]) == ("65", 2563, "2019-10-01")
    assert [v["findings"] for v in body["visits"]] == [2]
    categories = {c["key"]: c["count"] for c in body["findings_by_category"]}
    assert categories["community_economy"] == 1 and categories["cooperation"] == 1
    statuses = {c["key"]: c["count"] for c in body["actions_by_status"]}
    assert (statuses["open"], statuses["verified"], statuses["in_progress"]) == (1, 1, 1)
    (overdue,) = body["overdue"]
    assert overdue["title"] == CHANNEL and overdue["due_date"] == "2020-09-30"
    agencies = {a["agency_id"]: a for a in body["actions_by_agency"]}
    assert agencies[khlong_mem_visit.fixture["mdes"].pk]["overdue"] == 1


def test_the_province_report_is_scoped(client, khlong_mem_visit, chiangmai_officer, volunteer):
    assert client.get("/api/v1/oversight/reports/65/2563").status_code == 401
    response = client.get("/api/v1/oversight/reports/65/2563", **bearer(chiangmai_officer))
    assert response.status_code == 403 and response.json()["error"]["code"]
    assert client.get("/api/v1/oversight/reports/65/2563", **bearer(volunteer)).status_code == 403
    assert client.get("/api/v1/oversight/reports/99/2563", **bearer(chiangmai_officer)
                      ).status_code == 404  # fmt: skip
    # the session works too
    session = Client()
    session.force_login(chiangmai_officer)
    body = session.get("/api/v1/oversight/reports/50/2563").json()
    assert body["visits"] == [] and body["overdue"] == []


def test_the_dashboard_numbers(client, khlong_mem_visit, django_assert_max_num_queries):
    with django_assert_max_num_queries(18):  # every pillar, learning and volunteers included
        body = client.get("/api/v1/oversight/dashboard/65?fy=2563").json()
    assert (body["code"], body["fiscal_year"]) == ("65", 2563)
    oversight = {n["key"]: n["value"] for n in body["pillars"]["oversight"]}
    assert oversight["visits"] == 1 and oversight["actions_overdue"] == 1
    assert {"network", "market", "oversight"} <= set(body["pillars"])
    assert body["actions_by_agency"][0]["overdue"] == 1
    assert client.get("/api/v1/oversight/dashboard/99?fy=2563").status_code == 404
    assert client.get("/api/v1/oversight/dashboard/65?fy=1999").status_code == 422


def test_the_national_numbers(client, khlong_mem_visit, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        body = client.get("/api/v1/oversight/dashboard?fy=2563").json()
    assert len(body["provinces"]) == 77
    keys = [c["key"] for c in body["columns"]]
    assert "oversight.visits" in keys and "network.points" in keys
    phitsanulok = next(p for p in body["provinces"] if p["code"] == "65")
    assert phitsanulok["numbers"]["oversight.visits"] == 1
    assert phitsanulok["numbers"]["oversight.actions_overdue"] == 1
