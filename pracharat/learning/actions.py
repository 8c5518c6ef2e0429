"""Writes of the learning pillar: classes and their sessions, registration (online and walk-in),
check-in by the rotating code, attendance by the trainer, a learner's withdrawal and erasure,
and venue bookings. Each function is one transaction, called alike by views, API and demo;
rights are checked here (``actor``; ``None`` is the platform: the demo, a command).

Who may do what (docs/learning.md):

- run classes at a venue (create a class, add sessions, move its status, register walk-ins,
  mark attendance): a centre's staff (trainer membership of its host agency) at that centre;
  at a service point, trainers and agency officers whose membership area contains it; the
  province's officers anywhere in their area; and a class's own trainer for that class;
- decide a venue booking: a centre's staff for their centre, the province's officers for any
  venue in their area;
- request a booking: anyone with a trainer, agency-officer or provincial-officer membership.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from collections.abc import Iterable, Mapping

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pracharat.accounts.models import Role
from pracharat.accounts.scoping import area_codes_for, has_role
from pracharat.core.errors import Conflict, Invalid, NotAllowed, NotFound, TooMany
from pracharat.core.lib.phone import PhoneError, normalise_phone
from pracharat.core.limits import Limit
from pracharat.core.privacy import keyed_hash
from pracharat.core.transitions import Machine, Step
from pracharat.learning import consent
from pracharat.learning.lib import checkin
from pracharat.learning.models import (
    ATTENDED,
    BOOKING_TRANSITIONS,
    COHORT_TRANSITIONS,
    Attendance,
    AttendanceMethod,
    AttendanceStatus,
    BookingChange,
    Centre,
    Certificate,
    ClassSession,
    Cohort,
    CohortChange,
    CohortStatus,
    Course,
    Enrolment,
    EnrolmentChannel,
    EnrolmentStatus,
    Learner,
    VenueEvent,
)
from pracharat.learning.querysets import learner_scope, officer_area_codes, staff_agency_ids

# --- rights ----------------------------------------------------------------------------------


def _in_areas(code: str, areas: list[str] | None) -> bool:
    return areas is None or any(code.startswith(area) for area in areas)


def may_run_classes_at(user, venue) -> bool:
    """Whether ``user`` may create classes at ``venue`` (a Centre or a ServicePoint)."""
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    codes = officer_area_codes(user)
    if codes is None or (codes and _in_areas(venue.area_code, codes)):
        return True
    if isinstance(venue, Centre):
        return venue.host_id is not None and venue.host_id in staff_agency_ids(user)
    areas = area_codes_for(user, roles={Role.TRAINER, Role.AGENCY_OFFICER})
    return bool(areas is None or (areas and _in_areas(venue.area_code, areas)))


def may_manage(user, cohort: Cohort) -> bool:
    """The class's trainer, its venue's staff, its organiser's trainers, the province's
    officers (the same people who see its learners: ``Cohort.objects.with_learners_for``)."""
    if user is None:
        return True
    query = learner_scope(user)
    if query is None:
        return True
    return Cohort.objects.filter(query, pk=cohort.pk).exists()


def may_decide_booking(user, venue) -> bool:
    if user is None:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    codes = officer_area_codes(user)
    if codes is None or (codes and _in_areas(venue.area_code, codes)):
        return True
    return (
        isinstance(venue, Centre)
        and venue.host_id is not None
        and venue.host_id in staff_agency_ids(user)
    )


def may_request_booking(user) -> bool:
    return has_role(user, Role.TRAINER, Role.AGENCY_OFFICER, Role.PROVINCIAL_OFFICER)


# --- classes ---------------------------------------------------------------------------------


def _record_cohort(step: Step) -> None:
    CohortChange.objects.create(
        cohort=step.obj,
        at=step.at,
        actor=step.by,
        from_status=step.from_status,
        to_status=step.to_status,
        note=step.note,
    )


COHORT_REFUSALS = {
    "open": _("Only a planned class can be opened for registration."),
    "close": _("Only a class open for registration can be taken back to planned."),
    "start": _("Only a class open for registration can start."),
    "complete": _("Only a class in progress can be completed."),
    "cancel": _("A completed or cancelled class cannot be cancelled."),
}

COHORTS = Machine(
    model=Cohort,
    table=COHORT_TRANSITIONS,
    record=_record_cohort,
    rights=dict.fromkeys(("open", "close", "start", "complete", "cancel"), may_manage),
    refusal=lambda cohort, action: Conflict(COHORT_REFUSALS[action]),
    forbidden=_("You may not change this class."),
)


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime, field: str = "ends_at") -> None:
    if ends_at <= starts_at:
        raise Invalid(_("A session ends after it starts."), field=field)
    if ends_at - starts_at > dt.timedelta(hours=12):
        raise Invalid(_("A session lasts at most 12 hours."), field=field)


@transaction.atomic
def create_cohort(
    actor,
    *,
    course: Course,
    venue,
    sessions: Iterable[tuple[dt.datetime, dt.datetime]],
    capacity: int = 20,
    organiser=None,
    trainer=None,
    description: str = "",
    open_now: bool = False,
) -> Cohort:
    """A new class of ``course`` at ``venue`` with its sessions; planned, or open at once."""
    if not may_run_classes_at(actor, venue):
        raise NotAllowed(_("You may not hold classes at this venue."))
    sessions = sorted(sessions)
    if not sessions:
        raise Invalid(_("A class has at least one session."), field="sessions")
    for start, end in sessions:
        _check_times(start, end, field="sessions")
    if capacity < 1:
        raise Invalid(_("A class has at least one place."), field="capacity")
    if organiser is None and isinstance(venue, Centre):
        organiser = venue.host
    list(Course.objects.select_for_update().filter(pk=course.pk))  # one numbering at a time
    number = (Cohort.objects.filter(course=course).aggregate(n=Max("number"))["n"] or 0) + 1
    cohort = Cohort.objects.create(
        course=course,
        number=number,
        centre=venue if isinstance(venue, Centre) else None,
        service_point=None if isinstance(venue, Centre) else venue,
        trainer=trainer if trainer is not None else (actor if actor is not None else None),
        organiser=organiser,
        capacity=capacity,
        description=description,
    )
    ClassSession.objects.bulk_create(
        [ClassSession(cohort=cohort, starts_at=start, ends_at=end) for start, end in sessions]
    )
    if open_now:
        COHORTS.transition(cohort, "open", by=actor)
    return cohort


@transaction.atomic
def add_session(actor, cohort: Cohort, starts_at, ends_at, note: str = "") -> ClassSession:
    if not may_manage(actor, cohort):
        raise NotAllowed(_("You may not change this class."))
    if cohort.status in (CohortStatus.COMPLETED, CohortStatus.CANCELLED):
        raise Conflict(_("A completed or cancelled class takes no new sessions."))
    _check_times(starts_at, ends_at)
    return ClassSession.objects.create(
        cohort=cohort, starts_at=starts_at, ends_at=ends_at, note=note
    )


def move_cohort(actor, cohort: Cohort, action: str, note: str = "") -> Cohort:
    if action not in {a for moves in COHORT_TRANSITIONS.values() for a in moves}:
        raise Invalid(_("Unknown action."))
    return COHORTS.transition(cohort, action, by=actor, note=note)


# --- learners --------------------------------------------------------------------------------


def registration_limit() -> Limit:
    return Limit("learning.register.client", settings.LEARNING_REGISTRATIONS_PER_CLIENT, 3600)


def checkin_limit() -> Limit:
    return Limit("learning.checkin.client", settings.LEARNING_CHECKINS_PER_CLIENT, 600)


def _key_hash(key: str) -> str:
    return keyed_hash(f"learning.learner:{key}")


def new_private_key() -> str:
    return secrets.token_urlsafe(24)


def learner_by_key(key: str) -> Learner:
    """The learner whose private link carries ``key``; NotFound otherwise (or once erased)."""
    if not key or len(key) > 64:
        raise NotFound(_("This link is not valid (any more)."))
    learner = Learner.objects.filter(token_hash=_key_hash(key), erased_at__isnull=True).first()
    if learner is None:
        raise NotFound(_("This link is not valid (any more)."))
    return learner


def _clean_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if not phone:
        return ""
    try:
        return normalise_phone(phone)
    except PhoneError:
        raise Invalid(
            _("This is not a Thai phone number (e.g. 081 234 5678)."), field="phone"
        ) from None


def _clean_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name or "").split())


@transaction.atomic
def register(
    cohort: Cohort,
    *,
    full_name: str,
    occupation: str,
    age_group: str,
    phone: str = "",
    village=None,
    consented: bool,
    channel: str = EnrolmentChannel.ONLINE,
    actor=None,
    client: str = "",
    learner: Learner | None = None,
    now=None,
) -> tuple[Enrolment, str]:
    """Register a person for ``cohort``: online (``client`` is the rate-limit subject; the
    class must be open) or as a walk-in by its staff (``actor``; open or in progress).

    ``learner`` is the same person's earlier record (remembered on their phone) when there is
    one. Returns the enrolment and the learner's new private-link key (shown once)."""
    now = now or timezone.now()
    if channel == EnrolmentChannel.WALK_IN:
        if actor is None or not may_manage(actor, cohort):
            raise NotAllowed(_("Only the class's staff may register walk-in learners."))
        allowed = (CohortStatus.OPEN, CohortStatus.IN_PROGRESS)
    else:
        if client and not registration_limit().hit(client):
            raise TooMany(_("Too many registrations from here in the last hour; try later."))
        allowed = (CohortStatus.OPEN,)
    if not consented:
        raise Invalid(_("Registration needs your consent to the notice above."), field="consent")
    full_name = _clean_name(full_name)
    if not full_name:
        raise Invalid(_("Give the learner's name."), field="full_name")
    phone = _clean_phone(phone)
    locked = Cohort.objects.select_for_update().get(pk=cohort.pk)
    if locked.status not in allowed:
        raise Conflict(_("This class is not taking registrations."))
    taken = Enrolment.objects.filter(cohort=locked, status=EnrolmentStatus.REGISTERED).count()
    if taken >= locked.capacity:
        raise Conflict(_("This class is full."))
    if (
        phone
        and Enrolment.objects.filter(
            cohort=locked, learner__phone=phone, status=EnrolmentStatus.REGISTERED
        ).exists()
    ):
        raise Conflict(_("Someone with this phone number is already registered."), field="phone")
    if learner is not None and learner.is_erased:
        learner = None
    key = new_private_key()
    wording = consent.text()
    if learner is None:
        learner = Learner(consent_text=wording, consent_version=consent.VERSION)
    learner.full_name = full_name
    learner.phone = phone
    learner.occupation = occupation
    learner.age_group = age_group
    learner.village = village
    if village is None:
        learner.area_code = ""
    learner.consent_text = wording
    learner.consent_version = consent.VERSION
    learner.consented_at = now
    learner.token_hash = _key_hash(key)
    learner.save()
    enrolment = Enrolment.objects.filter(learner=learner, cohort=locked).first()
    if enrolment is not None and enrolment.status == EnrolmentStatus.REGISTERED:
        raise Conflict(_("You are already registered for this class."))
    if enrolment is None:
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    learner=learner, cohort=locked, channel=channel, registered_at=now
                )
        except IntegrityError:
            raise Conflict(_("You are already registered for this class.")) from None
    else:
        enrolment.status = EnrolmentStatus.REGISTERED
        enrolment.channel = channel
        enrolment.registered_at = now
        enrolment.save(update_fields=["status", "channel", "registered_at", "updated"])
    return enrolment, key


