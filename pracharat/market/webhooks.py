"""Webhook receivers: a payment provider's signed notification and Thailand Post's
Track & Trace push. Included by ``market/urls.py`` from ``webhook_urlpatterns``.

Both answer JSON, take the raw body (a signature is over the exact bytes), need no session or
CSRF token (callers are servers, authenticated by HMAC or bearer token instead), and are
idempotent, so a provider's retries are harmless.
"""

from __future__ import annotations

import hmac
import json
import logging

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pracharat.market import actions, thaipost
from pracharat.market.models import TrackingSource

log = logging.getLogger(__name__)

#: Header carrying ``sha256=<hex HMAC-SHA256 of the raw body>``.
SIGNATURE_HEADER = "X-Signature"


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse(
        {"error": {"status": status, "code": code, "message": message, "details": None}},
        status=status,
    )


@csrf_exempt
@require_POST
def payment_webhook(request: HttpRequest) -> JsonResponse:
    """201 with the payment on first delivery, 200 on a repeat; 4xx/503 refuse it."""
    try:
        payment, created = actions.record_webhook_payment(
            request.body, request.headers.get(SIGNATURE_HEADER, "")
        )
    except actions.WebhookError as exc:
        return _error(exc.status, "payment_refused", str(exc))
    return JsonResponse(
        {
            "payment": payment.pk,
            "order": payment.order.number,
            "status": payment.order.status,
            "created": created,
        },
        status=201 if created else 200,
    )


def _bearer_ok(request: HttpRequest) -> bool:
    expected = settings.THAILANDPOST_WEBHOOK_TOKEN
    given = request.headers.get("Authorization", "")
    return bool(expected) and hmac.compare_digest(given.encode(), f"Bearer {expected}".encode())


@csrf_exempt
@require_POST
def thailandpost_webhook(request: HttpRequest) -> JsonResponse:
    """Thailand Post pushes scans of the parcels we subscribed; final delivery (501)
    moves the order to delivered."""
    if not settings.THAILANDPOST_WEBHOOK_TOKEN:
        return _error(503, "not_configured", "Thailand Post webhook is not configured")
    if not _bearer_ok(request):
        return _error(401, "unauthorized", "bad bearer token")
    try:
        scans = thaipost.parse_hook(json.loads(request.body.decode("utf-8")))
    except (UnicodeDecodeError, ValueError, thaipost.TrackTraceError) as exc:
        return _error(400, "malformed", str(exc))
    with transaction.atomic():
        new, delivered = thaipost.apply_scans(scans, TrackingSource.WEBHOOK)
    return JsonResponse({"received": len(scans), "new": new, "delivered": delivered})


webhook_urlpatterns = [
    path("webhooks/payment/", payment_webhook, name="webhook-payment"),
    path("webhooks/thailandpost/", thailandpost_webhook, name="webhook-thailandpost"),
]
