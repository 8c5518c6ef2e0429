"""schemathesis drives the whole API (every router) from its own OpenAPI document, on whatever
database the suite runs on: no input gives a 5xx, every answer's status, content type and body
match the document, and every request the document calls valid is accepted.

Scoped endpoints are called with bearer tokens of real roles (a producer group's owner for the
seller's orders, NT Phitsanulok's officer for everything else), over rows of every kind, so the
fuzzer reaches more than 401s and 404s. The budget is fixed (derandomised, bounded examples)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    positive_data_acceptance,
    response_schema_conformance,
    status_code_conformance,
)

from pracharat.accounts.models import ApiToken
from pracharat.market import actions as market_actions
from pracharat.market.tests.conftest import *  # noqa: F403 - fixtures
from pracharat.network import actions as network_actions
from pracharat.network.tests.conftest import *  # noqa: F403 - fixtures
from pracharat.network.tests.webfixtures import *  # noqa: F403 - fixtures
from pracharat.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    positive_data_acceptance,
]


@pytest.fixture
def api_tokens(
    wsgi_keeps_test_connection,
    producer,
    chili_products,
    cloth,
    buyer_details,
    nt_officer,
    khlong_mem_usage,
    chiangmai_point,
):
    """Rows for the fuzzer to find, and ``{path prefix: Authorization header}``."""
    market_actions.checkout({chili_products["pao"].pk: 1, cloth.pk: 1}, buyer_details)
    network_actions.submit_fault_report(
        khlong_mem_usage,
        network_actions.ReportInput(problem="slow"),
        ip_address="203.0.113.5",
    )
    return {
        "/api/v1/market/orders": _bearer(producer),
        "/api/v1/": _bearer(nt_officer),
    }


def _bearer(user) -> dict:
    _token, key = ApiToken.issue(user, "fuzz")
    # English, so RULES_OPENAPI_CANNOT_STATE below can name each rule as the API says it.
    return {"Authorization": f"Bearer {key}", "Accept-Language": "en"}


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_never_fails_and_matches_its_document(case, api_tokens):
    headers = next(h for prefix, h in api_tokens.items() if case.path.startswith(prefix))
    rules = RULES_OPENAPI_CANNOT_STATE.get(case.path)
    if rules is None:
        case.call_and_validate(headers=headers, checks=CHECKS)
        return
    # A schema-valid request may break one of these rules; the 422 must then name it.
    checks = [check for check in CHECKS if check is not positive_data_acceptance]
    response = case.call_and_validate(headers=headers, checks=checks)
    if response.status_code == 422 and case.meta.generation.mode.is_positive:
        details = str(response.json()["error"].get("details"))
        assert any(rule in details for rule in rules), details


#: Rules OpenAPI cannot express: "start <= end", "at most 3 years", "within 2000-2100" between
#: two dates, and the UPU S10 check digit of a tracking number.
_PERIOD = ("start must be on or before the end", "at most", "ates must be between")
RULES_OPENAPI_CANNOT_STATE = {
    "/api/v1/network/service-points/{code}/usage": _PERIOD,
    "/api/v1/network/service-points/{code}/usage.csv": _PERIOD,
    "/api/v1/network/areas/{code}/usage.csv": _PERIOD,
    "/api/v1/network/service-points/{code}/usage.xlsx": _PERIOD,
    "/api/v1/network/areas/{code}/usage.xlsx": _PERIOD,
    # the S10 rules (length, letters, digits, country, check digit), said in the request's words
    "/api/v1/market/orders/{number}/ship": (
        "tracking number",
        "must start with two letters",
        "must be digits",
        "country code",
        "check digit",
        "ends with TH",
    ),
    "/api/v1/areas/numbers": (*_PERIOD, "real dates"),
    "/api/v1/areas/{code}/numbers": (*_PERIOD, "real dates"),
    "/api/v1/learning/indicators": (*_PERIOD, "real dates", "either a fiscal year"),
    "/api/v1/volunteers/counts": (*_PERIOD, "real dates"),
    "/api/v1/volunteers/areas/{code}/counts": (*_PERIOD, "real dates"),
    "/api/v1/volunteers/me/activities": _PERIOD,
    "/api/v1/oversight/worth-review": (*_PERIOD, "real dates"),
    "/api/v1/oversight/worth-review/points/{point_id}": (*_PERIOD, "real dates"),
    # JSON may carry a NUL or a lone surrogate (in a key the schema lets through, as extra
    # properties); the platform refuses such a body with a 400 (NulByteMiddleware).
    "/api/v1/oversight/actions/{action_id}/updates": ("not allowed",),
    "/api/v1/oversight/actions/{action_id}/steps": ("not allowed",),
    "/api/v1/network/alerts/alertmanager": ("not allowed",),
    "/api/v1/network/alerts/zabbix": ("not allowed",),
}