@transaction.atomic
def withdraw(learner: Learner, enrolment: Enrolment) -> Enrolment:
    """The learner leaves a class (their attendance so far stays, for the counts)."""
    if enrolment.learner_id != learner.pk:
        raise NotFound(_("No such registration."))
    if enrolment.status == EnrolmentStatus.WITHDRAWN:
        return enrolment
    enrolment.status = EnrolmentStatus.WITHDRAWN
    enrolment.save(update_fields=["status", "updated"])
    return enrolment


def _erase(learners) -> int:
    from pracharat.core import audit

    ids = list(learners.filter(erased_at__isnull=True).values_list("pk", flat=True))
    if not ids:
        return 0
    now = timezone.now()
    Learner.objects.filter(pk__in=ids).update(
        full_name="", phone="", token_hash="", erased_at=now, updated=now
    )
    Enrolment.objects.filter(learner_id__in=ids, status=EnrolmentStatus.REGISTERED).filter(
        cohort__status__in=[CohortStatus.PLANNED, CohortStatus.OPEN]
    ).update(status=EnrolmentStatus.WITHDRAWN, updated=now)
    # A certificate names its holder: it is revoked and the name taken off it.
    from pracharat.learning.certificates import forget_holders

    forget_holders(Certificate.objects.filter(enrolment__learner_id__in=ids), now=now)
    audit.scrub(audit.entries_about(Learner, ids))
    return len(ids)


