"""The learning demo (``registry.demo_loader``; idempotent): RMUTL's ICT community learning
centre in Phitsanulok with its classes, Ban Khlong Mem's service point as a training venue
with the chili-paste group's weekly meeting, and learners of every occupation and age group
with their attendance. Certificates are issued by learn-cert's part of the demo."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pracharat.accounts.models import Agency, User
from pracharat.geo.models import SubDistrict, Village
from pracharat.learning import actions
from pracharat.learning.models import (
    AgeGroup,
    AttendanceStatus,
    Centre,
    CentreKind,
    ClassSession,
    Cohort,
    Course,
    CourseLevel,
    CourseTopic,
    EnrolmentChannel,
    Learner,
    Occupation,
    VenueEvent,
    VenueEventKind,
)
from pracharat.network.models import ServicePoint

CENTRE_SLUG = "rmutl-phitsanulok-ict"
CENTRE_VILLAGE = "65011307"  # Ban Krang, Mueang Phitsanulok: RMUTL Phitsanulok's campus
KHLONG_MEM_POINT = "NP-65060209"
BAN_KHLONG_MEM = "65060209"
TRAINER_EMAIL = "trainer.rmutl@pracharat.local"
POST_EMAIL = "post.phitsanulok@pracharat.local"
GROUP_NAME = "กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม"

COURSES = [
    ("internet-basics", "อินเทอร์เน็ตเบื้องต้นสำหรับชุมชน", "Internet basics for the community",
     CourseTopic.INTERNET_BASICS, "6", "ใช้โทรศัพท์และไวไฟเน็ตประชารัฐ ค้นหาข้อมูล ส่งข้อความและรูปภาพ"),
    ("online-selling", "ขายสินค้าชุมชนออนไลน์", "Selling community products online",
     CourseTopic.ONLINE_SELLING, "6", "ถ่ายรูปสินค้า เขียนคำบรรยาย ตั้งราคา รับชำระด้วยพร้อมเพย์ ส่งพัสดุ"),
    ("digital-safety", "รู้ทันภัยไซเบอร์และมิจฉาชีพออนไลน์", "Digital safety and online scams",
     CourseTopic.DIGITAL_SAFETY, "3", "ข้อความหลอกลวง ลิงก์ปลอม แอปดูดเงิน การตั้งรหัสผ่าน"),
    ("e-government", "บริการภาครัฐออนไลน์", "E-government services online",
     CourseTopic.E_GOVERNMENT, "3", "แอปทางรัฐ ตรวจสิทธิ์สวัสดิการ ยื่นเอกสารออนไลน์"),
    ("smartphones-for-farmers", "สมาร์ตโฟนเพื่อเกษตรกร", "Smartphones for farmers",
     CourseTopic.SMARTPHONES_FOR_FARMERS, "3", "พยากรณ์อากาศ ราคาพืชผล ปฏิทินเพาะปลูก"),
]  # fmt: skip

#: (name, phone, occupation, age group): every occupation and every age group appears.
LEARNERS = [
    ("สมศรี ทองคำ", "0891110001", Occupation.FARMER, AgeGroup.FROM_40_TO_59),
    ("บุญส่ง ใจงาม", "0891110002", Occupation.FARMER, AgeGroup.OVER_60),
    ("มานี รักเรียน", "", Occupation.STUDENT, AgeGroup.UNDER_18),
    ("ปิติ ขยันดี", "0891110004", Occupation.STUDENT, AgeGroup.FROM_18_TO_24),
    ("ชูใจ ศรีสุข", "0891110005", Occupation.YOUTH, AgeGroup.FROM_18_TO_24),
    ("วีระ กล้าหาญ", "", Occupation.YOUTH, AgeGroup.UNDER_18),
    ("ทองอยู่ มั่นคง", "0891110007", Occupation.ELDER, AgeGroup.OVER_60),
    ("จันทร์เพ็ญ แสงดี", "0891110008", Occupation.ELDER, AgeGroup.OVER_60),
    ("มาลัย ค้าขาย", "0891110009", Occupation.MERCHANT, AgeGroup.FROM_25_TO_39),
    ("สุนทร พานิช", "0891110010", Occupation.MERCHANT, AgeGroup.FROM_40_TO_59),
    ("อรุณี ช่างคิด", "0891110011", Occupation.OTHER, AgeGroup.FROM_25_TO_39),
    ("ประยูร นาดี", "0891110012", Occupation.FARMER, AgeGroup.FROM_25_TO_39),
]


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _centre_village() -> Village:
    subdistrict = SubDistrict.objects.get(code=CENTRE_VILLAGE[:6])
    village, _ = Village.objects.get_or_create(
        code=CENTRE_VILLAGE,
        defaults={
            "subdistrict": subdistrict,
            "moo": 7,
            "name_th": "บ้านกร่าง หมู่ 7",
            "name_en": "Ban Krang Moo 7",
            "latitude": 16.8466,
            "longitude": 100.1876,
        },
    )
    return village


def _cohort(course, number, venue, sessions, trainer, organiser, capacity=25):
    """The class, created and opened for registration unless it exists (then None)."""
    if Cohort.objects.filter(course=course, number=number).exists():
        return None
    return actions.create_cohort(
        None,
        course=course,
        venue=venue,
        sessions=sessions,
        capacity=capacity,
        organiser=organiser,
        trainer=trainer,
        open_now=True,
    )


def _advance(cohort, status: str) -> None:
    path = {"open": [], "in_progress": ["start"], "completed": ["start", "complete"]}[status]
    for action in path:
        actions.move_cohort(None, cohort, action)


def _register_and_attend(cohort, people, attend: dict[int, list[str]], village):
    """Register ``people`` (indexes into LEARNERS) and record the session marks."""
    enrolments = []
    for i in people:
        name, phone, occupation, age = LEARNERS[i]
        earlier = Learner.objects.filter(full_name=name, phone=phone).first()
        enrolment, _key = actions.register(
            cohort,
            full_name=name,
            phone=phone,
            occupation=occupation,
            age_group=age,
            village=village,
            consented=True,
            channel=EnrolmentChannel.ONLINE if i % 3 else EnrolmentChannel.WALK_IN,
            actor=cohort.trainer if i % 3 == 0 else None,
            learner=earlier,
        )
        enrolments.append(enrolment)
    sessions = list(ClassSession.objects.filter(cohort=cohort).order_by("starts_at"))
    for index, session in enumerate(sessions):
        marks = attend.get(index)
        if not marks:
            continue
        actions.mark_attendance(
            None,
            session,
            {e.pk: marks[n % len(marks)] for n, e in enumerate(enrolments)},
            now=session.starts_at + dt.timedelta(minutes=10),
        )
    return enrolments


@transaction.atomic
def load(stdout=None) -> None:
    rmutl = Agency.objects.get(slug="rmutl-phitsanulok")
    post = Agency.objects.filter(slug="post-phitsanulok").first()
    trainer = User.objects.filter(email=TRAINER_EMAIL).first()
    post_officer = User.objects.filter(email=POST_EMAIL).first()
    point = ServicePoint.objects.filter(code=KHLONG_MEM_POINT).first()
    khlong_mem = Village.objects.get(code=BAN_KHLONG_MEM)
    village = _centre_village()
    centre, _ = Centre.objects.update_or_create(
        slug=CENTRE_SLUG,
        defaults={
            "name_th": "ศูนย์การเรียนรู้ ICT ชุมชน มหาวิทยาลัยเทคโนโลยีราชมงคลล้านนา พิษณุโลก",
            "name_en": "RMUTL Phitsanulok ICT Community Learning Centre",
            "kind": CentreKind.ICT_LEARNING_CENTRE,
            "host": rmutl,
            "village": village,
            "computers": 20,
            "equipment": "โปรเจกเตอร์ เครื่องพิมพ์ กล้องเว็บแคม ไวไฟ",
            "contact_name": "อาจารย์ปกรณ์ สอนดี",
            "phone": "055 298 438",
            "opening_hours": "จันทร์–ศุกร์ 08:30–16:30 น.\nเสาร์ 09:00–12:00 น. (เมื่อมีการอบรม)",
            "latitude": 16.8466,
            "longitude": 100.1876,
        },
    )
    courses = {}
    for slug, th, en, topic, hours, outline in COURSES:
        courses[slug], _ = Course.objects.update_or_create(
            slug=slug,
            defaults={
                "title_th": th,
                "title_en": en,
                "topic": topic,
                "hours": Decimal(hours),
                "level": CourseLevel.BEGINNER,
                "outline": outline,
                "issuer": rmutl,
            },
        )
    today = timezone.localdate()
    past = today - dt.timedelta(days=21)
    created = 0

    # 1. Selling online at the centre: completed three weeks ago, two sessions.
    second = past + dt.timedelta(days=1)
    cohort = _cohort(
        courses["online-selling"], 1, centre,
        [(_at(past, 9), _at(past, 12)), (_at(second, 9), _at(second, 12))], trainer, rmutl,
    )  # fmt: skip
    if cohort is not None:
        _register_and_attend(
            cohort,
            [0, 1, 4, 8, 9, 10, 11],
            {0: ["present", "present", "late", "present"], 1: ["present", "absent", "present"]},
            village,
        )
        _advance(cohort, "completed")
        created += 1

    # 2. Digital safety at Ban Khlong Mem's point (the post office organises): in progress.
    if point is not None:
        last_week = today - dt.timedelta(days=7)
        soon = today + dt.timedelta(days=7)
        cohort = _cohort(
            courses["digital-safety"], 1, point,
            [(_at(last_week, 13), _at(last_week, 16)), (_at(soon, 13), _at(soon, 16))],
            trainer, post or rmutl,
        )  # fmt: skip
        if cohort is not None:
            _register_and_attend(
                cohort,
                [0, 1, 2, 3, 5, 6, 7, 11],
                {0: [AttendanceStatus.PRESENT, AttendanceStatus.PRESENT, AttendanceStatus.EXCUSED]},
                khlong_mem,
            )
            _advance(cohort, "in_progress")
            created += 1
        # 3. Smartphones for farmers at the point: open for registration.
        later = today + dt.timedelta(days=14)
        cohort = _cohort(
            courses["smartphones-for-farmers"], 1, point,
            [(_at(later, 9), _at(later, 12))], trainer, rmutl, capacity=20,
        )  # fmt: skip
        if cohort is not None:
            _register_and_attend(cohort, [0, 11], {}, khlong_mem)
            created += 1

    # 4. Internet basics at the centre: open, two sessions next week.
    next_week = today + dt.timedelta(days=10)
    day_two = next_week + dt.timedelta(days=1)
    cohort = _cohort(
        courses["internet-basics"], 1, centre,
        [(_at(next_week, 9), _at(next_week, 12)), (_at(day_two, 9), _at(day_two, 12))],
        trainer, rmutl,
    )  # fmt: skip
    if cohort is not None:
        _register_and_attend(cohort, [2, 3, 6], {}, village)
        created += 1

    # The chili-paste group's weekly meeting at the point, and the post office's request.
    if point is not None:
        if not VenueEvent.objects.filter(service_point=point, title__startswith="ประชุม").exists():
            # Wednesdays, from eight weeks back
            start = today - dt.timedelta(days=(today.weekday() - 2) % 7 + 56)
            actions.request_booking(
                None,
                venue=point,
                title="ประชุมกลุ่มอาชีพทำน้ำพริกประจำสัปดาห์",
                kind=VenueEventKind.GROUP_MEETING,
                starts_at=_at(start, 13),
                ends_at=_at(start, 16),
                weekly=True,
                organiser_name=GROUP_NAME,
            )
        if (
            post_officer is not None
            and not VenueEvent.objects.filter(service_point=point, organiser=post).exists()
        ):
            day = today + dt.timedelta(days=20)
            actions.request_booking(
                post_officer,
                venue=point,
                title="แนะนำการส่งพัสดุสินค้าชุมชนกับไปรษณีย์ไทย",
                kind=VenueEventKind.AGENCY_EVENT,
                starts_at=_at(day, 10),
                ends_at=_at(day, 12),
                organiser=post,
            )
    if stdout:
        stdout.write(
            f"learning demo: centre {CENTRE_SLUG}, {len(COURSES)} courses, "
            f"{created} new classes, the chili-paste group's weekly meeting at {KHLONG_MEM_POINT}"
        )
    # learn-cert: certificates for those who completed the classes under way or finished
    from pracharat.learning.certificates import demo_certificates

    demo_certificates(stdout)
