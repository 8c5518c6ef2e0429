import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from pracharat.core.errors import Conflict, Invalid, NotAllowed, NotFound
from pracharat.learning import actions
from pracharat.learning.models import (
    Attendance,
    Certificate,
    CohortChange,
    Enrolment,
    Learner,
    VenueEvent,
)
from pracharat.learning.tests.conftest import later, register

pytestmark = pytest.mark.django_db


def test_a_trainer_creates_a_class_at_ban_khlong_mem_with_numbered_sessions(
    course, khlong_mem_point, rmutl_trainer
):
    cohort = actions.create_cohort(
        rmutl_trainer, course=course, venue=khlong_mem_point, sessions=[later(2), later(1)]
    )
    assert cohort.number == 1 and cohort.status == "planned"
    assert cohort.area_code == "65060209" and cohort.venue == khlong_mem_point
    assert cohort.trainer == rmutl_trainer
    assert list(cohort.sessions.values_list("starts_at", flat=True)) == sorted(
        [later(1)[0], later(2)[0]]
    )
    second = actions.create_cohort(
        rmutl_trainer, course=course, venue=khlong_mem_point, sessions=[later(3)], open_now=True
    )
    assert second.number == 2 and second.status == "open"
    assert CohortChange.objects.filter(cohort=second, from_status="planned", to_status="open")


def test_who_may_hold_classes_where(
    course, rmutl_centre, khlong_mem_point, chiangmai_point, rmutl_trainer, school_trainer,
    chiangmai_officer, phitsanulok_officer, volunteer,
):  # fmt: skip
    assert actions.may_run_classes_at(rmutl_trainer, rmutl_centre)
    assert not actions.may_run_classes_at(school_trainer, rmutl_centre)  # another centre's staff
    assert actions.may_run_classes_at(phitsanulok_officer, rmutl_centre)
    assert not actions.may_run_classes_at(chiangmai_officer, rmutl_centre)
    assert actions.may_run_classes_at(rmutl_trainer, khlong_mem_point)
    assert not actions.may_run_classes_at(rmutl_trainer, chiangmai_point)
    assert not actions.may_run_classes_at(volunteer, khlong_mem_point)
    with pytest.raises(NotAllowed):
        actions.create_cohort(
            chiangmai_officer, course=course, venue=rmutl_centre, sessions=[later(1)]
        )


def test_a_session_ends_after_it_starts(course, rmutl_centre, rmutl_trainer):
    start, _end = later(1)
    with pytest.raises(Invalid):
        actions.create_cohort(
            rmutl_trainer, course=course, venue=rmutl_centre, sessions=[(start, start)]
        )
    with pytest.raises(Invalid):
        actions.create_cohort(rmutl_trainer, course=course, venue=rmutl_centre, sessions=[])


def test_status_moves_follow_the_table_and_the_rights(open_class, rmutl_trainer, school_trainer):
    with pytest.raises(NotAllowed):
        actions.move_cohort(school_trainer, open_class, "start")
    with pytest.raises(Conflict):
        actions.move_cohort(rmutl_trainer, open_class, "complete")
    actions.move_cohort(rmutl_trainer, open_class, "start")
    actions.move_cohort(rmutl_trainer, open_class, "complete")
    open_class.refresh_from_db()
    assert open_class.status == "completed"
    assert list(open_class.changes.values_list("to_status", flat=True)) == [
        "open", "in_progress", "completed",
    ]  # fmt: skip


def test_registration_stores_the_consent_wording_and_enforces_capacity(open_class):
    enrolment, key = register(open_class, phone="081-111-0001")
    learner = enrolment.learner
    assert learner.phone == "0811110001" and learner.consent_version
    assert "erased" in learner.consent_text or "ลบ" in learner.consent_text
    assert actions.learner_by_key(key) == learner and learner.token_hash != key
    with pytest.raises(Conflict):
        register(open_class, name="คนอื่น", phone="0811110001")  # the same phone twice
    register(open_class, name="สอง")
    register(open_class, name="สาม")
    with pytest.raises(Conflict, match=r"เต็มแล้ว|full"):
        register(open_class, name="สี่")


