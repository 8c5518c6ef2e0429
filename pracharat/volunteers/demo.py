"""The volunteers demo: บุญมี, the volunteer of Ban Khlong Mem (accounts' demo user, reused),
registered with skills and a varied activity log over the last months: helping people at the
point, helping the chili-paste group list its products, a fault reported (linked to the
point's incident when one exists), a community activity and, when learning's demo has a class
at the point, the class taught. Idempotent: the log is written once."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from pracharat.accounts.models import Membership, Role, User
from pracharat.geo.demo import BAN_KHLONG_MEM
from pracharat.geo.models import Village
from pracharat.volunteers.models import (
    ActivityKind,
    Skill,
    Volunteer,
    VolunteerActivity,
    VolunteerVillage,
)

DEMO_EMAIL = "volunteer@pracharat.local"
POINT_CODE = "NP-65060209"

# (days ago, kind, people helped, note)
LOG = [
    (150, ActivityKind.COMMUNITY, 25, "ประชุมหมู่บ้าน: แนะนำการใช้ไวไฟฟรี Net Pracharat"),
    (120, ActivityKind.HELPED_AT_POINT, 6, "ช่วยผู้สูงอายุสมัครแอปเป๋าตัง"),
    (95, ActivityKind.HELPED_PRODUCER, 3, "ช่วยกลุ่มน้ำพริกบ้านคลองเมมถ่ายรูปและลงสินค้า"),
    (80, ActivityKind.REPORTED_FAULT, 0, "สัญญาณไวไฟที่ศาลาหลุดบ่อยช่วงเย็น แจ้ง NT แล้ว"),
    (60, ActivityKind.HELPED_AT_POINT, 9, "ช่วยลงทะเบียนรับสิทธิ์ออนไลน์"),
    (45, ActivityKind.TAUGHT_CLASS, 12, "สอนการใช้สมาร์ตโฟนเบื้องต้น"),
    (30, ActivityKind.HELPED_PRODUCER, 2, "ช่วยกลุ่มน้ำพริกตั้งราคาและตอบคำถามลูกค้า"),
    (21, ActivityKind.HELPED_AT_POINT, 5, "สอนวิธีสังเกตข้อความหลอกลวง (แก๊งคอลเซ็นเตอร์)"),
    (10, ActivityKind.COMMUNITY, 18, "กิจกรรมวันเด็ก: เด็ก ๆ ลองค้นข้อมูลการบ้าน"),
    (3, ActivityKind.HELPED_AT_POINT, 4, "ช่วยชาวบ้านต่อไวไฟและตั้งรหัสผ่าน"),
]


def _class_at_point():
    """Learning's demo class at the point, if that pillar's demo made one (looked up
    tolerantly: by the point, else by a course slug that names Ban Khlong Mem)."""
    try:
        from pracharat.learning.models import Cohort
    except ImportError:  # pragma: no cover - learning not installed
        return None
    cohorts = Cohort.objects.select_related("course").order_by("pk")
    return (
        cohorts.filter(service_point__code=POINT_CODE).first()
        or cohorts.filter(course__slug__icontains="khlong-mem").first()
    )


@transaction.atomic
def load(stdout=None) -> None:
    user = User.objects.filter(email=DEMO_EMAIL).first()
    village = Village.objects.filter(code=BAN_KHLONG_MEM).first()
    if user is None or village is None:
        if stdout:
            stdout.write("volunteers demo: no demo volunteer or village; skipped")
        return
    volunteer, _ = Volunteer.objects.get_or_create(
        user=user,
        defaults={
            "area_code": village.code,
            "since": date(2019, 3, 1),
            "skills": [Skill.INTERNET_BASICS, Skill.SMARTPHONE, Skill.ONLINE_SELLING,
                       Skill.EQUIPMENT],
            "other_skills": "ถ่ายรูปสินค้า",
        },
    )  # fmt: skip
    VolunteerVillage.objects.get_or_create(
        volunteer=volunteer, village=village, defaults={"area_code": village.code}
    )
    Membership.objects.get_or_create(user=user, role=Role.VOLUNTEER, agency=None,
                                     area_code=village.code)  # fmt: skip
    if not volunteer.activities.exists():
        _write_log(volunteer, village)
    if stdout:
        stdout.write(
            f"volunteers demo: {user.full_name}, {volunteer.activities.count()} activities"
        )


def _write_log(volunteer: Volunteer, village: Village) -> None:
    from pracharat.network.models import Incident, ServicePoint

    point = ServicePoint.objects.filter(code=POINT_CODE).first()
    incident = Incident.objects.filter(service_point=point).order_by("opened_at").first()
    cohort = _class_at_point()
    today = timezone.localdate()
    rows = []
    for days, kind, helped, note in LOG:
        rows.append(
            VolunteerActivity(
                volunteer=volunteer,
                kind=kind,
                date=today - timedelta(days=days),
                village=village,
                area_code=village.code,
                service_point=point,
                people_helped=helped,
                note=note,
                incident=incident if kind == ActivityKind.REPORTED_FAULT else None,
                cohort=cohort if kind == ActivityKind.TAUGHT_CLASS else None,
            )
        )
    VolunteerActivity.objects.bulk_create(rows)
