"""Issuing and revoking certificates: the completion rule, rights, codes, erasure."""

from __future__ import annotations

import pytest
from django.core import mail

from pracharat import testing
from pracharat.accounts.models import Role
from pracharat.core.errors import Conflict, Invalid, NotAllowed
from pracharat.learning import certificates
from pracharat.learning.models import Certificate, CohortStatus
from pracharat.learning.tests import certdata

pytestmark = pytest.mark.django_db


@pytest.fixture
def klass(ban_khlong_mem):
    return certdata.cohort(certdata.centre(ban_khlong_mem), sessions=5)


def test_the_rule_counts_present_and_late_and_not_excused(klass, ban_khlong_mem):
    # 80 % of 5 sessions = 4
    full = certdata.enrol(klass, certdata.learner(ban_khlong_mem, "ก"), 5)
    late = certdata.enrol(klass, certdata.learner(ban_khlong_mem, "ข"), 3, late=1)
    excused = certdata.enrol(klass, certdata.learner(ban_khlong_mem, "ค"), 3, excused=1)
    short = certdata.enrol(klass, certdata.learner(ban_khlong_mem, "ง"), 3)
    issued = certificates.issue_certificates(klass)
    assert {c.enrolment_id for c in issued} == {full.pk, late.pk}
    assert excused.pk not in {c.enrolment_id for c in issued}
    assert short.pk not in {c.enrolment_id for c in issued}


def test_the_share_is_the_course_s(ban_khlong_mem):
    easy = certdata.course("easy", share=40)
    klass = certdata.cohort(certdata.centre(ban_khlong_mem), the_course=easy, sessions=5)
    certdata.enrol(klass, certdata.learner(ban_khlong_mem), 2)
    assert len(certificates.issue_certificates(klass)) == 1


def test_issuing_copies_the_names_signs_and_is_idempotent(klass, ban_khlong_mem):
    certdata.enrol(klass, certdata.learner(ban_khlong_mem, "นางสาวบุญมี ศรีสุข"), 5)
    [cert] = certificates.issue_certificates(klass)
    assert cert.holder_name == "นางสาวบุญมี ศรีสุข"
    assert cert.course_title_th == certdata.COURSE_TH
    assert cert.course_title_en == certdata.COURSE_EN
    assert cert.hours == 12
    assert cert.issuer == certdata.rmutl() and cert.issuer_name == certdata.rmutl().name_th
    assert cert.credential.count(".") == 2  # a compact JWS
    assert certificates.issue_certificates(klass) == []
    assert Certificate.objects.count() == 1


def test_codes_are_unique_and_unambiguous(klass, ban_khlong_mem):
    for i in range(12):
        certdata.enrol(klass, certdata.learner(ban_khlong_mem, f"คนที่ {i}"), 5)
    codes = [c.code for c in certificates.issue_certificates(klass)]
    assert len(set(codes)) == 12
    for code in codes:
        assert len(code) == 9 and code[4] == "-"
        assert not set(code.replace("-", "")) & set("01OIL")
    assert certificates.normalise_code(codes[0].lower().replace("-", " ")) == codes[0]


def test_erased_and_withdrawn_learners_get_none(klass, ban_khlong_mem):
    from django.utils import timezone

    erased = certdata.learner(ban_khlong_mem, "ลบแล้ว")
    erased.erased_at = timezone.now()
    erased.save()
    certdata.enrol(klass, erased, 5)
    withdrawn = certdata.enrol(klass, certdata.learner(ban_khlong_mem, "ถอนตัว"), 5)
    withdrawn.status = "withdrawn"
    withdrawn.save()
    assert certificates.issue_certificates(klass) == []


def test_a_planned_class_issues_nothing(ban_khlong_mem):
    klass = certdata.cohort(certdata.centre(ban_khlong_mem), status=CohortStatus.OPEN)
    with pytest.raises(Conflict):
        certificates.issue_certificates(klass)


def test_who_may_issue(klass, ban_khlong_mem, phitsanulok_officer, chiangmai_officer, inspector):
    certdata.enrol(klass, certdata.learner(ban_khlong_mem), 5)
    for outsider in (chiangmai_officer, inspector, testing.buyer()):
        with pytest.raises(NotAllowed):
            certificates.issue_certificates(klass, actor=outsider)
    # the province's officer, the class's trainer and the centre's staff may
    assert len(certificates.issue_certificates(klass, actor=phitsanulok_officer)) == 1
    own = testing.person("own.trainer@example.org")
    other = certdata.cohort(certdata.centre(ban_khlong_mem), number=2, trainer=own)
    certdata.enrol(other, certdata.learner(ban_khlong_mem, "สอง"), 5)
    assert len(certificates.issue_certificates(other, actor=own)) == 1
    staff = testing.person("staff@example.org", Role.TRAINER, "65", certdata.rmutl())
    third = certdata.cohort(certdata.centre(ban_khlong_mem), number=3)
    certdata.enrol(third, certdata.learner(ban_khlong_mem, "สาม"), 5)
    assert len(certificates.issue_certificates(third, actor=staff)) == 1


def test_revoking_needs_a_reason_and_a_right(klass, ban_khlong_mem, chiangmai_officer):
    certdata.enrol(klass, certdata.learner(ban_khlong_mem), 5)
    [cert] = certificates.issue_certificates(klass)
    with pytest.raises(Invalid):
        certificates.revoke_certificate(cert, " ")
    with pytest.raises(NotAllowed):
        certificates.revoke_certificate(cert, "ผิดคน", actor=chiangmai_officer)
    done = certificates.revoke_certificate(cert, "ออกให้ผิดคน", actor=testing.phitsanulok_officer())
    assert done.is_revoked and done.revoked_reason == "ออกให้ผิดคน"
    with pytest.raises(Conflict):
        certificates.revoke_certificate(done, "อีกครั้ง")


def test_forget_holder_blanks_the_name_and_the_credential(klass, ban_khlong_mem):
    certdata.enrol(klass, certdata.learner(ban_khlong_mem, "ชื่อที่ต้องลบ"), 5)
    [cert] = certificates.issue_certificates(klass)
    gone = certificates.forget_holder(cert)
    gone.refresh_from_db()
    assert gone.holder_name == "" and gone.credential == ""
    assert gone.is_revoked and gone.revoked_reason == certificates.WITHDRAWN_BY_HOLDER
    assert "ชื่อที่ต้องลบ" not in str(Certificate.objects.filter(pk=gone.pk).values().get())
    assert certificates.revoked_reason_label(gone) == "ผู้ถือขอถอนข้อมูล"


def test_a_learner_without_a_contact_is_not_notified(klass, ban_khlong_mem):
    from pracharat.core.models import Delivery

    certdata.enrol(klass, certdata.learner(ban_khlong_mem), 5)
    assert len(certificates.issue_certificates(klass)) == 1
    assert Delivery.objects.count() == 0 and mail.outbox == []
