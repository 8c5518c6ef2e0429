"""Classes with sessions, learners and attendance for the certificate and indicator tests
(plain model writes: learn-core's actions are tested in their own files)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from pracharat import testing
from pracharat.accounts.models import AgencyKind
from pracharat.learning.models import (
    Attendance,
    AttendanceMethod,
    Centre,
    ClassSession,
    Cohort,
    CohortStatus,
    Course,
    Enrolment,
    EnrolmentChannel,
    Learner,
)

CONSENT = "ข้าพเจ้ายินยอมให้เก็บชื่อและเบอร์โทรเพื่อการอบรมนี้"
COURSE_TH = "การขายสินค้าออนไลน์สำหรับวิสาหกิจชุมชน"
COURSE_EN = "Selling online for community enterprises"


def rmutl():
    return testing.agency("rmutl-phitsanulok", "65", AgencyKind.UNIVERSITY)


def centre(village, slug="rmutl-ict-centre", **extra) -> Centre:
    found = Centre.objects.filter(slug=slug).first()
    if found:
        return found
    return Centre.objects.create(
        slug=slug,
        name_th="ศูนย์การเรียนรู้ ICT ชุมชน มทร.ล้านนา พิษณุโลก",
        name_en="RMUTL ICT community learning centre",
        kind="ict_learning_centre",
        host=rmutl(),
        village=village,
        **extra,
    )


def course(slug="selling-online", share=80, **extra) -> Course:
    found = Course.objects.filter(slug=slug).first()
    if found:
        return found
    return Course.objects.create(
        slug=slug,
        title_th=COURSE_TH,
        title_en=COURSE_EN,
        topic="online_selling",
        hours=Decimal("12"),
        completion_share=share,
        issuer=rmutl(),
        **extra,
    )


def cohort(venue_centre=None, *, point=None, the_course=None, number=1, sessions=5,
           start=None, trainer=None, status=CohortStatus.IN_PROGRESS) -> Cohort:  # fmt: skip
    the_course = the_course or course()
    c = Cohort.objects.create(
        course=the_course,
        number=number,
        centre=venue_centre,
        service_point=point,
        trainer=trainer,
        organiser=rmutl(),
        status=status,
    )
    start = start or timezone.now() - dt.timedelta(days=sessions + 1)
    ClassSession.objects.bulk_create(
        ClassSession(
            cohort=c,
            starts_at=start + dt.timedelta(days=i),
            ends_at=start + dt.timedelta(days=i, hours=3),
        )
        for i in range(sessions)
    )
    return c


def learner(village, name="นางสาวบุญมี ศรีสุข", occupation="farmer", age="40_59") -> Learner:
    return Learner.objects.create(
        full_name=name,
        occupation=occupation,
        age_group=age,
        village=village,
        consent_text=CONSENT,
        consent_version="1",
    )


def enrol(c: Cohort, person: Learner, attended: int, *, late: int = 0, excused: int = 0):
    """Enrol ``person`` and mark the first sessions: ``attended`` present, then ``late``
    late, then ``excused`` excused, the rest absent."""
    e = Enrolment.objects.create(learner=person, cohort=c, channel=EnrolmentChannel.WALK_IN)
    marks = ["present"] * attended + ["late"] * late + ["excused"] * excused
    sessions = list(c.sessions.order_by("starts_at"))
    Attendance.objects.bulk_create(
        Attendance(
            enrolment=e,
            session=s,
            status=marks[i] if i < len(marks) else "absent",
            method=AttendanceMethod.TRAINER,
        )
        for i, s in enumerate(sessions)
    )
    return e