@transaction.atomic
def erase_learner(learner: Learner) -> int:
    """Erase a learner (their own request, by their private link): name, phone and link go;
    occupation, age group, area and attendance stay, so the counts stay."""
    return _erase(Learner.objects.filter(pk=learner.pk))


def erase_person(*, phone: str = "", email: str = "") -> dict[str, int]:
    """The learning part of erasing one person (``registry.person_eraser``); the count only
    when there was someone to erase (a learner gives no e-mail, so most people have none)."""
    if not phone:
        return {}
    with transaction.atomic():
        erased = _erase(Learner.objects.filter(phone=phone))
    return {"learners erased": erased} if erased else {}


def purge_learners(now) -> dict[str, int]:
    """Retention (``registry.personal_data_purger``): a learner none of whose classes met in
    the last ``LEARNING_LEARNER_RETENTION_DAYS`` is erased (counts stay)."""
    cut = now - dt.timedelta(days=settings.LEARNING_LEARNER_RETENTION_DAYS)
    recent = ClassSession.objects.filter(ends_at__gte=cut).values("cohort_id")
    stale = Learner.objects.filter(erased_at__isnull=True, created__lt=cut).exclude(
        enrolments__cohort_id__in=recent
    )
    with transaction.atomic():
        return {"learners erased": _erase(stale)}


