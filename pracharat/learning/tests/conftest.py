"""Places and classes for the learning tests: RMUTL's centre in Phitsanulok, Ban Khlong Mem's
service point, a school's centre, courses, and an open class with two sessions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from pracharat import testing
from pracharat.geo.models import SubDistrict, Village
from pracharat.learning import actions
from pracharat.learning.models import Centre, CentreKind, Course, CourseTopic
from pracharat.network.models import ServicePoint


@pytest.fixture
def rmutl_centre(geography):
    village, _ = Village.objects.get_or_create(
        code="65011307",
        defaults={
            "subdistrict": SubDistrict.objects.get(code="650113"),
            "moo": 7,
            "name_th": "บ้านกร่าง หมู่ 7",
            "latitude": 16.85,
            "longitude": 100.18,
        },
    )
    return Centre.objects.create(
        slug="rmutl-ict",
        name_th="ศูนย์การเรียนรู้ ICT ชุมชน มทร.ล้านนา พิษณุโลก",
        name_en="RMUTL ICT Community Learning Centre",
        kind=CentreKind.ICT_LEARNING_CENTRE,
        host=testing.agency("rmutl-phitsanulok", "65"),
        village=village,
        computers=20,
        equipment="โปรเจกเตอร์",
        opening_hours="จันทร์–ศุกร์ 08:30–16:30",
    )


@pytest.fixture
def school_centre(geography):
    village, _ = Village.objects.get_or_create(
        code="65010101",
        defaults={"subdistrict": SubDistrict.objects.get(code="650101"), "moo": 1,
                  "name_th": "บ้านในเมือง"},
    )  # fmt: skip
    return Centre.objects.create(
        slug="school-dc",
        name_th="ศูนย์ดิจิทัลชุมชนโรงเรียน",
        kind=CentreKind.DIGITAL_CENTRE,
        host=testing.agency("school-phitsanulok", "65"),
        village=village,
    )


@pytest.fixture
def khlong_mem_point(ban_khlong_mem):
    return ServicePoint.objects.create(
        code="NP-65060209", village=ban_khlong_mem, place_name="ศาลาประชาคมบ้านคลองเมม"
    )


@pytest.fixture
def chiangmai_point(geography):
    village, _ = Village.objects.get_or_create(
        code="50010101",
        defaults={"subdistrict": SubDistrict.objects.get(code="500101"), "moo": 1,
                  "name_th": "บ้านศรีภูมิ"},
    )  # fmt: skip
    return ServicePoint.objects.create(code="NP-50010101", village=village, place_name="ศาลา")


@pytest.fixture
def course(db):
    return Course.objects.create(
        slug="online-selling",
        title_th="ขายสินค้าชุมชนออนไลน์",
        title_en="Selling community products online",
        topic=CourseTopic.ONLINE_SELLING,
        hours=Decimal("6"),
    )


def later(days: int = 1, hour: int = 9, length: int = 3):
    day = timezone.localdate() + dt.timedelta(days=days)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    return start, start + dt.timedelta(hours=length)


@pytest.fixture
def open_class(course, rmutl_centre, rmutl_trainer):
    return actions.create_cohort(
        rmutl_trainer,
        course=course,
        venue=rmutl_centre,
        sessions=[later(1), later(2)],
        capacity=3,
        open_now=True,
    )


def register(cohort, name="สมศรี ทองคำ", phone="", **extra):
    enrolment, key = actions.register(
        cohort,
        full_name=name,
        phone=phone,
        occupation=extra.pop("occupation", "farmer"),
        age_group=extra.pop("age_group", "40_59"),
        consented=True,
        **extra,
    )
    return enrolment, key
