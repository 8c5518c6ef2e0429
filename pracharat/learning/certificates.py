"""Certificates: who completed a class, issuing and revoking, the PDF, and erasure.

**The completion rule.** A registered learner (not withdrawn, not erased) completes a class
when the sessions they attended, *present* or *late*, are at least the course's
``completion_share`` percent of all the class's sessions:
``attended × 100 ≥ completion_share × sessions`` (integers: no rounding). An *excused*
session is not attended and stays in the count of sessions, so a certificate always says
the holder was there for that share of the class. A class with no session completes nobody.

**Issuing** (:func:`issue_certificates`) is idempotent: an enrolment with a certificate is
skipped. Each certificate copies the names as they are that day (holder, course titles, hours,
issuer: the course's certificate issuer, else the class's organising agency, else the
centre's host), gets a unique verification code of :data:`CODE_LENGTH` characters from
:data:`ALPHABET` (no 0/O, 1/I/L: read aloud or typed from paper without doubt; shown as
``ABCD-EFGH``) and is signed as an Open Badges 3.0 credential (``learning.badges``).

**Rights.** Issuing and revoking are for those who see the class's learners: its trainer,
the staff of its centre or of its organising agency, the province's officers
(``Cohort.objects.with_learners_for``); ``actor=None`` is the platform (the demo, a command).

**Erasure.** :func:`forget_holder` revokes a certificate "withdrawn by the holder", blanks the
name and drops the signed credential (which carries the name); the code, course and date
stay, so the verification page says the certificate existed and was withdrawn.
"""

from __future__ import annotations

import secrets

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from pracharat.core.errors import Conflict, Invalid, NotAllowed
from pracharat.core.notifications import notify
from pracharat.learning import badges
from pracharat.learning.models import (
    ATTENDED,
    Certificate,
    Cohort,
    CohortStatus,
    Enrolment,
    EnrolmentStatus,
)

#: Upper-case letters and digits without those read or written alike (0 O, 1 I L).
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
#: Stored as the reason of a certificate whose holder erased their data (shown translated).
WITHDRAWN_BY_HOLDER = gettext_noop("withdrawn by the holder")
#: Classes whose certificates may be issued: under way or finished.
ISSUABLE = (CohortStatus.IN_PROGRESS, CohortStatus.COMPLETED)


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
    return f"{raw[:4]}-{raw[4:]}"


def normalise_code(text: str) -> str:
    """What a person typed (``abcd efgh``, ``ABCDEFGH``, ``abcd-efgh``) as a stored code;
    characters outside the alphabet are dropped, so a typo simply finds nothing."""
    raw = "".join(ch for ch in (text or "").upper() if ch in ALPHABET)[:CODE_LENGTH]
    return f"{raw[:4]}-{raw[4:]}" if len(raw) == CODE_LENGTH else raw


def may_manage(cohort: Cohort, actor) -> bool:
    """Whether ``actor`` may issue and revoke the class's certificates (None: the platform)."""
    if actor is None:
        return True
    return Cohort.objects.with_learners_for(actor).filter(pk=cohort.pk).exists()


def completing(cohort: Cohort):
    """The class's enrolments that meet the completion rule and have no certificate yet,
    in one query (``attended`` annotated), and the number of sessions."""
    sessions = cohort.sessions.count()
    if not sessions:
        return [], 0
    share = cohort.course.completion_share
    rows = (
        Enrolment.objects.filter(
            cohort=cohort,
            status=EnrolmentStatus.REGISTERED,
            learner__erased_at__isnull=True,
            certificate__isnull=True,
        )
        .select_related("learner")
        .annotate(attended=Count("attendance", filter=Q(attendance__status__in=ATTENDED)))
        .order_by("pk")
    )
    return [e for e in rows if e.attended * 100 >= share * sessions], sessions


def issuer_of(cohort: Cohort):
    course = cohort.course
    if course.issuer_id:
        return course.issuer
    if cohort.organiser_id:
        return cohort.organiser
    if cohort.centre_id and cohort.centre.host_id:
        return cohort.centre.host
    return None


def _contactable(learner):
    """The learner as a recipient if they left an address notifications can use, else None
    (most leave only a phone number, or nothing)."""
    contact = getattr(learner, "notification_contact", None)
    if contact is None:
        return None
    found = contact()
    return learner if (found.email or found.line_id) else None


