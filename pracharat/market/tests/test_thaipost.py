"""The Track & Trace client against a local server that answers as the documented API does,
and both webhook receivers called as Thailand Post and a payment provider would."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import RequestFactory

from pracharat.market import actions, thaipost, webhooks
from pracharat.market.lib import s10
from pracharat.market.models import OrderStatus, Payment, TrackingEvent

API_KEY = "key-from-the-developer-portal"
ICT = timezone(timedelta(hours=7))


def scan(barcode, status, when, text, place="ปณ.พรหมพิราม", postcode="65150"):
    return {
        "barcode": barcode,
        "status": status,
        "status_description": text,
        "status_date": when,
        "location": place,
        "postcode": postcode,
        "delivery_status": "S" if status == "501" else None,
        "delivery_description": "ผู้รับได้รับเรียบร้อยแล้ว" if status == "501" else None,
        "delivery_datetime": when if status == "501" else None,
        "receiver_name": "สมศรี" if status == "501" else None,
        "signature": "https://trackimage.thailandpost.co.th/f/signature/x"
        if status == "501"
        else None,
    }


class FakeTrackAndTrace(BaseHTTPRequestHandler):
    """Answers GetToken and GetItems like trackapi.thailandpost.co.th (BE dates, TH text)."""

    scans: dict = {}
    tokens_issued = 0
    requests: list = []

    def log_message(self, *args):
        pass

    def _json(self, status, body):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = json.loads(self.rfile.read(length) or b"{}")
        auth = self.headers.get("Authorization", "")
        type(self).requests.append((self.path, auth, body))
        if self.path == thaipost.TOKEN_PATH:
            if auth != f"Token {API_KEY}":
                return self._json(401, {"detail": "Invalid token."})
            type(self).tokens_issued += 1
            return self._json(200, {"expire": "2099-12-31 10:00:00+07:00", "token": "jwt-1"})
        if self.path == thaipost.ITEMS_PATH:
            if auth != "Token jwt-1":
                return self._json(401, {"detail": "Invalid token."})
            items = {code: self.scans.get(code, []) for code in body["barcode"]}
            return self._json(
                200,
                {
                    "response": {
                        "items": items,
                        "track_count": {
                            "track_date": "25/11/2569",
                            "count_number": len(items),
                            "track_count_limit": 1000,
                        },
                    },
                    "message": "successful",
                    "status": True,
                },
            )
        return self._json(404, {"detail": "Not found."})


@pytest.fixture
def track_api():
    FakeTrackAndTrace.scans, FakeTrackAndTrace.requests = {}, []
    FakeTrackAndTrace.tokens_issued = 0
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeTrackAndTrace)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_times_are_buddhist_era_in_thai_and_may_lack_seconds():
    assert thaipost.parse_time("25/11/2569 10:15:30+07:00") == datetime(
        2026, 11, 25, 10, 15, 30, tzinfo=ICT
    )
    assert thaipost.parse_time("25/11/2026 10:15+07:00") == datetime(
        2026, 11, 25, 10, 15, tzinfo=ICT
    )
    with pytest.raises(thaipost.TrackTraceError):
        thaipost.parse_time("yesterday")


def test_client_gets_a_token_then_items(track_api):
    code = s10.make("EF", 58230417)
    FakeTrackAndTrace.scans[code] = [
        scan(code, "201", "24/11/2569 18:00:00+07:00", "อยู่ระหว่างการขนส่ง"),
        scan(code, "103", "24/11/2569 09:30:00+07:00", "รับฝาก"),
    ]
    client = thaipost.Client(track_api, API_KEY)
    found = client.items([code, s10.make("RB", 1)])
    assert [s.status for s in found[code]] == ["103", "201"]  # oldest first
    assert found[code][0].occurred_at == datetime(2026, 11, 24, 9, 30, tzinfo=ICT)
    assert found[code][0].location == "ปณ.พรหมพิราม"
    client.items([code])
    assert FakeTrackAndTrace.tokens_issued == 1  # cached
    path, auth, body = FakeTrackAndTrace.requests[-1]
    assert (path, auth) == (thaipost.ITEMS_PATH, "Token jwt-1")
    assert body == {"status": "all", "language": "TH", "barcode": [code]}


def test_wrong_key_is_a_clear_error(track_api):
    with pytest.raises(thaipost.TrackTraceError, match="401"):
        thaipost.Client(track_api, "wrong").items(["EF582304177TH"])
    with pytest.raises(thaipost.TrackTraceError, match="not set"):
        thaipost.Client(track_api, "").token()


@pytest.fixture
def shipped(chili_products, buyer_details, producer):
    (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    actions.confirm_payment(order, actor=producer)
    return actions.ship(order, s10.make("EF", 58230417), actor=producer)


@pytest.mark.django_db
def test_poll_moves_delivered_parcels_to_delivered(track_api, shipped):
    code = shipped.tracking_number
    FakeTrackAndTrace.scans[code] = [
        scan(code, "103", "24/11/2569 09:30:00+07:00", "รับฝาก"),
        scan(code, "501", "25/11/2569 11:05:00+07:00", "นำจ่ายสำเร็จ"),
    ]
    client = thaipost.Client(track_api, API_KEY)
    assert thaipost.poll_shipped_orders(client) == {"parcels": 1, "new": 2, "delivered": 1}
    shipped.refresh_from_db()
    assert shipped.status == OrderStatus.DELIVERED
    assert shipped.delivered_at == datetime(2026, 11, 25, 11, 5, tzinfo=ICT)
    assert thaipost.poll_shipped_orders(client) == {"parcels": 0, "new": 0, "delivered": 0}


@pytest.mark.django_db
def test_thailandpost_webhook_needs_the_bearer_token_and_is_idempotent(shipped, settings):
    settings.THAILANDPOST_WEBHOOK_TOKEN = "hook-secret"
    code = shipped.tracking_number
    body = json.dumps(
        {
            "items": [scan(code, "501", "25/11/2569 11:05+07:00", "นำจ่ายสำเร็จ")],
            "track_datetime": "25/11/2569 11:06+07:00",
        }
    )
    rf = RequestFactory()

    def post(auth):
        request = rf.post(
            "/market/webhooks/thailandpost/",
            body,
            content_type="application/json",
            headers={"Authorization": auth},
        )
        return webhooks.thailandpost_webhook(request)

    assert post("Bearer nope").status_code == 401
    response = post("Bearer hook-secret")
    assert response.status_code == 200
    assert json.loads(response.content) == {"received": 1, "new": 1, "delivered": 1}
    assert json.loads(post("Bearer hook-secret").content)["new"] == 0
    shipped.refresh_from_db()
    assert shipped.status == OrderStatus.DELIVERED
    assert TrackingEvent.objects.get().source == "webhook"


@pytest.mark.django_db
def test_payment_webhook_view(chili_products, buyer_details, settings):
    settings.MARKET_PAYMENT_WEBHOOK_SECRET = "provider-secret"
    (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    body = json.dumps({"reference": "BANK-42", "order": order.number, "amount": str(order.total)})
    rf = RequestFactory()

    def post(signature):
        request = rf.post(
            "/market/webhooks/payment/",
            body,
            content_type="application/json",
            headers={"X-Signature": signature},
        )
        return webhooks.payment_webhook(request)

    bad = post("sha256=" + "0" * 64)
    assert bad.status_code == 401 and json.loads(bad.content)["error"]["code"] == "payment_refused"
    good = actions.sign(body.encode(), "provider-secret")
    first = post(good)
    assert first.status_code == 201 and json.loads(first.content)["status"] == "paid"
    assert post(good).status_code == 200
    assert Payment.objects.count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        "[]",
        '[{"items": []}]',
        '"items"',
        "null",
        json.dumps({"items": [scan("EE" + "1" * 26 + "TH", "501", "25/11/2569 11:05+07:00", "x")]}),
        json.dumps({"items": [scan("EE123456789TH", "501", "25/11/2569 11:05+07:00", "x")]}),
    ],
    ids=["list", "list-of-objects", "string", "null", "30-characters", "bad-check-digit"],
)
def test_thailandpost_webhook_refuses_a_malformed_body_with_400(body, settings):
    """Regression: a JSON list was a 500 (AttributeError), and a 30-character barcode one on
    PostgreSQL (the column holds 13)."""
    settings.THAILANDPOST_WEBHOOK_TOKEN = "hook-secret"
    request = RequestFactory().post(
        "/market/webhooks/thailandpost/",
        body,
        content_type="application/json",
        headers={"Authorization": "Bearer hook-secret"},
    )
    response = webhooks.thailandpost_webhook(request)
    assert response.status_code == 400
    assert json.loads(response.content)["error"]["code"] == "malformed"
    assert not TrackingEvent.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("amount", ["sNaN", "NaN", "-sNaN", "Infinity", "-inf"])
def test_payment_webhook_refuses_an_amount_that_is_not_a_number(
    amount, chili_products, buyer_details, settings
):
    """Regression: ``"amount": "sNaN"`` raised InvalidOperation when compared: a 500."""
    settings.MARKET_PAYMENT_WEBHOOK_SECRET = "provider-secret"
    (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    body = json.dumps({"reference": "BANK-43", "order": order.number, "amount": amount})
    request = RequestFactory().post(
        "/market/webhooks/payment/",
        body,
        content_type="application/json",
        headers={"X-Signature": actions.sign(body.encode(), "provider-secret")},
    )
    response = webhooks.payment_webhook(request)
    assert response.status_code == 400
    assert "amount" in json.loads(response.content)["error"]["message"]
    assert not Payment.objects.exists()
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
