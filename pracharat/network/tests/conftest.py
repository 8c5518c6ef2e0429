"""Network fixtures: the Ban Khlong Mem hotspot, its NAS (127.0.0.1, ``testing123``) and NT."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from pracharat import testing
from pracharat.accounts.models import AgencyKind
from pracharat.network.models import Nas, ServicePoint

SECRET = "testing123"  # FreeRADIUS's localhost convention


@pytest.fixture
def nt(geography):
    return testing.agency("nt-phitsanulok", "65", AgencyKind.TELECOM)


@pytest.fixture
def khlong_mem_point(ban_khlong_mem, nt):
    return ServicePoint.objects.create(
        code="NP-65060209",
        village=ban_khlong_mem,
        place_name="ศาลาประชาคมบ้านคลองเมม",
        latitude=16.9794,
        longitude=100.1702,
        provider=nt,
        ssid="NetPracharat",
        monthly_cost="1000.00",
    )


@pytest.fixture
def khlong_mem_nas(khlong_mem_point):
    return Nas.objects.create(
        service_point=khlong_mem_point,
        nas_identifier="khlong-mem-ap",
        nas_ip="127.0.0.1",
        called_station_id="00-11-22-33-44-55:NetPracharat",
        secret=SECRET,
    )


def bangkok(*args) -> datetime:
    """An aware datetime in Asia/Bangkok (the project's TIME_ZONE)."""
    return timezone.make_aware(datetime(*args))


@pytest.fixture
def hours():
    return lambda n: timedelta(hours=n)