# --- attendance ------------------------------------------------------------------------------


def _now_ts(now=None) -> float:
    return (now or timezone.now()).timestamp()


def codes_for(session: ClassSession, now=None) -> checkin.Codes:
    return checkin.current(session.secret, session.pk, _now_ts(now), settings.LEARNING_CHECKIN_STEP)


def session_for_token(token: str, now=None) -> ClassSession:
    """The session a QR token opens; Invalid when the token is old, forged or unknown."""
    parsed = checkin.parse_token(token)
    session = None
    if parsed is not None:
        session = ClassSession.objects.select_related("cohort__course").filter(pk=parsed[0])
        session = session.first()
    if session is None or not checkin.token_valid(
        session.secret,
        token,
        _now_ts(now),
        settings.LEARNING_CHECKIN_STEP,
        settings.LEARNING_CHECKIN_GRACE,
    ):
        raise Invalid(
            _("This code has expired. Scan the code on the trainer's screen again."),
            field="code",
        )
    return session


def session_for_short_code(code: str, now=None) -> ClassSession:
    """The session taking place now whose short code is ``code``."""
    now = now or timezone.now()
    margin = dt.timedelta(hours=1)
    candidates = ClassSession.objects.select_related("cohort__course").filter(
        starts_at__lte=now + margin,
        ends_at__gte=now - margin,
        cohort__status__in=[CohortStatus.OPEN, CohortStatus.IN_PROGRESS],
    )
    for session in candidates[:500]:
        if checkin.short_code_valid(
            session.secret,
            session.pk,
            code,
            _now_ts(now),
            settings.LEARNING_CHECKIN_STEP,
            settings.LEARNING_CHECKIN_GRACE,
        ):
            return session
    raise Invalid(
        _("This code is not (or no longer) valid. Type the code on the trainer's screen now."),
        field="code",
    )