def test_registration_needs_consent_and_an_open_class(open_class, course, rmutl_centre):
    with pytest.raises(Invalid):
        actions.register(
            open_class, full_name="ก", occupation="farmer", age_group="18_24", consented=False
        )
    planned = actions.create_cohort(None, course=course, venue=rmutl_centre, sessions=[later(4)])
    with pytest.raises(Conflict):
        register(planned)
    with pytest.raises(Invalid):
        register(open_class, phone="12345")


def test_walk_ins_are_registered_only_by_the_class_staff(open_class, rmutl_trainer, school_trainer):
    actions.move_cohort(rmutl_trainer, open_class, "start")  # walk-ins still come in
    with pytest.raises(NotAllowed):
        register(open_class, channel="walk_in", actor=school_trainer)
    enrolment, _key = register(open_class, channel="walk_in", actor=rmutl_trainer)
    assert enrolment.channel == "walk_in"
    with pytest.raises(Conflict):
        register(open_class, name="ออนไลน์")  # online only while open


def test_erasure_keeps_the_counts_and_revokes_a_certificate(open_class):
    enrolment, key = register(open_class, phone="0811110001")
    session = open_class.sessions.first()
    actions.mark_attendance(None, session, {enrolment.pk: "present"})
    certificate = Certificate.objects.create(
        enrolment=enrolment, code="ABC123", holder_name="สมศรี ทองคำ",
        course_title_th="x", hours=6, issued_on=timezone.localdate(), issuer_name="มทร.",
    )  # fmt: skip
    assert actions.erase_learner(enrolment.learner) == 1
    learner = Learner.objects.get(pk=enrolment.learner_id)
    assert (learner.full_name, learner.phone, learner.token_hash) == ("", "", "")
    assert learner.occupation == "farmer" and learner.age_group == "40_59" and learner.erased_at
    assert Attendance.objects.filter(enrolment=enrolment, status="present").exists()
    certificate.refresh_from_db()
    assert certificate.revoked_at and certificate.holder_name == ""
    with pytest.raises(NotFound):
        actions.learner_by_key(key)


def test_the_person_eraser_and_the_retention_purge(open_class, course, rmutl_centre):
    register(open_class, phone="0811110009")
    assert actions.erase_person(phone="0811110009") == {"learners erased": 1}
    assert actions.erase_person(phone="0811110009") == {}
    old = actions.create_cohort(None, course=course, venue=rmutl_centre, sessions=[later(1)],
                                open_now=True)  # fmt: skip
    stale, _ = register(old, name="เก่า")
    Learner.objects.filter(pk=stale.learner_id).update(
        created=timezone.now() - dt.timedelta(days=2000)
    )
    old.sessions.update(
        starts_at=timezone.now() - dt.timedelta(days=1999, hours=3),
        ends_at=timezone.now() - dt.timedelta(days=1999),
    )
    assert actions.purge_learners(timezone.now()) == {"learners erased": 1}
    assert Learner.objects.get(pk=stale.learner_id).is_erased


def test_a_learner_checks_in_with_the_current_code_and_not_an_old_one(open_class, settings):
    enrolment, _ = register(open_class, phone="0811110001")
    session = open_class.sessions.first()
    now = session.starts_at + dt.timedelta(minutes=5)
    codes = actions.codes_for(session, now)
    assert actions.session_for_token(codes.token, now) == session
    attendance, created = actions.check_in(session, enrolment, "qr", now=now)
    assert created and attendance.status == "present"
    _again, created = actions.check_in(session, enrolment, "qr", now=now)
    assert not created
    too_late = now + dt.timedelta(seconds=settings.LEARNING_CHECKIN_STEP * 2 + 11)
    with pytest.raises(Invalid):
        actions.session_for_token(codes.token, too_late)
    assert actions.session_for_short_code(actions.codes_for(session, now).short, now) == session
    with pytest.raises(Invalid):
        actions.session_for_short_code(codes.short, too_late + dt.timedelta(seconds=60))


