"""schemathesis drives the public market API from its own OpenAPI document: no input gives
a 5xx and every answer matches the documented schema (status codes included)."""

import schemathesis
from hypothesis import HealthCheck, settings

from pracharat.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application).include(
    path_regex=r"^/api/v1/market/(products|groups)", method="GET"
)


@schema.parametrize()
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_market_api_never_fails(case, wsgi_keeps_test_connection, chili_products, cloth):
    case.call_and_validate()
