"""User-initiated writes of the network pillar: public fault reports and officers' incident work.

Each function is one transaction, called alike by the views and the API. Incident changes
leave an ``IncidentEvent`` (the visible history) and an auditlog entry (the Incident model is
registered in apps.py; the actor comes from auditlog's middleware on web requests).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.accounts.models import Role
from pracharat.accounts.scoping import agency_ids_for, area_codes_for, has_role
from pracharat.core.errors import Conflict, Invalid, NotAllowed, TooMany
from pracharat.core.lib.images import Picture
from pracharat.core.limits import Limit
from pracharat.core.privacy import client_hash
from pracharat.core.transitions import Machine, Step
from pracharat.network import notifications
from pracharat.network.models import (
    INCIDENT_TRANSITIONS,
    FaultReport,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentFollower,
    IncidentSource,
    ServicePoint,
)
from pracharat.network.querysets import village_volunteer_codes


class PointOutOfService(Conflict):
    """A decommissioned point takes no reports (its page says where to go instead)."""

    default_message = _("This service point is no longer in service; no reports are taken.")


class RateLimited(TooMany):
    """Too many reports from this client (or to this point) in the last hour."""

    default_message = _("Too many reports in the last hour. Thank you; please try again later.")


def report_limits(point: ServicePoint, ip_hash: str) -> list[tuple[Limit, str]]:
    """The hourly limits a public report counts against, with its subject under each: one
    client about one point, one client in all, and one point from everyone (a flood from many
    addresses still stops somewhere). Read from settings at each call."""
    hour = 3600
    return [
        (Limit("network.report.point_client", settings.NETWORK_REPORTS_PER_POINT_PER_CLIENT, hour),
         f"{point.pk}:{ip_hash}"),
        (Limit("network.report.client", settings.NETWORK_REPORTS_PER_CLIENT, hour), ip_hash),
        (Limit("network.report.point", settings.NETWORK_REPORTS_PER_POINT, hour), str(point.pk)),
    ]  # fmt: skip


def report_sla() -> dt.timedelta:
    """Time the provider has to fix a point after a report (the outage detector has its own)."""
    return dt.timedelta(hours=settings.NETWORK_REPORT_SLA_HOURS)


@dataclass
class ReportInput:
    problem: str
    description: str = ""
    contact: str = ""
    #: Already decoded and re-encoded by ``core.lib.images`` (the form does it, after the
    #: view has checked the rate limit), so nothing is decoded inside the transaction.
    photo: Picture | None = None


def check_report_rate(point: ServicePoint, ip_hash: str, now: dt.datetime | None = None) -> None:
    """Raise :class:`RateLimited` when a new report would go over a limit. Reads only: the
    public page asks before it lets the form decode a photo; :func:`take_report_slot` counts."""
    if any(
        limit.used(subject) >= limit.attempts for limit, subject in report_limits(point, ip_hash)
    ):
        raise RateLimited


def take_report_slot(point: ServicePoint, ip_hash: str) -> None:
    """Count one report against every limit, atomically across workers (``core.limits``), or
    raise :class:`RateLimited` with the counts given back, so refused attempts cost no one."""
    taken = []
    for limit, subject in report_limits(point, ip_hash):
        taken.append((limit, subject))
        if not limit.hit(subject):
            for each, who in taken:
                each.refund(who)
            raise RateLimited


def open_incident(
    point: ServicePoint,
    *,
    source: str,
    summary: str,
    note: str,
    sla: dt.timedelta,
    now,
    actor=None,
) -> tuple[Incident, bool]:
    """The point's unresolved incident, or a new one assigned to its provider agency with an
    SLA clock; ``(incident, opened)``. Used by public reports and by the outage monitor
    (``health.mark_down``); call it inside a transaction. The point row is locked first so
    two callers at once cannot both open one (a unique constraint backs this up)."""
    ServicePoint.objects.select_for_update().filter(pk=point.pk).first()
    existing = Incident.objects.unresolved().filter(service_point=point).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            incident = Incident.objects.create(
                service_point=point,
                area_code=point.area_code,
                agency=point.provider,
                source=source,
                summary=summary[:200],
                opened_at=now,
                sla_due=now + sla,
            )
    except IntegrityError:  # another writer opened one a moment ago
        return Incident.objects.unresolved().get(service_point=point), False
    IncidentEvent.objects.create(
        incident=incident,
        at=now,
        kind=IncidentEventKind.OPENED,
        actor=actor,
        note=note,
        to_status=incident.status,
    )
    follow_by_village_volunteers(incident)
    notifications.incident_opened(incident)  # the agency and the volunteers, after commit
    return incident, True


def open_or_join_incident(
    point: ServicePoint, *, note: str, now, **fields
) -> tuple[Incident, bool]:
    """:func:`open_incident`; when the point already had one, ``note`` is added to it instead
    (the monitors: ``health.mark_down`` and ``alerts``)."""
    incident, opened = open_incident(point, note=note, now=now, **fields)
    if not opened:
        IncidentEvent.objects.create(
            incident=incident, at=now, kind=IncidentEventKind.NOTE, note=note
        )
    return incident, opened


def follow_by_village_volunteers(incident: Incident) -> int:
    """The volunteers of the incident's village follow it from its opening, so they hear of
    every status change without having to find it first (they may stop following)."""
    users = list(notifications.village_volunteers(incident).values_list("pk", flat=True))
    IncidentFollower.objects.bulk_create(
        [IncidentFollower(incident=incident, user_id=pk) for pk in users], ignore_conflicts=True
    )
    return len(users)


@transaction.atomic
def submit_fault_report(
    point: ServicePoint, data: ReportInput, *, ip_address: str | None, now=None
) -> FaultReport:
    """Record a public report and join it to the point's open incident, opening one for the
    provider agency when there is none. Raises :class:`RateLimited` before writing anything.
    The public page checks the limit once more before it lets the form decode a photo."""
    now = now or timezone.now()
    if not point.is_in_service:
        raise PointOutOfService
    ip_hash = client_hash(ip_address)
    take_report_slot(point, ip_hash)
    report = FaultReport(
        service_point=point,
        area_code=point.area_code,
        created=now,
        problem=data.problem,
        description=data.description,
        contact=data.contact,
        ip_hash=ip_hash,
    )
    if data.photo:
        report.photo.save("photo.jpg", ContentFile(data.photo.jpeg), save=False)
    try:
        _file_report(point, report, data, now)
    except Exception:
        if report.photo:  # the rows roll back; the file must not stay behind
            report.photo.delete(save=False)
        raise
    return report


def _file_report(point: ServicePoint, report: FaultReport, data: ReportInput, now) -> None:
    problem_label = report.get_problem_display()
    incident, opened = open_incident(
        point,
        source=IncidentSource.REPORT,
        summary=str(problem_label),
        note=str(problem_label),
        sla=report_sla(),
        now=now,
    )
    report.incident = incident
    report.save()
    if not opened:
        IncidentEvent.objects.create(
            incident=incident,
            at=now,
            kind=IncidentEventKind.REPORTED,
            note=f"{problem_label}: {data.description}"[:2000],
        )


def report_by_reference(text: str) -> FaultReport | None:
    """The report a person follows by its reference (typed however: ``abcd efgh``)."""
    from pracharat.network.models import normal_reference

    reference = normal_reference(text)
    if not reference:
        return None
    return (
        FaultReport.objects.select_related(
            "incident__agency", "service_point__village__subdistrict__district__province"
        )
        .filter(reference=reference)
        .first()
    )


# --- Officers ----------------------------------------------------------------------------------


def can_view_incident(user, incident: Incident) -> bool:
    return Incident.objects.visible_to(user).filter(pk=incident.pk).exists()


def can_work_on(user, incident: Incident) -> bool:
    """Acknowledge and resolve: officers of the assigned agency, operators of the area, and
    superusers. Provincial officers and inspectors follow incidents and may add notes."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    officer_of = agency_ids_for(user, {Role.AGENCY_OFFICER, Role.OPERATOR})
    if incident.agency_id and incident.agency_id in officer_of:
        return True
    if has_role(user, Role.OPERATOR):
        codes = area_codes_for(user, roles={Role.OPERATOR})
        return codes is None or any(incident.area_code.startswith(c) for c in codes)
    return False


