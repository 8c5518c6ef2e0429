"""Follow-up actions through their machine: who may move them, the history, the refusals,
meeting decisions in one step, visits kept as drafts, photos (EXIF read, then stripped)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core import mail
from PIL import Image

from pracharat import testing
from pracharat.core.errors import Conflict, Invalid, NotAllowed
from pracharat.core.models import Delivery
from pracharat.oversight import actions
from pracharat.oversight.lib import exif
from pracharat.oversight.models import (
    ACTION_TRANSITIONS,
    ActionEvent,
    ActionStatus,
    Category,
    FollowUpAction,
    Meeting,
    VisitStatus,
)
from pracharat.oversight.tests.conftest import due_in, photo_with_exif

pytestmark = pytest.mark.django_db


def test_the_table_names_every_status():
    assert set(ACTION_TRANSITIONS) == set(ActionStatus.values)
    reachable = {to for moves in ACTION_TRANSITIONS.values() for to in moves.values()}
    assert reachable | {ActionStatus.OPEN} == set(ActionStatus.values)


def test_owner_works_inspector_verifies(action, post_officer, inspector):
    actions.move_action(post_officer, action, "start")
    actions.move_action(post_officer, action, "finish")
    assert action.status == ActionStatus.DONE and action.done_at
    actions.move_action(inspector, action, "verify", note="เห็นหน้าร้านแล้ว")
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED
    assert action.verified_by == inspector and action.verified_at
    moves = list(action.events.values_list("kind", "from_status", "to_status", "actor"))
    assert moves == [
        ("created", "", "open", inspector.pk),
        ("start", "open", "in_progress", post_officer.pk),
        ("finish", "in_progress", "done", post_officer.pk),
        ("verify", "done", "verified", inspector.pk),
    ]


def test_another_agency_cannot_move_or_update(action, nt_officer):
    with pytest.raises(NotAllowed):
        actions.move_action(nt_officer, action, "start")
    with pytest.raises(NotAllowed):
        actions.add_update(nt_officer, action, text="ไม่ใช่งานของเรา")
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN and not action.updates.exists()


def test_only_inspectors_verify_or_reopen(action, post_officer, phitsanulok_officer):
    actions.move_action(post_officer, action, "finish")
    for who in (post_officer, phitsanulok_officer):
        for move in ("verify", "reopen"):
            with pytest.raises(NotAllowed):
                actions.move_action(who, action, move, note="x")
    assert FollowUpAction.objects.get(pk=action.pk).status == ActionStatus.DONE


def test_an_inspector_of_another_province_cannot_verify(action, post_officer, geography):
    elsewhere = testing.person("inspector.cm@example.org", "inspector", "50")
    actions.move_action(post_officer, action, "finish")
    with pytest.raises(NotAllowed):
        actions.move_action(elsewhere, action, "verify")


def test_failed_verification_reopens_and_the_owner_works_again(action, post_officer, inspector):
    actions.move_action(post_officer, action, "finish")
    with pytest.raises(Invalid):
        actions.move_action(inspector, action, "reopen")  # says what is missing
    actions.move_action(inspector, action, "reopen", note="ยังไม่เห็นสินค้าในร้าน")
    assert action.status == ActionStatus.REOPENED and action.done_at is None
    actions.move_action(post_officer, action, "start")
    assert action.status == ActionStatus.IN_PROGRESS


def test_not_done_needs_a_reason_and_the_table_refuses_the_rest(action, post_officer, inspector):
    with pytest.raises(Invalid):
        actions.move_action(post_officer, action, "give_up")
    with pytest.raises(Conflict):
        actions.move_action(inspector, action, "verify")  # not reported done
    actions.move_action(post_officer, action, "give_up", note="ไม่มีงบประมาณ")
    assert action.not_done_reason == "ไม่มีงบประมาณ"
    with pytest.raises(Conflict):
        actions.move_action(post_officer, action, "finish")
    actions.move_action(inspector, action, "reopen", note="ขอให้หางบประมาณอื่น")
    assert action.status == ActionStatus.REOPENED


def test_overdue_is_pending_past_the_due_date(action, post_officer, inspector):
    FollowUpAction.objects.filter(pk=action.pk).update(due_date=due_in(-1))
    action.refresh_from_db()
    assert action.is_overdue
    assert list(FollowUpAction.objects.overdue()) == [action]
    actions.move_action(post_officer, action, "finish")
    assert not action.is_overdue and not FollowUpAction.objects.overdue().exists()


def test_the_owner_hears_of_a_new_action(
    finding, inspector, post, post_officer, django_capture_on_commit_callbacks
):
    post.email = "post65@example.org"
    post.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.assign_action(
            inspector,
            actions.ActionInput(title="ขายออนไลน์", owner=post, due_date=due_in(10)),
            finding=finding,
        )
    to = sorted(m.to[0] for m in mail.outbox)
    assert to == ["post65@example.org", "post@example.org"]
    assert "ขายออนไลน์" in mail.outbox[0].subject


def test_meeting_decisions_become_actions_in_one_step(phitsanulok_officer, post, nt, settings):
    meeting = actions.save_meeting(
        phitsanulok_officer,
        actions.MeetingInput(
            area_code="65",
            title="ประชุมหน่วยงาน",
            starts_at=dt.datetime(2020, 7, 22, 9, 30, tzinfo=dt.UTC),
            online_url="https://meet.example.org/65",
            attendees=[(post, "ผู้จัดการ"), (nt, "")],
        ),
    )
    assert meeting.attendees.count() == 2
    rows = [
        actions.ActionInput(title="ช่องทางกลาง", owner=post, due_date=due_in(20)),
        actions.ActionInput(title="", owner=nt, due_date=due_in(20)),
    ]
    with pytest.raises(Invalid):  # the second is incomplete: none is created
        actions.record_decisions(phitsanulok_officer, meeting, rows)
    assert not FollowUpAction.objects.exists()
    rows[1].title = "ขยายสัญญาณ"
    created = actions.record_decisions(phitsanulok_officer, meeting, rows)
    assert [a.owner for a in created] == [post, nt]
    assert all(a.meeting == meeting and a.area_code == "65" for a in created)


def test_another_province_cannot_run_this_workspace(chiangmai_officer, post):
    with pytest.raises(NotAllowed):
        actions.post_announcement(chiangmai_officer, area_code="65", title="x", body="y")
    with pytest.raises(NotAllowed):
        actions.save_meeting(
            chiangmai_officer,
            actions.MeetingInput(
                area_code="65", title="x", starts_at=dt.datetime.now(dt.UTC), place="ห้อง"
            ),
        )
    assert not Meeting.objects.exists()


def test_a_visit_stays_a_draft_until_submitted(visit, inspector, post_officer):
    assert visit.status == VisitStatus.DRAFT and list(visit.inspectors.all()) == [inspector]
    with pytest.raises(NotAllowed):
        actions.submit_visit(post_officer, visit)
    actions.submit_visit(inspector, visit)
    assert visit.status == VisitStatus.SUBMITTED and visit.submitted_at
    with pytest.raises(Conflict):
        actions.submit_visit(inspector, visit)
    actions.reopen_visit(inspector, visit)
    assert visit.status == VisitStatus.DRAFT


def test_only_inspectors_record_visits(post_officer, phitsanulok_officer):
    for who in (post_officer, phitsanulok_officer):
        with pytest.raises(NotAllowed):
            actions.save_visit(
                who,
                actions.VisitInput(
                    area_code="65", start_date=dt.date(2020, 7, 22), end_date=dt.date(2020, 7, 22)
                ),
            )


def test_exif_is_read_then_stripped_from_the_stored_photo(visit, place, inspector):
    finding = actions.add_finding(
        inspector,
        visit,
        actions.FindingInput(
            category=Category.INFRASTRUCTURE,
            problem="สัญญาณช้า",
            place=place,
            photos=[actions.PhotoInput(data=photo_with_exif(), caption="หน้าศาลา", public=True)],
        ),
    )
    photo = finding.photos.get()
    assert (photo.latitude, photo.longitude) == (16.9794, 100.1702)
    assert photo.taken_at.isoformat() == "2020-07-23T03:15:00+00:00"  # 10:15 in Bangkok
    with photo.image.open("rb") as stored:
        data = stored.read()
    assert exif.read(data) == exif.Taken()
    assert b"PhoneMaker" not in data and not Image.open(io.BytesIO(data)).getexif()
    assert photo.public and photo.caption == "หน้าศาลา"


def test_a_photo_without_exif_has_no_time_or_place(visit, inspector):
    finding = actions.add_finding(
        inspector,
        visit,
        actions.FindingInput(
            category=Category.OTHER,
            problem="x",
            photos=[actions.PhotoInput(data=testing.picture_bytes("PNG"))],
        ),
    )
    photo = finding.photos.get()
    assert photo.taken_at is None and photo.latitude is None


def test_a_broken_photo_refuses_the_whole_finding(visit, inspector):
    with pytest.raises(Invalid):
        actions.add_finding(
            inspector,
            visit,
            actions.FindingInput(
                category=Category.OTHER,
                problem="x",
                photos=[actions.PhotoInput(data=b"not a picture at all")],
            ),
        )
    assert not visit.findings.exists()


def test_a_finding_keeps_the_place_figures(finding):
    figures = finding.figures
    assert figures["area_code"] == "65"
    assert figures["period"] == {"start": "2020-06-23", "end": "2020-07-22"}
    assert "network" in figures["numbers"]
    keys = [n["key"] for n in figures["numbers"]["network"]]
    assert "points" in keys and "user_days" in keys


def test_evidence_is_checked_by_size_and_type(action, post_officer, settings):
    settings.OVERSIGHT_EVIDENCE_MAX_MB = 1
    pdf = actions.EvidenceInput(name="หนังสือตอบ.pdf", data=b"%PDF-1.4\n" + b"0" * 100)
    photo = actions.EvidenceInput(name="shop.jpg", data=photo_with_exif())
    update = actions.add_update(post_officer, action, text="เปิดร้านแล้ว", files=[pdf, photo])
    stored = {e.content_type: e for e in update.evidence.all()}
    assert set(stored) == {"application/pdf", "image/jpeg"}
    with stored["image/jpeg"].file.open("rb") as f:
        assert b"PhoneMaker" not in f.read()  # pictures are re-encoded without metadata
    for bad in (
        actions.EvidenceInput(name="virus.exe", data=b"MZ..."),
        actions.EvidenceInput(name="fake.pdf", data=b"<html>"),
        actions.EvidenceInput(name="big.pdf", data=b"%PDF-" + b"0" * (1024 * 1024)),
    ):
        with pytest.raises(Invalid):
            actions.add_update(post_officer, action, text="x", files=[bad])
    assert action.updates.count() == 1


def test_an_update_can_report_done(
    action, post_officer, inspector, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.add_update(post_officer, action, text="ขึ้นร้านแล้ว", move="finish")
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE
    assert ActionEvent.objects.filter(action=action, kind="finish").exists()
    assert inspector.email in {m.to[0] for m in mail.outbox}  # the inspector is asked to verify


def test_no_delivery_without_an_address(action):
    assert not Delivery.objects.filter(recipient_label="").exists()
