"""Site-wide request handling: client address, body cap, HEAD, security headers."""

from __future__ import annotations

import pytest
from django.test import override_settings
from hypothesis import given
from hypothesis import strategies as st

from pracharat.core.lib.clientip import client_address, parse_networks

PROXIES = parse_networks(["127.0.0.1", "10.0.0.0/8", "::1"])


@pytest.mark.parametrize(
    ("remote", "forwarded", "client"),
    [
        ("203.0.113.5", "", "203.0.113.5"),  # no proxy
        ("203.0.113.5", "198.51.100.7", "203.0.113.5"),  # untrusted peer: its header is ignored
        ("127.0.0.1", "198.51.100.7", "198.51.100.7"),  # one trusted proxy
        ("127.0.0.1", "198.51.100.7, 10.1.2.3", "198.51.100.7"),  # two trusted hops
        ("127.0.0.1", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # a forged leftmost entry
        ("::1", "2001:db8::7", "2001:db8::7"),
        ("127.0.0.1", "[2001:db8::7]:443", "2001:db8::7"),
        ("127.0.0.1", "198.51.100.7:5000", "198.51.100.7"),
        ("127.0.0.1", "garbage", "127.0.0.1"),
        ("127.0.0.1", "10.0.0.1, 10.0.0.2", "10.0.0.1"),  # all trusted: the leftmost
    ],
)
def test_client_address_behind_trusted_proxies(remote, forwarded, client):
    assert client_address(remote, forwarded, PROXIES) == client


@given(st.text(max_size=200), st.text(max_size=200))
def test_client_address_never_raises(remote, forwarded):
    assert isinstance(client_address(remote, forwarded, PROXIES), str)


def test_no_trusted_proxy_means_the_header_is_ignored():
    assert client_address("127.0.0.1", "198.51.100.7", ()) == "127.0.0.1"


@override_settings(TRUSTED_PROXIES=["127.0.0.1"])
def test_the_middleware_gives_every_view_the_real_client(rf):
    from pracharat.core.middleware import ClientAddressMiddleware, client_ip

    seen = {}

    def view(request):
        seen["ip"] = client_ip(request)
        from django.http import HttpResponse

        return HttpResponse()

    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.7")
    ClientAddressMiddleware(view)(request)
    assert seen["ip"] == "198.51.100.7"


@override_settings(MAX_REQUEST_BODY_BYTES=1024)
def test_an_oversized_body_is_refused_before_anything_reads_it(client, db):
    body = "x" * 4096
    page = client.post("/market/orders/lookup/", {"number": body})
    assert page.status_code == 413
    assert "text/html" in page["Content-Type"]
    assert "คำขอมีขนาดใหญ่เกินไป" in page.content.decode()  # the Thai page, not a bare error
    api = client.post("/api/v1/market/webhooks/payment", body, content_type="application/json")
    assert api.status_code == 413
    assert api.json()["error"]["code"] == "too_large"


def test_head_answers_wherever_get_does(client, db):
    for path in ("/", "/market/", "/network/", "/geo/65/", "/api/v1/geo/provinces"):
        get = client.get(path)
        head = client.head(path)
        assert get.status_code == 200, path
        assert head.status_code == 200, path
        assert head.content == b""
        assert head["Content-Type"] == get["Content-Type"]
    assert client.head("/no/such/page/").status_code == 404
    # A view that takes POST only still refuses HEAD as it refuses GET.
    logout = "/accounts/logout/"
    assert client.head(logout).status_code == client.get(logout).status_code


def test_every_response_carries_csp_and_permissions_policy(client, db):
    page = client.get("/")
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "camera=()" in page["Permissions-Policy"]
    admin = client.get("/admin/login/")
    assert "style-src 'self' 'unsafe-inline'" in admin["Content-Security-Policy"]
    api = client.get("/api/v1/geo/provinces")
    assert "Content-Security-Policy" in api


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/geo/address?q=%00",
        "/api/v1/geo/address?q=bang%00kok",
        "/api/v1/network/service-points/NP-%00",
        "/api/v1/market/orders/PR-ABCD%0012",
        "/api/v1/accounts/agencies/mdes%00",
        "/market/orders/lookup/?number=%00",
        "/geo/%00/",
    ],
)
def test_a_nul_byte_in_the_url_is_a_400_everywhere(client, db, url):
    """Regression: on PostgreSQL a NUL byte reaching a query was a 500 (psycopg refuses it)."""
    response = client.get(url)
    assert response.status_code == 400, url
    if url.startswith("/api/"):
        assert response.json()["error"]["code"] == "bad_request"
    else:
        assert "text/html" in response["Content-Type"]
        assert "NUL" in response.content.decode()


def test_urls_without_a_nul_byte_pass(client, db):
    assert client.get("/api/v1/geo/address", {"q": "%00 is fine as text"}).status_code == 200
    assert client.get("/api/v1/geo/address?q=65000").status_code == 200


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/network/incidents/1/events", '{"action": "note", "note": "a\\u0000b"}'),
        ("/market/webhooks/payment/", '{"reference": "R\\u0000", "order": "X", "amount": "1"}'),
        ("/market/webhooks/payment/", '{"reference": "\\ud800", "order": "X", "amount": "1"}'),
        ("/market/webhooks/thailandpost/", '{"items": [{"location": "\\u0000"}]}'),
    ],
)
def test_a_json_body_with_a_nul_or_a_lone_surrogate_is_a_400(client, db, path, body):
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400, response.content
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "bad_request"


def test_ordinary_escapes_in_json_pass(client, db):
    # "\u0e01" (ก) is a normal escape: the request reaches the view (401: no token).
    response = client.post(
        "/api/v1/network/incidents/1/events", '{"note": "\\u0e01"}', content_type="application/json"
    )
    assert response.status_code == 401