def is_village_volunteer(user, incident: Incident) -> bool:
    """``user`` is the volunteer of the incident's village (``Role.VOLUNTEER`` there)."""
    return incident.area_code in village_volunteer_codes(user)


def can_note(user, incident: Incident) -> bool:
    """Those who work on it, the officers who follow it, and the village's volunteer (who is
    there and can say what they see)."""
    return (
        can_work_on(user, incident)
        or (
            has_role(user, Role.PROVINCIAL_OFFICER, Role.INSPECTOR, Role.AGENCY_OFFICER)
            and can_view_incident(user, incident)
        )
        or is_village_volunteer(user, incident)
    )


def sees_reporters_photos(user, incident: Incident) -> bool:
    """The public's photos on the incident page: network work only, not a village's volunteer
    (``FaultReport.objects.seen_by``)."""
    return Incident.objects.worked_on_by(user).filter(pk=incident.pk).exists()


def is_following(user, incident: Incident) -> bool:
    return user.is_authenticated and incident.followers.filter(user=user).exists()


@transaction.atomic
def follow_incident(incident: Incident, user) -> IncidentFollower:
    """Hear of the incident's status changes; anyone who sees the incident may."""
    if not user.is_authenticated or not can_view_incident(user, incident):
        raise NotAllowed(_("You may not follow this incident."))
    follower, _created = IncidentFollower.objects.get_or_create(incident=incident, user=user)
    return follower


