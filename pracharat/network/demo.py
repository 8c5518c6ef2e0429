"""The network demo: Ban Khlong Mem's hotspot with its NAS, and Phitsanulok's simulated points
with a month of history, so the dashboards, map and incident lists show something.

The NAS at 127.0.0.1 with the secret ``testing123`` (FreeRADIUS's localhost convention) is
bound to Ban Khlong Mem, so ``radclient`` or ``pracharat simulate --live`` work against
``pracharat radius`` straight away. Idempotent: points and devices are found by natural key,
sessions have stable keys; re-running adds only the days that passed since.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pracharat.accounts.models import Agency, AgencyKind
from pracharat.geo.demo import BAN_KHLONG_MEM
from pracharat.geo.models import Province, Village
from pracharat.network import health, rollups, simulate
from pracharat.network.models import Nas, Programme, ServicePoint

KHLONG_MEM_CODE = "NP-65060209"
DEMO_SECRET = "testing123"  # noqa: S105 - FreeRADIUS's published localhost secret
DEMO_POINTS = 60
DEMO_DAYS = 30


@transaction.atomic
def khlong_mem_point() -> ServicePoint:
    """The demo's own point and its NAS (127.0.0.1, no NAS-Identifier needed)."""
    village = Village.objects.get(code=BAN_KHLONG_MEM)
    provider = simulate.provider_for(Province.objects.get(code="65"))
    point, _ = ServicePoint.objects.update_or_create(
        code=KHLONG_MEM_CODE,
        defaults={
            "village": village,
            "place_name": "ศาลาประชาคมบ้านคลองเมม",
            "latitude": village.latitude or 16.9794,
            "longitude": village.longitude or 100.1702,
            "programme": Programme.MDES_24700,
            "provider": provider,
            "installed_on": date(2018, 6, 1),
            "bandwidth_down_mbps": 30,
            "bandwidth_up_mbps": 10,
            "monthly_cost": Decimal("1000.00"),
            "ssid": "Net Pracharat",
        },
    )
    Nas.objects.update_or_create(
        nas_ip="127.0.0.1",
        nas_identifier="",
        defaults={
            "service_point": point,
            "called_station_id": "02-00-65-06-02-09:Net Pracharat",
            "secret": DEMO_SECRET,
            "is_active": True,
        },
    )
    return point


def load(stdout=None) -> None:
    started = time.perf_counter()
    if not Agency.objects.filter(kind=AgencyKind.TELECOM).exists() and stdout:
        stdout.write("network demo: no NT agency in the foundation demo; making one")
    point = khlong_mem_point()
    points = simulate.create_points(["65"], DEMO_POINTS, seed=65)
    history = simulate.write_history([point, *points], DEMO_DAYS, seed=65)
    today = timezone.localdate()
    rollups.rollup_range(
        today - timedelta(days=DEMO_DAYS - 1), today, {p.pk for p in [point, *points]}
    )
    rollups.rollup_pending()
    check = health.check_points()
    if stdout:
        stdout.write(
            f"network demo: Ban Khlong Mem point {KHLONG_MEM_CODE} with NAS 127.0.0.1 "
            f"(secret {DEMO_SECRET}), {len(points)} simulated Phitsanulok points, "
            f"{history.sessions} sessions over {DEMO_DAYS} days, {check.went_down} outages; "
            f"{time.perf_counter() - started:.1f} s"
        )
