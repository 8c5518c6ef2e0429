"""Thailand Post Track & Trace: the API client, its webhook's body, and the poller.

The API (developer guide at https://track.thailandpost.co.th/developerGuide) works in two
steps, both ``POST`` with JSON:

1. *GetToken* ``{base}/post/api/v1/authenticate/token`` with ``Authorization: Token <API key>``
   (the long-lived key from the developer portal) answers
   ``{"expire": "2026-12-24 10:00:00+07:00", "token": "<JWT>"}``;
2. *GetItems* ``{base}/post/api/v1/track`` with ``Authorization: Token <token>`` and
   ``{"status": "all", "language": "TH", "barcode": ["EF582304177TH", ...]}`` answers
   ``{"response": {"items": {"EF582304177TH": [scan, ...]}, "track_count": {...}},
   "message": "successful", "status": true}``.

A scan is ``{"barcode", "status" ("101".."501"), "status_description", "status_date"
("25/11/2569 10:15:00+07:00" -- Buddhist-era year when the language is TH), "location",
"postcode", "delivery_status", "delivery_description", "delivery_datetime", "receiver_name",
"signature"}``. Status codes: 101-103 accepted (pre-advice, by agent, at the counter),
201-207 in transit / customs / returned / at the office, 301-302 out for delivery or waiting
at a pick-up point, 401 delivery failed, 501 delivered.

The webhook service (``trackwebhook.thailandpost.co.th``, subscribe with ``/post/api/v1/hook``)
POSTs ``{"items": [scan, ...], "track_datetime": "..."}`` to our URL with
``Authorization: Bearer <the token we registered>``.

These shapes follow the developer guide as implemented by the public clients
xerodotc/thailandpost-sdk-go (response.go, time.go, status.go) and thailandpost-track (PyPI);
the tests run this client against a local server answering the same way.
Configuration: ``THAILANDPOST_API_URL`` (default the production URL), ``THAILANDPOST_API_KEY``,
``THAILANDPOST_WEBHOOK_TOKEN`` (the bearer token Thailand Post sends us).
"""

from __future__ import annotations

import json
import logging
import re
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings

from pracharat.market.lib import s10

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://trackapi.thailandpost.co.th"
TOKEN_PATH = "/post/api/v1/authenticate/token"  # noqa: S105 - a URL path
ITEMS_PATH = "/post/api/v1/track"
#: Barcodes per GetItems request (the API's documented maximum).
BATCH = 100

STATUS_LABELS = {
    "101": "เตรียมการฝากส่ง",
    "102": "รับฝากผ่านตัวแทน",
    "103": "รับฝาก",
    "201": "อยู่ระหว่างการขนส่ง",
    "202": "ดำเนินพิธีการศุลกากร",
    "203": "ส่งคืนต้นทาง",
    "204": "ถึงที่ทำการแลกเปลี่ยนระหว่างประเทศขาออก",
    "205": "ถึงที่ทำการแลกเปลี่ยนระหว่างประเทศขาเข้า",
    "206": "ถึงที่ทำการไปรษณีย์",
    "207": "เตรียมการขนส่ง",
    "301": "อยู่ระหว่างการนำจ่าย",
    "302": "นำจ่าย ณ จุดรับสิ่งของ",
    "401": "นำจ่ายไม่สำเร็จ",
    "501": "นำจ่ายสำเร็จ",
}


class TrackTraceError(RuntimeError):
    pass


@dataclass(frozen=True, slots=True)
class Scan:
    barcode: str
    status: str
    description: str
    occurred_at: datetime
    location: str = ""
    postcode: str = ""
    receiver_name: str = ""


_TIME = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4}) (\d{1,2}):(\d{2})(?::(\d{2}))?\s*([+-]\d{2}):?(\d{2})$"
)


def parse_time(text: str) -> datetime:
    """``"25/11/2569 10:15:00+07:00"`` (or without seconds, as the webhook sends) -> aware
    datetime. A year past 2400 is Buddhist era (the TH language) and loses 543."""
    match = _TIME.match((text or "").strip())
    if not match:
        raise TrackTraceError(f"unreadable Thailand Post time {text!r}")
    day, month, year, hour, minute, second, tz_h, tz_m = match.groups()
    year_n = int(year)
    if year_n > 2400:
        year_n -= 543
    sign = -1 if tz_h.startswith("-") else 1
    offset = timedelta(hours=int(tz_h), minutes=sign * int(tz_m))
    return datetime(
        year_n,
        int(month),
        int(day),
        int(hour),
        int(minute),
        int(second or 0),
        tzinfo=dt_timezone(offset),
    )


def parse_scan(raw: dict) -> Scan:
    status = str(raw.get("status", "")).strip()
    try:  # Thailand Post barcodes are UPU S10 (13 characters, what the column holds)
        barcode = s10.validate(str(raw.get("barcode", "")))
    except s10.S10Error as exc:
        raise TrackTraceError(f"not a Thailand Post barcode: {exc}") from exc
    return Scan(
        barcode=barcode,
        status=status,
        description=str(raw.get("status_description") or STATUS_LABELS.get(status, "")),
        occurred_at=parse_time(str(raw.get("status_date", ""))),
        location=str(raw.get("location") or ""),
        postcode=str(raw.get("postcode") or ""),
        receiver_name=str(raw.get("receiver_name") or ""),
    )