@transaction.atomic
def unfollow_incident(incident: Incident, user) -> None:
    if user.is_authenticated:
        IncidentFollower.objects.filter(incident=incident, user=user).delete()


#: What a move writes in the incident's history.
INCIDENT_EVENT_KINDS = {
    "acknowledge": IncidentEventKind.ACKNOWLEDGED,
    "resolve": IncidentEventKind.RESOLVED,
}
INCIDENT_REFUSALS = {
    "acknowledge": _("Only an open incident can be acknowledged."),
    "resolve": _("This incident is already resolved."),
}


def _record(step: Step) -> None:
    event = IncidentEvent.objects.create(
        incident=step.obj,
        at=step.at,
        kind=INCIDENT_EVENT_KINDS[step.action],
        actor=step.by,
        note=step.note,
        from_status=step.from_status,
        to_status=step.to_status,
    )
    notifications.incident_moved(step.obj, event)  # its followers, after commit


#: Incidents move only through this machine (``core.transitions``); ``by=None`` is the
#: platform (the outage monitor resolving an outage when traffic returns).
INCIDENTS = Machine(
    model=Incident,
    table=INCIDENT_TRANSITIONS,
    record=_record,
    rights={"acknowledge": can_work_on, "resolve": can_work_on},
    refusal=lambda incident, action: Conflict(INCIDENT_REFUSALS[action]),
    forbidden=_("You may not update this incident."),
)


@transaction.atomic
def acknowledge_incident(incident: Incident, user, note: str = "", now=None) -> Incident:
    now = now or timezone.now()
    return INCIDENTS.transition(
        incident, "acknowledge", by=user, note=note, at=now, acknowledged_at=now
    )


@transaction.atomic
def add_incident_note(incident: Incident, user, note: str, now=None) -> IncidentEvent:
    if not can_note(user, incident):
        raise NotAllowed(_("You may not update this incident."))
    note = (note or "").strip()
    if not note:
        raise Invalid(_("Write a note."), field="note")
    return IncidentEvent.objects.create(
        incident=incident,
        at=now or timezone.now(),
        kind=IncidentEventKind.NOTE,
        actor=user,
        note=note,
    )


@transaction.atomic
def resolve_incident(incident: Incident, user, resolution: str, now=None) -> Incident:
    INCIDENTS.check_right(user, incident, "resolve")
    resolution = (resolution or "").strip()
    if not resolution:
        raise Invalid(_("Say what was done to fix it."), field="resolution")
    now = now or timezone.now()
    return INCIDENTS.transition(
        incident,
        "resolve",
        by=user,
        note=resolution,
        at=now,
        resolved_at=now,
        acknowledged_at=incident.acknowledged_at or now,
        resolution=resolution,
    )