def identify(cohort: Cohort, who: str, learners: Iterable[Learner] = ()) -> Enrolment:
    """The registered enrolment in ``cohort`` of a remembered learner, or of the person who
    typed ``who`` (their phone number, or their name exactly as registered)."""
    enrolments = Enrolment.objects.select_related("learner").filter(
        cohort=cohort, status=EnrolmentStatus.REGISTERED, learner__erased_at__isnull=True
    )
    remembered = [learner.pk for learner in learners]
    if remembered:
        found = enrolments.filter(learner_id__in=remembered).first()
        if found is not None:
            return found
    who = (who or "").strip()
    if not who:
        raise Invalid(_("Give your phone number or your name as registered."), field="who")
    try:
        phone = normalise_phone(who)
    except PhoneError:
        phone = ""
    if phone:
        matches = list(enrolments.filter(learner__phone=phone)[:2])
    else:
        name = _clean_name(who)
        matches = list(enrolments.filter(learner__full_name__iexact=name)[:2])
    if len(matches) != 1:
        message = (
            _("Several learners have this name; give your phone number.")
            if len(matches) > 1
            else _("No one registered for this class has this phone number or name.")
        )
        raise Invalid(message, field="who")
    return matches[0]


def _late(session: ClassSession, now) -> bool:
    return now > session.starts_at + dt.timedelta(minutes=settings.LEARNING_LATE_AFTER_MINUTES)


@transaction.atomic
def check_in(
    session: ClassSession, enrolment: Enrolment, method: str, now=None
) -> tuple[Attendance, bool]:
    """Record the learner's own check-in (after the code was checked). Returns the attendance
    and whether it is new; a second check-in changes nothing, nor one the trainer marked."""
    now = now or timezone.now()
    if enrolment.cohort_id != session.cohort_id:
        raise Invalid(_("You are not registered for this class."))
    if session.cohort.status not in (CohortStatus.OPEN, CohortStatus.IN_PROGRESS):
        raise Conflict(_("This class is not taking attendance."))
    status = AttendanceStatus.LATE if _late(session, now) else AttendanceStatus.PRESENT
    attendance, created = Attendance.objects.get_or_create(
        enrolment=enrolment,
        session=session,
        defaults={"status": status, "method": method, "recorded_at": now},
    )
    if (
        not created
        and attendance.status not in ATTENDED
        and (attendance.method != AttendanceMethod.TRAINER)
    ):
        attendance.status, attendance.method, attendance.recorded_at = status, method, now
        attendance.save()
    return attendance, created


@transaction.atomic
def mark_attendance(
    actor, session: ClassSession, marks: Mapping[int, str], now=None
) -> dict[str, int]:
    """The trainer's sheet: ``{enrolment id: status}`` for the session, one form for all. A
    mark overrides a self check-in (the trainer sees who is in the room)."""
    if not may_manage(actor, session.cohort):
        raise NotAllowed(_("You may not take attendance for this class."))
    now = now or timezone.now()
    valid = set(AttendanceStatus.values)
    enrolments = set(
        Enrolment.objects.filter(cohort_id=session.cohort_id, pk__in=list(marks)).values_list(
            "pk", flat=True
        )
    )
    existing = {a.enrolment_id: a for a in Attendance.objects.filter(session=session)}
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for enrolment_id, status in marks.items():
        if status not in valid:
            raise Invalid(_("Unknown attendance status."))
        if enrolment_id not in enrolments:
            raise Invalid(_("This learner is not in this class."))
        current = existing.get(enrolment_id)
        if current is None:
            Attendance.objects.create(
                enrolment_id=enrolment_id,
                session=session,
                status=status,
                method=AttendanceMethod.TRAINER,
                recorded_at=now,
                recorded_by=actor,
            )
            counts["created"] += 1
        elif current.status != status:
            current.status, current.method = status, AttendanceMethod.TRAINER
            current.recorded_at, current.recorded_by = now, actor
            current.save()
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
    return counts