def test_identify_by_phone_or_name_or_the_remembered_learner(open_class):
    one, _ = register(open_class, name="สมศรี ทองคำ", phone="0811110001")
    register(open_class, name="สมชาย ทองคำ")
    assert actions.identify(open_class, "081 111 0001") == one
    assert actions.identify(open_class, " สมศรี  ทองคำ ") == one
    assert actions.identify(open_class, "", [one.learner]) == one
    with pytest.raises(Invalid):
        actions.identify(open_class, "ไม่มีใคร")


def test_late_check_in_and_the_trainer_sheet(open_class, rmutl_trainer, school_trainer):
    first, _ = register(open_class, phone="0811110001")
    second, _ = register(open_class, name="สอง")
    session = open_class.sessions.first()
    actions.check_in(session, first, "short_code", now=session.starts_at + dt.timedelta(minutes=30))
    assert Attendance.objects.get(enrolment=first).status == "late"
    with pytest.raises(NotAllowed):
        actions.mark_attendance(school_trainer, session, {second.pk: "present"})
    counts = actions.mark_attendance(
        rmutl_trainer, session, {first.pk: "present", second.pk: "excused"}
    )
    assert counts == {"created": 1, "updated": 1, "unchanged": 0}
    marked = Attendance.objects.get(enrolment=second)
    assert marked.method == "trainer" and marked.recorded_by == rmutl_trainer
    with pytest.raises(Invalid):
        actions.mark_attendance(rmutl_trainer, session, {999999: "present"})


def test_withdrawal(open_class):
    enrolment, _key = register(open_class)
    other, _ = register(open_class, name="อื่น")
    with pytest.raises(NotFound):
        actions.withdraw(enrolment.learner, other)
    actions.withdraw(enrolment.learner, enrolment)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "withdrawn"


def test_a_booking_is_requested_decided_and_the_requester_told(
    khlong_mem_point, post_officer, phitsanulok_officer, chiangmai_officer,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    start, end = later(5, hour=10, length=2)
    with django_capture_on_commit_callbacks(execute=True):
        event = actions.request_booking(
            post_officer, venue=khlong_mem_point, title="แนะนำการส่งพัสดุ", kind="agency_event",
            starts_at=start, ends_at=end,
        )  # fmt: skip
    assert event.status == "requested" and event.organiser.slug == "post-phitsanulok"
    assert any("แนะนำการส่งพัสดุ" in m.subject or "แนะนำการส่งพัสดุ" in m.body for m in mail.outbox)
    assert list(actions.decidable_bookings(phitsanulok_officer)) == [event]
    assert not actions.decidable_bookings(chiangmai_officer).exists()
    with pytest.raises(NotAllowed):
        actions.decide_booking(chiangmai_officer, event, "confirm")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.decide_booking(phitsanulok_officer, event, "confirm")
    assert VenueEvent.objects.get(pk=event.pk).status == "confirmed"
    assert [m.to for m in mail.outbox] == [[post_officer.email]]
    assert event.changes.count() == 1


def test_the_venue_books_its_own_calendar_at_once(khlong_mem_point, phitsanulok_officer, volunteer):
    start, end = later(1, hour=13)
    event = actions.request_booking(
        phitsanulok_officer, venue=khlong_mem_point, title="ประชุมกลุ่มน้ำพริก",
        kind="group_meeting", starts_at=start, ends_at=end, weekly=True,
    )  # fmt: skip
    assert event.status == "confirmed"
    with pytest.raises(NotAllowed):
        actions.request_booking(
            volunteer, venue=khlong_mem_point, title="x", kind="other", starts_at=start,
            ends_at=end,
        )  # fmt: skip