def resolve_outage(incident: Incident, note: str, now) -> Incident:
    """The platform resolves an outage incident when the point talks again (``health``)."""
    return INCIDENTS.transition(
        incident, "resolve", note=note, at=now, resolved_at=now, resolution=note
    )


# --- Personal data: retention and erasure (docs/privacy.md) -------------------------------------


def _clear_reports(reports, *, everything: bool) -> int:
    """Remove the reporter from ``reports``: the contact and the photo (its file once the
    transaction commits); with ``everything`` (an erasure) also what they wrote and the
    address hash. The report itself -- point, problem, time, incident -- stays."""
    rows = list(reports)
    for report in rows:
        if report.photo:
            transaction.on_commit(partial(report.photo.delete, save=False))
        if everything and report.description and report.incident_id:
            # The incident's history quotes what a later report said (submit_fault_report).
            IncidentEvent.objects.filter(
                incident_id=report.incident_id,
                kind=IncidentEventKind.REPORTED,
                note__contains=report.description,
            ).update(note=str(report.get_problem_display()))
    cleared = {"contact": "", "photo": ""}
    if everything:
        cleared.update(description="", ip_hash="")
    for start in range(0, len(rows), 500):
        FaultReport.objects.filter(pk__in=[r.pk for r in rows[start : start + 500]]).update(
            **cleared
        )
    return len(rows)


def purge_fault_reports(now) -> dict[str, int]:
    """Retention: a report's contact and photo go ``PRIVACY_REPORT_CONTACT_DAYS`` after its
    incident was resolved (the call-back is done); the address hash, which only serves the
    hourly rate limit, after ``PRIVACY_REPORT_IP_HASH_DAYS``."""
    contact_cut = now - dt.timedelta(days=settings.PRIVACY_REPORT_CONTACT_DAYS)
    done = FaultReport.objects.filter(
        Q(incident__resolved_at__lt=contact_cut) | Q(incident__isnull=True, created__lt=contact_cut)
    ).filter(~Q(contact="") | ~Q(photo=""))
    contacts = _clear_reports(done.only("pk", "photo"), everything=False)
    ip_cut = now - dt.timedelta(days=settings.PRIVACY_REPORT_IP_HASH_DAYS)
    hashes = FaultReport.objects.filter(created__lt=ip_cut).exclude(ip_hash="").update(ip_hash="")
    return {
        "fault report contacts removed": contacts,
        "fault report address hashes removed": hashes,
    }


def _digits(text: str) -> str:
    """The digits of ``text`` in any script (๐๘๑ is 081), "+66" read as a leading 0."""
    digits = "".join(
        str(unicodedata.decimal(ch)) for ch in text if unicodedata.decimal(ch, None) is not None
    )
    return "0" + digits[2:] if digits.startswith("66") else digits


def _mentions(report: FaultReport, phone: str, email: str) -> bool:
    for text in (report.contact, report.description):
        if phone and phone in _digits(text):
            return True
        if email and email in text.lower():
            return True
    return False


def erase_reporter(*, phone: str = "", email: str = "") -> dict[str, int]:
    """Erase one reporter (a normalised phone and/or a lower-case e-mail) from every report
    whose contact or text gives it, however it was typed."""
    from pracharat.core import audit

    candidates = (
        FaultReport.objects.exclude(contact="", description="")
        .only("pk", "contact", "description", "photo", "problem", "incident_id")
        .iterator(chunk_size=2000)
    )
    matched = [r for r in candidates if _mentions(r, phone, email)]
    audit.scrub(audit.entries_about(FaultReport, [r.pk for r in matched]))
    return {"fault reports": _clear_reports(matched, everything=True)}


def erase_report_contacts(reports) -> int:
    """Erase the reporters of ``reports`` (the admin's action, for a contact that is neither
    a phone nor an e-mail, such as a LINE ID)."""
    from pracharat.core import audit

    rows = list(reports.only("pk", "contact", "description", "photo", "problem", "incident_id"))
    audit.scrub(audit.entries_about(FaultReport, [r.pk for r in rows]))
    return _clear_reports(rows, everything=True)
