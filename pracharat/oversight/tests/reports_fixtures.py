"""The demo visit as test data, for the reports, news and dashboards tests: 22–23 July 2020
in Phitsanulok, two agencies met, Ban Khlong Mem's service point, two findings (one with a
publishable photo) and three follow-up actions (one overdue, one verified, one in progress).
Imported by the test modules that use it (``from .reports_fixtures import *``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from pracharat import testing
from pracharat.accounts.models import AgencyKind

__all__ = ["khlong_mem_visit", "make_visit"]

CHANNEL = "ตั้งช่องทางกลางให้หน่วยงานในจังหวัดแบ่งปันข้อมูลและนัดหมายงานร่วมกัน"
ONLINE = "เพิ่มช่องทางขายสินค้าชุมชนออนไลน์ผ่านร้านค้าของไปรษณีย์ไทย"
TRAINING = "จัดอบรมการขายของออนไลน์ให้กลุ่มน้ำพริกบ้านคลองเมม"


def bangkok(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=timezone.get_current_timezone())


def make_visit(area_code="65", start=dt.date(2020, 7, 22), end=dt.date(2020, 7, 23), **extra):
    from pracharat.oversight.models import Visit, VisitStatus

    return Visit.objects.create(
        area_code=area_code,
        title=extra.pop("title", "ตรวจราชการจังหวัดพิษณุโลก"),
        start_date=start,
        end_date=end,
        status=extra.pop("status", VisitStatus.SUBMITTED),
        submitted_at=extra.pop("submitted_at", bangkok(2020, 7, 24, 9, 0)),
        **extra,
    )


@pytest.fixture
def khlong_mem_visit(ban_khlong_mem, inspector, post_officer, phitsanulok_officer):
    from pracharat.network.models import ServicePoint
    from pracharat.oversight.models import (
        ActionStatus,
        Category,
        Finding,
        FindingPhoto,
        FollowUpAction,
        PlaceKind,
        Severity,
        VisitAgency,
        VisitPlace,
    )

    mdes = testing.agency("mdes-phitsanulok", "65")
    post = testing.agency("post-phitsanulok", "65", AgencyKind.POST)
    mdes.name_th = "สำนักงานดิจิทัลเพื่อเศรษฐกิจและสังคมจังหวัดพิษณุโลก"
    mdes.save()
    post.name_th = "ที่ทำการไปรษณีย์จังหวัดพิษณุโลก"
    post.save()
    visit = make_visit(summary="คณะรับฟังปัญหาและอุปสรรคของหน่วยงานในจังหวัด")
    visit.inspectors.add(inspector)
    VisitAgency.objects.create(visit=visit, agency=mdes, representatives="ผู้อำนวยการสำนักงาน")
    VisitAgency.objects.create(visit=visit, agency=post, representatives="หัวหน้าที่ทำการ")
    point = ServicePoint.objects.create(
        code="NP-65060209", village=ban_khlong_mem, place_name="ศาลาประชาคมบ้านคลองเมม"
    )
    place = VisitPlace.objects.create(
        visit=visit,
        kind=PlaceKind.SERVICE_POINT,
        service_point=point,
        area_code=ban_khlong_mem.code,
        visited_on=dt.date(2020, 7, 23),
    )
    meeting = Finding.objects.create(
        visit=visit,
        category=Category.COOPERATION,
        problem="หน่วยงานในจังหวัดยังไม่มีช่องทางแบ่งปันข้อมูลร่วมกัน",
        severity=Severity.MEDIUM,
        recommendation="ตั้งช่องทางกลางและประชุมร่วมกันเป็นประจำ",
    )
    sales = Finding.objects.create(
        visit=visit,
        place=place,
        category=Category.COMMUNITY_ECONOMY,
        problem="กลุ่มน้ำพริกขายได้เฉพาะในหมู่บ้าน",
        severity=Severity.HIGH,
        recommendation="ให้อาสาสมัครช่วยนำสินค้าขึ้นขายออนไลน์",
    )
    photo = FindingPhoto(finding=sales, caption="กลุ่มน้ำพริกที่จุดบริการ", public=True)
    photo.image.save("x.jpg", ContentFile(testing.picture_bytes(size=(320, 240))), save=False)
    photo.save()
    today = timezone.localdate()
    overdue = FollowUpAction.objects.create(
        finding=meeting, visit=visit, area_code="65", title=CHANNEL, owner=mdes,
        due_date=dt.date(2020, 9, 30), status=ActionStatus.OPEN,
    )  # fmt: skip
    verified = FollowUpAction.objects.create(
        finding=sales, visit=visit, area_code="65", title=ONLINE, owner=post,
        due_date=dt.date(2020, 12, 31), status=ActionStatus.VERIFIED,
        done_at=bangkok(2020, 11, 2, 10, 0), verified_at=bangkok(2020, 11, 9, 10, 0),
    )  # fmt: skip
    pending = FollowUpAction.objects.create(
        finding=sales, area_code="65", title=TRAINING, owner=post,
        due_date=today + dt.timedelta(days=30), status=ActionStatus.IN_PROGRESS,
    )  # fmt: skip
    FollowUpAction.objects.filter(pk__in=[overdue.pk, verified.pk, pending.pk]).update(
        created=bangkok(2020, 7, 23, 17, 0)
    )
    visit.fixture = {
        "mdes": mdes,
        "post": post,
        "place": place,
        "findings": [meeting, sales],
        "photo": photo,
        "actions": {"overdue": overdue, "verified": verified, "pending": pending},
    }
    return visit