# --- venue bookings ----------------------------------------------------------------------------


def _record_booking(step: Step) -> None:
    BookingChange.objects.create(
        event=step.obj,
        at=step.at,
        actor=step.by,
        from_status=step.from_status,
        to_status=step.to_status,
        note=step.note,
    )


def _may_decide(user, event: VenueEvent) -> bool:
    return may_decide_booking(user, event.venue)


BOOKINGS = Machine(
    model=VenueEvent,
    table=BOOKING_TRANSITIONS,
    record=_record_booking,
    rights={"confirm": _may_decide, "decline": _may_decide, "cancel": _may_decide},
    forbidden=_("Only the venue's staff or the province's officers decide bookings."),
)


@transaction.atomic
def request_booking(
    actor,
    *,
    venue,
    title: str,
    kind: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    weekly: bool = False,
    repeat_until: dt.date | None = None,
    organiser=None,
    organiser_name: str = "",
    note: str = "",
) -> VenueEvent:
    """A request to use ``venue``; confirmed at once when the actor may decide (the venue's
    own calendar), else the venue's deciders are told."""
    if actor is not None and not may_request_booking(actor):
        raise NotAllowed(_("Only agency officers, trainers and officers may book a venue."))
    title = (title or "").strip()
    if not title:
        raise Invalid(_("Give the activity a title."), field="title")
    _check_times(starts_at, ends_at)
    if weekly and repeat_until is not None and repeat_until < starts_at.date():
        raise Invalid(_("The last week is after the first."), field="repeat_until")
    if organiser is None and actor is not None:
        from pracharat.accounts.models import Agency
        from pracharat.accounts.scoping import agency_ids_for

        ids = agency_ids_for(actor)
        organiser = Agency.objects.filter(pk__in=ids).first() if ids else None
    event = VenueEvent.objects.create(
        centre=venue if isinstance(venue, Centre) else None,
        service_point=None if isinstance(venue, Centre) else venue,
        title=title,
        kind=kind,
        organiser=organiser,
        organiser_name=organiser_name,
        starts_at=starts_at,
        ends_at=ends_at,
        weekly=weekly,
        repeat_until=repeat_until if weekly else None,
        requested_by=actor,
        note=note,
    )
    if may_decide_booking(actor, venue):
        BOOKINGS.transition(event, "confirm", by=actor, note=_("Booked by the venue."))
    else:
        from pracharat.learning import notifications

        notifications.booking_requested(event)
    return event


def decide_booking(actor, event: VenueEvent, action: str, note: str = "") -> VenueEvent:
    if action not in ("confirm", "decline", "cancel"):
        raise Invalid(_("Unknown action."))
    with transaction.atomic():
        BOOKINGS.transition(event, action, by=actor, note=note)
        from pracharat.learning import notifications

        notifications.booking_decided(event)
    return event


def decidable_bookings(user):
    """Requests ``user`` may confirm or decline (the staff's inbox)."""
    codes = officer_area_codes(user)
    pending = VenueEvent.objects.filter(status="requested")
    if codes is None:
        return pending
    query = Q(centre__host_id__in=staff_agency_ids(user))
    for code in codes or []:
        query |= Q(area_code__in_area=code)
    return pending.filter(query)
