"""The accounts' part of ``pracharat demo``: Phitsanulok's agencies as in the 2020 inspection
story and one user per role (registered with ``core.registry.demo_loader``, after geo's).

Idempotent: every row is found by its natural key and updated, never duplicated.
"""

from __future__ import annotations

from django.db import transaction

from pracharat.accounts.models import Agency, AgencyKind, Membership, Role, User
from pracharat.geo.demo import BAN_KHLONG_MEM

DEMO_PASSWORD = "pracharat-demo"  # noqa: S105 - published in the README, demo only

AGENCIES = [
    # slug, Thai name, English name, kind, area
    (
        "mdes",
        "กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม",
        "Ministry of Digital Economy and Society",
        AgencyKind.MINISTRY,
        "",
    ),
    (
        "mdes-phitsanulok",
        "สำนักงานดิจิทัลเพื่อเศรษฐกิจและสังคมจังหวัดพิษณุโลก",
        "Phitsanulok Provincial Office of Digital Economy and Society",
        AgencyKind.PROVINCIAL_OFFICE,
        "65",
    ),
    (
        "nso-phitsanulok",
        "สำนักงานสถิติจังหวัดพิษณุโลก",
        "Phitsanulok Provincial Statistical Office",
        AgencyKind.STATISTICS,
        "65",
    ),
    (
        "tmd-phitsanulok",
        "สถานีอุตุนิยมวิทยาพิษณุโลก",
        "Phitsanulok Meteorological Station",
        AgencyKind.METEOROLOGY,
        "65",
    ),
    (
        "nt-phitsanulok",
        "บมจ. โทรคมนาคมแห่งชาติ ส่วนบริการลูกค้าพิษณุโลก",
        "National Telecom (NT) Phitsanulok Customer Service",
        AgencyKind.TELECOM,
        "65",
    ),
    (
        "post-phitsanulok",
        "ที่ทำการไปรษณีย์จังหวัดพิษณุโลก",
        "Phitsanulok Provincial Post Office",
        AgencyKind.POST,
        "65",
    ),
    (
        "depa-lower-north",
        "สำนักงานส่งเสริมเศรษฐกิจดิจิทัล สาขาภาคเหนือตอนล่าง",
        "depa Lower Northern Region Branch",
        AgencyKind.DEPA,
        "65",
    ),
    (
        "rmutl-phitsanulok",
        "มหาวิทยาลัยเทคโนโลยีราชมงคลล้านนา พิษณุโลก",
        "Rajamangala University of Technology Lanna Phitsanulok",
        AgencyKind.UNIVERSITY,
        "65",
    ),
    (
        "tha-chang-sao",
        "องค์การบริหารส่วนตำบลท่าช้าง",
        "Tha Chang Subdistrict Administrative Organization",
        AgencyKind.LOCAL_GOVERNMENT,
        "650602",
    ),
    (
        "mdes-chiangmai",
        "สำนักงานดิจิทัลเพื่อเศรษฐกิจและสังคมจังหวัดเชียงใหม่",
        "Chiang Mai Provincial Office of Digital Economy and Society",
        AgencyKind.PROVINCIAL_OFFICE,
        "50",
    ),
]

USERS = [
    # email, phone, full name, role, agency slug, area
    ("admin@pracharat.local", None, "ผู้ดูแลระบบ (Admin)", None, None, ""),
    (
        "inspector@pracharat.local",
        "0810000001",
        "ผู้ตรวจราชการ สมศรี ตรวจดี",
        Role.INSPECTOR,
        "mdes",
        "",
    ),
    (
        "officer.phitsanulok@pracharat.local",
        "0810000002",
        "สมชาย ใจดี (จังหวัดพิษณุโลก)",
        Role.PROVINCIAL_OFFICER,
        "mdes-phitsanulok",
        "65",
    ),
    (
        "officer.chiangmai@pracharat.local",
        "0810000003",
        "ดวงใจ ดอยคำ (จังหวัดเชียงใหม่)",
        Role.PROVINCIAL_OFFICER,
        "mdes-chiangmai",
        "50",
    ),
    (
        "nt.phitsanulok@pracharat.local",
        "0810000004",
        "วิชัย สายไฟ (NT พิษณุโลก)",
        Role.AGENCY_OFFICER,
        "nt-phitsanulok",
        "65",
    ),
    (
        "post.phitsanulok@pracharat.local",
        "0810000005",
        "สุดา ส่งไว (ไปรษณีย์พิษณุโลก)",
        Role.AGENCY_OFFICER,
        "post-phitsanulok",
        "65",
    ),
    (
        "trainer.rmutl@pracharat.local",
        "0810000006",
        "อาจารย์ปกรณ์ สอนดี (มทร.ล้านนา)",
        Role.TRAINER,
        "rmutl-phitsanulok",
        "65",
    ),
    (
        "volunteer@pracharat.local",
        "0810000007",
        "บุญมี คลองเมม (เน็ตอาสา)",
        Role.VOLUNTEER,
        None,
        BAN_KHLONG_MEM,
    ),
    (
        "producer@pracharat.local",
        "0810000008",
        "มาลี น้ำพริกดี (กลุ่มน้ำพริก)",
        Role.PRODUCER,
        None,
        BAN_KHLONG_MEM,
    ),
    (
        "operator@pracharat.local",
        "0810000009",
        "ระบบเชื่อมต่อ (Operator)",
        Role.OPERATOR,
        "nt-phitsanulok",
        "",
    ),
]


@transaction.atomic
def load(stdout=None) -> None:
    agencies = {}
    for slug, name_th, name_en, kind, area_code in AGENCIES:
        agencies[slug], _ = Agency.objects.update_or_create(
            slug=slug,
            defaults={"name_th": name_th, "name_en": name_en, "kind": kind, "area_code": area_code},
        )
    for email, phone, full_name, role, agency_slug, area_code in USERS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email, phone=phone, password=DEMO_PASSWORD, full_name=full_name
            )
        if role is None:
            user.is_staff = user.is_superuser = True
            user.save(update_fields=["is_staff", "is_superuser"])
            continue
        Membership.objects.get_or_create(
            user=user, role=role, agency=agencies.get(agency_slug), area_code=area_code
        )
    if stdout:
        stdout.write(
            f"demo: {len(AGENCIES)} agencies, {len(USERS)} users; "
            f"every demo password is {DEMO_PASSWORD!r}"
        )
