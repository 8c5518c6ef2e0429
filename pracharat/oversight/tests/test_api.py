"""The API: scoped lists and details, agencies updating their own actions with a token, only
inspectors verifying, and the query budget of each list."""

from __future__ import annotations

import pytest

from pracharat.accounts.models import ApiToken
from pracharat.oversight import actions
from pracharat.oversight.models import ActionStatus, FollowUpAction
from pracharat.oversight.tests.conftest import due_in

pytestmark = pytest.mark.django_db
BASE = "/api/v1/oversight"


def bearer(user) -> dict:
    _, raw = ApiToken.issue(user, "test")
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def submitted(visit, inspector, action, nt_action):
    actions.submit_visit(inspector, visit)
    return visit


def test_anonymous_gets_401(client, submitted):
    for path in ("/visits", "/findings", "/actions"):
        assert client.get(BASE + path).status_code == 401


@pytest.mark.parametrize("path", ["/visits", "/findings", "/actions"])
def test_lists_have_a_fixed_query_budget(
    client, submitted, inspector, post, path, django_assert_max_num_queries
):
    auth = bearer(inspector)
    for i in range(15):
        finding = actions.add_finding(
            inspector,
            submitted,
            actions.FindingInput(category="other", problem=f"ข้อ {i}"),
        )
        actions.assign_action(
            inspector,
            actions.ActionInput(title=f"งาน {i}", owner=post, due_date=due_in(i)),
            finding=finding,
        )
    with django_assert_max_num_queries(8):
        response = client.get(BASE + path, **auth)
    assert response.status_code == 200 and response.json()["count"] >= 1


def test_another_province_sees_nothing(client, submitted, action, chiangmai_officer):
    auth = bearer(chiangmai_officer)
    for path in ("/visits", "/findings", "/actions"):
        assert client.get(BASE + path, **auth).json() == {"count": 0, "items": []}
    assert client.get(f"{BASE}/actions/{action.pk}", **auth).status_code == 404
    assert client.get(f"{BASE}/visits/{submitted.pk}", **auth).status_code == 404


def test_an_agency_updates_its_own_action_with_a_token(client, action, nt_action, post_officer):
    auth = bearer(post_officer)
    mine = client.get(f"{BASE}/actions?mine=true", **auth).json()
    assert [a["id"] for a in mine["items"]] == [action.pk]
    response = client.post(
        f"{BASE}/actions/{action.pk}/updates",
        {"text": "ขึ้นร้านค้าออนไลน์แล้ว", "step": "finish"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "done" and body["updates"][0]["text"] == "ขึ้นร้านค้าออนไลน์แล้ว"
    assert body["allowed"] == []  # only inspectors verify
    # The post office sees NT's action (same province) but cannot touch it.
    response = client.post(
        f"{BASE}/actions/{nt_action.pk}/updates",
        {"text": "x"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403 and response.json()["error"]["status"] == 403
    response = client.post(
        f"{BASE}/actions/{nt_action.pk}/steps",
        {"step": "start"},
        content_type="application/json",
        **auth,
    )
    assert response.status_code == 403
    assert FollowUpAction.objects.get(pk=nt_action.pk).status == ActionStatus.OPEN


def test_only_inspectors_verify(client, action, post_officer, phitsanulok_officer, inspector):
    actions.move_action(post_officer, action, "finish")
    for who in (post_officer, phitsanulok_officer):
        response = client.post(
            f"{BASE}/actions/{action.pk}/steps",
            {"step": "verify"},
            content_type="application/json",
            **bearer(who),
        )
        assert response.status_code == 403
    response = client.post(
        f"{BASE}/actions/{action.pk}/steps",
        {"step": "verify", "note": "ตรวจแล้ว"},
        content_type="application/json",
        **bearer(inspector),
    )
    assert response.status_code == 200 and response.json()["status"] == "verified"
    events = [(e["from_status"], e["to_status"]) for e in response.json()["events"]]
    assert events[-1] == ("done", "verified")


def test_the_table_refuses_with_409(client, action, inspector):
    response = client.post(
        f"{BASE}/actions/{action.pk}/steps",
        {"step": "verify"},
        content_type="application/json",
        **bearer(inspector),
    )
    assert response.status_code == 409


def test_visit_and_finding_details(client, submitted, finding, inspector):
    auth = bearer(inspector)
    visit = client.get(f"{BASE}/visits/{submitted.pk}", **auth).json()
    assert visit["status"] == "submitted" and visit["places"][0]["kind"] == "agency_office"
    assert {a["agency"]["slug"] for a in visit["agencies_met"]} == {
        "post-phitsanulok",
        "nt-phitsanulok",
    }
    detail = client.get(f"{BASE}/findings/{finding.pk}", **auth).json()
    assert detail["figures"]["area_code"] == "65" and len(detail["actions"]) == 2
