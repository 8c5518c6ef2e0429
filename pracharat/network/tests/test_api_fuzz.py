"""schemathesis drives the network API from its own OpenAPI document: no input gives a 5xx
and every answer (JSON, GeoJSON, CSV) matches what the document says."""

import datetime
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from pracharat.network.api import CODE_PATTERN
from pracharat.network.tests.webfixtures import *  # noqa: F403 - fixtures
from pracharat.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    path_regex=r"^/api/v1/network/"
)


@pytest.fixture
def registry_with_usage(khlong_mem_usage, chiangmai_point):
    """A few real rows for the fuzzer to hit besides 404s."""


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_network_api_never_fails(case, wsgi_keeps_test_connection, registry_with_usage):
    if not case.path.endswith(("/usage", "/usage.csv", "/events")):
        case.call_and_validate()
        return
    # OpenAPI cannot say "start <= end", "at most 3 years", "within 2000-2100" or "a note is
    # needed to resolve", so a schema-valid request may get a 422 there; it must then name
    # that rule.
    response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
    if response.status_code == 422 and _valid_path(case) and _valid_dates(case.query or {}):
        messages = str(response.json()["error"].get("details"))
        rules = ("start must be on or before end", "at most", "dates must be between")
        assert any(rule in messages for rule in rules), messages


def _valid_path(case) -> bool:
    code = str((case.path_parameters or {}).get("code", ""))
    pattern = r"\d{2}" if "/areas/" in case.path else CODE_PATTERN
    return re.fullmatch(pattern, code) is not None


def _valid_dates(query: dict) -> bool:
    """Both dates absent or real ISO dates (and nothing else in the query)."""
    if set(query) - {"start", "end"}:
        return False
    try:
        for key in ("start", "end"):
            if key in query:
                datetime.date.fromisoformat(str(query[key]))
    except ValueError:
        return False
    return bool(query)