def issue_certificates(cohort: Cohort, *, actor=None, today=None) -> list[Certificate]:
    """Issue a certificate to every enrolment of ``cohort`` that completes it and has none;
    returns those issued now (an empty list when there is nobody new)."""
    cohort = (
        Cohort.objects.select_related("course__issuer", "organiser", "centre__host")
        .filter(pk=cohort.pk)
        .first()
    )
    if cohort is None:
        raise Invalid(_("No such class."))
    if not may_manage(cohort, actor):
        raise NotAllowed(
            _(
                "Only the class's trainer, its centre's staff or the province's "
                "officers may issue its certificates."
            )
        )
    if cohort.status not in ISSUABLE:
        raise Conflict(_("Certificates are issued for classes in progress or completed."))
    today = today or timezone.localdate()
    issuer = issuer_of(cohort)
    issued = []
    with transaction.atomic():
        Cohort.objects.select_for_update().filter(pk=cohort.pk).first()  # one issuer at a time
        enrolments, _sessions = completing(cohort)
        for enrolment in enrolments:
            enrolment.cohort = cohort
            certificate = Certificate(
                enrolment=enrolment,
                holder_name=enrolment.learner.full_name,
                course_title_th=cohort.course.title_th,
                course_title_en=cohort.course.title_en,
                hours=cohort.course.hours,
                issued_on=today,
                issuer=issuer,
                issuer_name=issuer.name_th if issuer else "",
            )
            _save_with_new_code(certificate)
            issued.append(certificate)
            recipient = _contactable(enrolment.learner)
            if recipient is not None:
                notify(
                    [recipient],
                    "learning/notifications/certificate_issued",
                    {"certificate": certificate, "url": badges.verification_url(certificate.code)},
                )
    return issued


def _save_with_new_code(certificate: Certificate, attempts: int = 5) -> None:
    """Save with a fresh code and its signed credential; a code already taken (one chance
    in 10¹² per certificate) is drawn again."""
    for attempt in range(attempts):
        certificate.code = new_code()
        certificate.credential = badges.signed_credential(certificate)
        try:
            with transaction.atomic():
                certificate.save()
            return
        except IntegrityError:
            if (
                attempt == attempts - 1
                or Certificate.objects.filter(enrolment=certificate.enrolment).exists()
            ):
                raise


def revoke_certificate(certificate: Certificate, reason: str, *, actor=None) -> Certificate:
    """Revoke a certificate with a reason (shown on the verification page)."""
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(_("Say why the certificate is revoked."), field="reason")
    cohort = certificate.enrolment.cohort
    if not may_manage(cohort, actor):
        raise NotAllowed(
            _(
                "Only the class's trainer, its centre's staff or the province's "
                "officers may revoke its certificates."
            )
        )
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if current.is_revoked:
            raise Conflict(_("This certificate is already revoked."))
        current.revoked_at = timezone.now()
        current.revoked_reason = reason[:1000]
        current.save(update_fields=["revoked_at", "revoked_reason", "updated"])
    return current


def forget_holder(certificate: Certificate) -> Certificate:
    """The holder erased their data: the certificate is revoked (if it was not) as withdrawn
    by the holder, the name is blanked and the signed credential, which carries the name, is
    dropped. For the learner eraser; no rights check (the eraser has made it)."""
    with transaction.atomic():
        current = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not current.is_revoked:
            current.revoked_at = timezone.now()
        current.revoked_reason = WITHDRAWN_BY_HOLDER
        current.holder_name = ""
        current.credential = ""
        current.save(
            update_fields=["revoked_at", "revoked_reason", "holder_name", "credential", "updated"]
        )
    return current


def forget_holders(queryset, *, now=None) -> int:
    """:func:`forget_holder` for many certificates in two statements (the learner eraser):
    the ones not yet revoked get the time of the erasure; all lose name and credential."""
    now = now or timezone.now()
    queryset.filter(revoked_at__isnull=True).update(revoked_at=now)
    return queryset.update(
        revoked_reason=WITHDRAWN_BY_HOLDER, holder_name="", credential="", updated=now
    )


def revoked_reason_label(certificate: Certificate) -> str:
    """The reason in the reader's language when it is the platform's own wording."""
    if certificate.revoked_reason == WITHDRAWN_BY_HOLDER:
        return _(WITHDRAWN_BY_HOLDER)
    return certificate.revoked_reason


def pdf(certificate: Certificate, request=None) -> bytes:
    """The A4 landscape certificate (core.pdf) with its QR to the verification page."""
    from pracharat.core.lib import qr
    from pracharat.core.pdf import render_pdf

    url = badges.verification_url(certificate.code)
    context = {
        "certificate": certificate,
        "url": url,
        "qr_svg": qr.svg(url, label=_("Verify this certificate: %(url)s") % {"url": url}),
    }
    return render_pdf("learning/pdf/certificate.html", context, request)


def demo_certificates(stdout=None) -> int:
    """The demo's certificates (``pracharat demo``, called at the end of learning's demo):
    every class in progress or completed issues to whoever completed it. Idempotent."""
    issued = 0
    for cohort in Cohort.objects.filter(status__in=ISSUABLE).order_by("pk"):
        issued += len(issue_certificates(cohort))
    if stdout:
        stdout.write(f"learning demo: {issued} new certificates")
    return issued
