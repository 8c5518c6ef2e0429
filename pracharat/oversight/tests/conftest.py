"""Oversight fixtures: a Phitsanulok visit by the inspector, a finding at Ban Khlong Mem and a
follow-up action owned by the post office."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image

from pracharat import testing
from pracharat.accounts.models import AgencyKind
from pracharat.oversight import actions
from pracharat.oversight.models import Category, PlaceKind


@pytest.fixture
def post(geography):
    return testing.agency("post-phitsanulok", "65", AgencyKind.POST)


@pytest.fixture
def nt(geography):
    return testing.agency("nt-phitsanulok", "65", AgencyKind.TELECOM)


@pytest.fixture
def visit(inspector, post, nt):
    return actions.save_visit(
        inspector,
        actions.VisitInput(
            area_code="65",
            start_date=dt.date(2020, 7, 22),
            end_date=dt.date(2020, 7, 23),
            title="ตรวจราชการพิษณุโลก",
            agencies=[(post, "ผู้จัดการไปรษณีย์"), (nt, "")],
        ),
    )


@pytest.fixture
def place(visit, ban_khlong_mem, post):
    return actions.add_place(
        None, visit, actions.PlaceInput(kind=PlaceKind.AGENCY_OFFICE, agency=post)
    )


@pytest.fixture
def finding(visit, place, inspector):
    return actions.add_finding(
        inspector,
        visit,
        actions.FindingInput(
            category=Category.COMMUNITY_ECONOMY,
            problem="กลุ่มน้ำพริกยังไม่มีช่องทางขายออนไลน์",
            place=place,
        ),
    )


def due_in(days: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=days)


@pytest.fixture
def action(finding, inspector, post):
    return actions.assign_action(
        inspector,
        actions.ActionInput(title="เพิ่มช่องทางขายออนไลน์", owner=post, due_date=due_in(30)),
        finding=finding,
    )


@pytest.fixture
def nt_action(finding, inspector, nt):
    return actions.assign_action(
        inspector,
        actions.ActionInput(title="ปรับปรุงสัญญาณ", owner=nt, due_date=due_in(30)),
        finding=finding,
    )


def photo_with_exif(size=(640, 480)) -> bytes:
    """A JPEG as a phone writes it: the time taken, the GPS position and the maker."""
    image = Image.new("RGB", size, "orange")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(0x8769)[36867] = "2020:07:23 10:15:00"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (16.0, 58.0, 45.84)
    gps[3], gps[4] = "E", (100.0, 10.0, 12.72)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()