def parse_items(body: dict) -> dict[str, list[Scan]]:
    """GetItems' answer -> ``{barcode: [scans, oldest first]}``."""
    if not body.get("status", False):
        raise TrackTraceError(f"Track & Trace refused the request: {body.get('message')!r}")
    items = (body.get("response") or {}).get("items") or {}
    result = {}
    for barcode, scans in items.items():
        parsed = [parse_scan(s) for s in scans or [] if s.get("status")]
        result[barcode.upper()] = sorted(parsed, key=lambda s: s.occurred_at)
    return result


def parse_hook(body) -> list[Scan]:
    """The webhook's body -> scans (items without a status are skipped)."""
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise TrackTraceError("webhook body has no 'items' list")
    return [parse_scan(s) for s in items if isinstance(s, dict) and s.get("status")]


class Client:
    """Track & Trace over HTTPS with the stdlib; thread-safe token cache."""

    def __init__(
        self,
        base_url: str | None = None,
        api_key: str | None = None,
        *,
        language: str = "TH",
        timeout: float | None = None,
    ):
        self.base_url = (base_url or settings.THAILANDPOST_API_URL or DEFAULT_BASE_URL).rstrip("/")
        self.api_key = api_key if api_key is not None else settings.THAILANDPOST_API_KEY
        self.language = language
        self.timeout = timeout or settings.THAILANDPOST_TIMEOUT
        self._token: str | None = None
        self._expires: datetime | None = None
        self._lock = threading.Lock()

    def _post(self, path: str, authorization: str, payload: dict | None = None) -> dict:
        data = json.dumps(payload or {}).encode()
        request = urllib.request.Request(  # noqa: S310 - the URL is configured, http(s) only
            self.base_url + path,
            data=data,
            method="POST",
            headers={
                "Authorization": f"Token {authorization}",
                "Content-Type": "application/json",
                "Accept": "application/json",
            },
        )
        if not request.full_url.startswith(("https://", "http://")):
            raise TrackTraceError(f"not an http(s) URL: {self.base_url!r}")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as exc:
            raise TrackTraceError(f"{path}: HTTP {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, ValueError) as exc:
            raise TrackTraceError(f"{path}: {exc}") from exc

    def token(self, *, refresh: bool = False) -> str:
        """GetToken, cached until a minute before it expires."""
        if not self.api_key:
            raise TrackTraceError("THAILANDPOST_API_KEY is not set")
        with self._lock:
            now = datetime.now(UTC)
            if not refresh and self._token and self._expires and now < self._expires:
                return self._token
            body = self._post(TOKEN_PATH, self.api_key)
            token = body.get("token")
            if not token:
                raise TrackTraceError("GetToken answered without a token")
            try:
                expires = datetime.fromisoformat(str(body.get("expire", "")))
            except ValueError:
                expires = now + timedelta(minutes=30)
            if expires.tzinfo is None:
                expires = expires.replace(tzinfo=UTC)
            self._token, self._expires = token, expires - timedelta(minutes=1)
            return token

    def items(self, barcodes: list[str]) -> dict[str, list[Scan]]:
        """GetItems for any number of barcodes (batched); ``{barcode: [scans]}``."""
        result: dict[str, list[Scan]] = {}
        for start in range(0, len(barcodes), BATCH):
            payload = {
                "status": "all",
                "language": self.language,
                "barcode": barcodes[start : start + BATCH],
            }
            try:
                body = self._post(ITEMS_PATH, self.token(), payload)
            except TrackTraceError as exc:
                if "HTTP 401" not in str(exc):
                    raise
                body = self._post(ITEMS_PATH, self.token(refresh=True), payload)
            result.update(parse_items(body))
        return result


def apply_scans(scans, source: str) -> tuple[int, int]:
    """Store scans through ``actions.apply_tracking_event``; ``(new, delivered)`` counts."""
    from pracharat.market import actions
    from pracharat.market.models import DELIVERED_STATUS

    new = delivered = 0
    for scan in scans:
        _event, created = actions.apply_tracking_event(
            barcode=scan.barcode,
            status=scan.status,
            occurred_at=scan.occurred_at,
            description=scan.description,
            location=scan.location,
            postcode=scan.postcode,
            source=source,
        )
        new += created
        delivered += created and scan.status == DELIVERED_STATUS
    return new, delivered


def poll_if_configured() -> dict:
    """The periodic job (``settings.PERIODIC_JOBS["market.thaipost"]``): poll when
    ``THAILANDPOST_API_KEY`` is set; an outage of Track & Trace is logged, not raised, so the
    job waits for its next interval instead of being retried at once against a rate limit."""
    from django.conf import settings

    if not settings.THAILANDPOST_API_KEY:
        return {"skipped": "no THAILANDPOST_API_KEY"}
    try:
        return poll_shipped_orders()
    except TrackTraceError as exc:
        log.warning("Track & Trace poll failed: %s", exc)
        return {"failed": str(exc)}


def poll_shipped_orders(client: Client | None = None) -> dict[str, int]:
    """Ask Track & Trace about every shipped order and record what is new."""
    from pracharat.market.models import Order, OrderStatus, TrackingSource

    numbers = list(
        Order.objects.filter(status=OrderStatus.SHIPPED)
        .exclude(tracking_number="")
        .values_list("tracking_number", flat=True)
        .distinct()
    )
    if not numbers:
        return {"parcels": 0, "new": 0, "delivered": 0}
    found = (client or Client()).items(numbers)
    new, delivered = apply_scans(
        (scan for scans in found.values() for scan in scans), TrackingSource.POLL
    )
    return {"parcels": len(numbers), "new": new, "delivered": delivered}
