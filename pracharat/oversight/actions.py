"""Oversight's writes: the workspace (meetings, decisions, announcements), inspection plans and
visits, findings with photos and figures, and follow-up actions with their updates and evidence.

Each function takes the acting user (``actor``; ``None`` is the platform: the demo, a
command) and checks the right here; views and the API scope their reads and call these.
Statuses move only through the machines below (``core.transitions``): ``ACTIONS`` writes an
``ActionEvent`` per move, ``VISITS`` keeps a draft until it is submitted. Everything assigned
to an agency notifies it (``oversight.notifications``) inside the transaction, so a rolled-back
write notifies nobody. Who may do what is in docs/oversight.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from pracharat.accounts.models import Agency, Role
from pracharat.accounts.scoping import agency_ids_for, area_codes_for, has_role
from pracharat.core.errors import Conflict, Invalid, NotAllowed
from pracharat.core.lib import images
from pracharat.core.numbers import Period, area_numbers
from pracharat.core.transitions import Machine, Step
from pracharat.oversight import notifications
from pracharat.oversight.lib import exif
from pracharat.oversight.models import (
    ACTION_TRANSITIONS,
    VISIT_TRANSITIONS,
    ActionEvent,
    ActionEventKind,
    ActionEvidence,
    ActionUpdate,
    Announcement,
    Finding,
    FindingPhoto,
    FollowUpAction,
    InspectionPlan,
    Meeting,
    MeetingAttendee,
    PlaceKind,
    Visit,
    VisitAgency,
    VisitPlace,
)

PHOTO_MAX_SIDE = 1600
PHOTO_MAX_BYTES = 10 * 1024 * 1024
#: Days of figures a finding keeps: the month before the visit's first day.
FIGURE_DAYS = 30


# --- Rights -------------------------------------------------------------------------------------


def _covers(codes, area_code: str) -> bool:
    """``codes`` (None: everything) hold ``area_code``."""
    return codes is None or any(area_code.startswith(code) for code in codes)


def is_inspector_for(user, area_code: str) -> bool:
    """An inspector whose membership covers the area (superusers count as inspectors)."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return has_role(user, Role.INSPECTOR) and _covers(
        area_codes_for(user, roles={Role.INSPECTOR}), area_code
    )


def is_provincial_officer_for(user, area_code: str) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return has_role(user, Role.PROVINCIAL_OFFICER) and _covers(
        area_codes_for(user, roles={Role.PROVINCIAL_OFFICER}), area_code
    )


def can_run_workspace(user, area_code: str) -> bool:
    """Meetings, their decisions and announcements of a province: its provincial officers
    (the MDES provincial office keeps the agencies' channel) and the inspectors of the area."""
    return is_inspector_for(user, area_code) or is_provincial_officer_for(user, area_code)


def can_inspect(user, area_code: str) -> bool:
    """Plans, visits, places and findings: inspectors only."""
    return is_inspector_for(user, area_code)


def can_edit_visit(user, visit: Visit) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if is_inspector_for(user, visit.area_code):
        return True
    return has_role(user, Role.INSPECTOR) and (
        visit.created_by_id == user.pk or visit.inspectors.filter(pk=user.pk).exists()
    )


def can_assign(user, area_code: str) -> bool:
    """Create follow-up actions: the inspectors and provincial officers of the area."""
    return can_run_workspace(user, area_code)


def is_owner_officer(user, action: FollowUpAction) -> bool:
    """An officer of the agency that owns the action (superusers too)."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or action.owner_id in agency_ids_for(user, {Role.AGENCY_OFFICER})


def can_verify(user, action: FollowUpAction) -> bool:
    return is_inspector_for(user, action.area_code)


# --- The agencies' workspace --------------------------------------------------------------------


@dataclass
class MeetingInput:
    area_code: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime | None = None
    place: str = ""
    online_url: str = ""
    agenda: str = ""
    minutes: str = ""
    visit: Visit | None = None
    #: ``[(agency, representatives)]``; None leaves the attendees as they are.
    attendees: list[tuple[Agency, str]] | None = None


def _check_meeting(data: MeetingInput) -> None:
    if not data.title.strip():
        raise Invalid(_("Give the meeting a title."), field="title")
    if data.ends_at and data.ends_at < data.starts_at:
        raise Invalid(_("A meeting cannot end before it starts."), field="ends_at")
    if not data.place.strip() and not data.online_url.strip():
        raise Invalid(_("Give a place or an online meeting link."), field="place")


@transaction.atomic
def save_meeting(actor, data: MeetingInput, meeting: Meeting | None = None) -> Meeting:
    """Create or edit a meeting; agencies newly invited hear of it."""
    area = meeting.area_code if meeting else data.area_code
    if actor is not None and not can_run_workspace(actor, area):
        raise NotAllowed(_("You may not organise meetings in this province."))
    _check_meeting(data)
    meeting = meeting or Meeting(area_code=data.area_code, created_by=actor)
    for name in ("title", "starts_at", "ends_at", "place", "online_url", "agenda", "minutes"):
        setattr(meeting, name, getattr(data, name))
    meeting.visit = data.visit
    meeting.save()
    if data.attendees is not None:
        set_attendees(meeting, data.attendees)
    return meeting


def set_attendees(meeting: Meeting, attendees: Iterable[tuple[Agency, str]]) -> list[Agency]:
    """The meeting's agencies become ``attendees``; returns (and notifies) the new ones."""
    wanted = {agency.pk: (agency, reps.strip()) for agency, reps in attendees}
    current = {a.agency_id: a for a in meeting.attendees.all()}
    meeting.attendees.exclude(agency_id__in=wanted).delete()
    invited = []
    for pk, (agency, reps) in wanted.items():
        row = current.get(pk)
        if row is None:
            MeetingAttendee.objects.create(meeting=meeting, agency=agency, representatives=reps)
            invited.append(agency)
        elif row.representatives != reps:
            row.representatives = reps
            row.save(update_fields=["representatives"])
    if invited:
        notifications.meeting_invited(meeting, invited)
    return invited


@dataclass
class ActionInput:
    title: str
    owner: Agency
    due_date: dt.date
    detail: str = ""


def _check_action(data: ActionInput, prefix: str = "") -> None:
    if not data.title.strip():
        raise Invalid(_("Say what is to be done."), field=f"{prefix}title")
    if data.owner is None:
        raise Invalid(_("Choose the agency that owns it."), field=f"{prefix}owner")
    if data.due_date is None:
        raise Invalid(_("Give a due date."), field=f"{prefix}due_date")


def _new_action(actor, data: ActionInput, *, area_code: str, **links) -> FollowUpAction:
    action = FollowUpAction.objects.create(
        area_code=area_code,
        title=data.title.strip(),
        detail=data.detail.strip(),
        owner=data.owner,
        due_date=data.due_date,
        created_by=actor,
        **links,
    )
    ActionEvent.objects.create(
        action=action, kind=ActionEventKind.CREATED, actor=actor, to_status=action.status
    )
    notifications.action_assigned(action)
    return action


@transaction.atomic
def record_decisions(actor, meeting: Meeting, decisions: list[ActionInput]) -> list:
    """A meeting's decisions become follow-up actions, each owned by an agency, in one step
    (all or none); each owner hears of its own."""
    if actor is not None and not can_assign(actor, meeting.area_code):
        raise NotAllowed(_("You may not assign actions in this province."))
    if not decisions:
        raise Invalid(_("Write at least one decision."), field="title")
    for number, data in enumerate(decisions):
        _check_action(data, prefix=f"{number}-")
    return [
        _new_action(actor, data, area_code=meeting.area_code, meeting=meeting, visit=meeting.visit)
        for data in decisions
    ]


@transaction.atomic
def post_announcement(
    actor, *, area_code: str, title: str, body: str, pinned: bool = False, published_at=None
) -> Announcement:
    """An announcement to the agencies of a province; each agency located there hears of it."""
    if actor is not None and not can_run_workspace(actor, area_code):
        raise NotAllowed(_("You may not post announcements in this province."))
    if not title.strip():
        raise Invalid(_("Give the announcement a title."), field="title")
    if not body.strip():
        raise Invalid(_("Write the announcement."), field="body")
    item = Announcement.objects.create(
        area_code=area_code,
        title=title.strip(),
        body=body.strip(),
        pinned=pinned,
        author=actor,
        published_at=published_at or timezone.now(),
    )
    notifications.announcement_posted(item)
    return item


# --- Inspections --------------------------------------------------------------------------------


@transaction.atomic
def save_plan(
    actor,
    *,
    fiscal_year: int,
    area_code: str,
    planned_start: dt.date,
    planned_end: dt.date,
    inspectors=(),
    note: str = "",
    round: int = 1,
    plan: InspectionPlan | None = None,
) -> InspectionPlan:
    if actor is not None and not can_inspect(actor, area_code):
        raise NotAllowed(_("Only inspectors plan inspections."))
    if planned_end < planned_start:
        raise Invalid(_("The plan cannot end before it starts."), field="planned_end")
    from pracharat.core.lib.thaidate import fiscal_year as fy

    period = fy(fiscal_year)
    if not (period.start <= planned_start <= period.end):
        raise Invalid(
            _("The planned start is not in fiscal year %(year)s.") % {"year": fiscal_year},
            field="planned_start",
        )
    duplicate = InspectionPlan.objects.filter(
        fiscal_year=fiscal_year, area_code=area_code, round=round
    )
    if plan is not None:
        duplicate = duplicate.exclude(pk=plan.pk)
    if duplicate.exists():
        raise Conflict(
            _("This province already has a plan for that round of the year."), field="round"
        )
    plan = plan or InspectionPlan(created_by=actor)
    plan.fiscal_year, plan.area_code, plan.round = fiscal_year, area_code, round
    plan.planned_start, plan.planned_end, plan.note = planned_start, planned_end, note
    plan.save()
    plan.inspectors.set(inspectors)
    return plan


@dataclass
class PlaceInput:
    kind: str
    service_point: object = None
    centre: object = None
    agency: Agency | None = None
    producer_group: object = None
    name: str = ""
    visited_on: dt.date | None = None
    note: str = ""


@dataclass
class VisitInput:
    area_code: str
    start_date: dt.date
    end_date: dt.date
    title: str = ""
    summary: str = ""
    plan: InspectionPlan | None = None
    inspectors: list = field(default_factory=list)
    #: ``[(agency, representatives)]``; None leaves them as they are.
    agencies: list[tuple[Agency, str]] | None = None


def _check_visit(data: VisitInput) -> None:
    if data.end_date < data.start_date:
        raise Invalid(_("A visit cannot end before it starts."), field="end_date")
    if data.plan is not None and data.plan.area_code != data.area_code:
        raise Invalid(_("The plan is for another province."), field="plan")


@transaction.atomic
def save_visit(actor, data: VisitInput, visit: Visit | None = None) -> Visit:
    """Create a visit (a draft) or save an edit of it. A draft is saved as often as the
    inspector likes; a submitted visit may still be corrected by its inspectors."""
    if visit is None:
        if actor is not None and not can_inspect(actor, data.area_code):
            raise NotAllowed(_("Only inspectors record visits."))
        visit = Visit(created_by=actor)
    elif actor is not None and not can_edit_visit(actor, visit):
        raise NotAllowed(_("You may not edit this visit."))
    elif data.area_code != visit.area_code and not can_inspect(actor, data.area_code):
        raise NotAllowed(_("Only inspectors record visits."))
    _check_visit(data)
    visit.area_code, visit.start_date, visit.end_date = (
        data.area_code,
        data.start_date,
        data.end_date,
    )
    visit.title, visit.summary, visit.plan = data.title.strip(), data.summary, data.plan
    visit.save()
    if data.inspectors:
        visit.inspectors.set(data.inspectors)
    elif actor is not None and not visit.inspectors.exists():
        visit.inspectors.add(actor)
    if data.agencies is not None:
        wanted = {agency.pk: reps.strip() for agency, reps in data.agencies}
        visit.agencies_met.exclude(agency_id__in=wanted).delete()
        current = {row.agency_id: row for row in visit.agencies_met.all()}
        for pk, reps in wanted.items():
            row = current.get(pk)
            if row is None:
                VisitAgency.objects.create(visit=visit, agency_id=pk, representatives=reps)
            elif row.representatives != reps:
                row.representatives = reps
                row.save(update_fields=["representatives"])
    return visit


def _record_visit(step: Step) -> None:
    """A visit's moves are kept by the audit log (``Visit`` is registered in apps.py)."""


VISITS = Machine(
    model=Visit,
    table=VISIT_TRANSITIONS,
    record=_record_visit,
    rights={"submit": can_edit_visit, "reopen": can_edit_visit},
    forbidden=_("You may not change this visit."),
)


def submit_visit(actor, visit: Visit) -> Visit:
    return VISITS.transition(visit, "submit", by=actor, submitted_at=timezone.now())


def reopen_visit(actor, visit: Visit) -> Visit:
    return VISITS.transition(visit, "reopen", by=actor, submitted_at=None)


def _place_area(data: PlaceInput, visit: Visit) -> str:
    for record in (data.service_point, data.centre, data.producer_group):
        code = getattr(record, "area_code", "")
        if code:
            return code
    if data.agency is not None and data.agency.area_code:
        return data.agency.area_code
    return visit.area_code


PLACE_LINKS = {
    PlaceKind.SERVICE_POINT: "service_point",
    PlaceKind.CENTRE: "centre",
    PlaceKind.AGENCY_OFFICE: "agency",
    PlaceKind.PRODUCER_GROUP: "producer_group",
}


@transaction.atomic
def add_place(actor, visit: Visit, data: PlaceInput) -> VisitPlace:
    """A place visited, linked to its record (the kind says which) or named."""
    if actor is not None and not can_edit_visit(actor, visit):
        raise NotAllowed(_("You may not edit this visit."))
    link = PLACE_LINKS.get(data.kind)
    if link and getattr(data, link) is None:
        raise Invalid(_("Choose the place's record, or the kind “other place”."), field=link)
    if not link and not data.name.strip():
        raise Invalid(_("Name the place."), field="name")
    if data.visited_on and not (visit.start_date <= data.visited_on <= visit.end_date):
        raise Invalid(_("The day is not within the visit."), field="visited_on")
    place = VisitPlace(
        visit=visit,
        kind=data.kind,
        name=data.name.strip(),
        area_code=_place_area(data, visit),
        visited_on=data.visited_on,
        note=data.note,
    )
    if link and link != "centre":
        setattr(place, link, getattr(data, link))
    elif link == "centre":
        place.centre = data.centre
    place.save()
    return place


# --- Findings -----------------------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    return value


def figures_for(place: VisitPlace | None, visit: Visit, today: dt.date | None = None) -> dict:
    """The place's figures now (the read contract of every pillar for its area over the month
    before the visit), plus a service point's live state, as JSON for ``Finding.figures``."""
    code = place.area_code if place is not None and place.area_code else visit.area_code
    end = min(visit.start_date, today or timezone.localdate())
    period = Period(end - dt.timedelta(days=FIGURE_DAYS - 1), end)
    numbers = area_numbers(code, period)
    result = {
        "area_code": code,
        "period": {"start": period.start.isoformat(), "end": period.end.isoformat()},
        "taken_at": timezone.now().isoformat(),
        "numbers": {
            pillar: [
                {"key": n.key, "label": str(n.label), "value": _json_value(n.value), "unit": n.unit}
                for n in values
            ]
            for pillar, values in numbers.items()
        },
    }
    point = getattr(place, "service_point", None) if place is not None else None
    if point is not None:
        result["service_point"] = {
            "code": point.code,
            "status": point.status,
            "online_users": point.online_users,
            "last_seen": point.last_seen.isoformat() if point.last_seen else None,
        }
    return result


@dataclass
class PhotoInput:
    """An uploaded photo's bytes (read once, size-checked) and its caption."""

    data: bytes
    caption: str = ""
    public: bool = False


@dataclass
class FindingInput:
    category: str
    problem: str
    severity: str = "medium"
    recommendation: str = ""
    place: VisitPlace | None = None
    photos: list[PhotoInput] = field(default_factory=list)
    #: An action to open with the finding (the owner agency hears of it).
    action: ActionInput | None = None


def prepare_photo(data: bytes, caption: str = "", public: bool = False):
    """Read the time and place from the EXIF, then re-encode the picture without any metadata
    (``core.lib.images``): ``(Picture, exif.Taken)``. Raises ``images.ImageError``."""
    raw = images.read_upload(data, PHOTO_MAX_BYTES)
    images.read_header(raw)  # format and size first: EXIF is read only from a real picture
    taken = exif.read(raw)
    picture = images.load(raw, max_side=PHOTO_MAX_SIDE, max_bytes=PHOTO_MAX_BYTES)
    return picture, taken


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    if timezone.is_naive(value):
        return timezone.make_aware(value, timezone.get_default_timezone())
    return value


def _store_photo(actor, finding: Finding, photo: PhotoInput) -> FindingPhoto:
    try:
        picture, taken = prepare_photo(photo.data)
    except images.ImageError as exc:
        raise Invalid(
            _("A photo could not be used: %(why)s") % {"why": exc}, field="photos"
        ) from exc
    item = FindingPhoto(
        finding=finding,
        width=picture.width,
        height=picture.height,
        taken_at=_aware(taken.at),
        latitude=taken.latitude,
        longitude=taken.longitude,
        caption=photo.caption.strip()[:300],
        public=photo.public,
        created_by=actor,
    )
    item.image.save("photo.jpg", ContentFile(picture.jpeg), save=False)
    try:
        item.save()
    except Exception:
        item.image.storage.delete(item.image.name)
        raise
    return item


@transaction.atomic
def add_finding(actor, visit: Visit, data: FindingInput) -> Finding:
    """A finding at a place of the visit, with the place's figures now, its photos (EXIF read,
    then stripped) and, optionally, the follow-up action it calls for."""
    if actor is not None and not can_edit_visit(actor, visit):
        raise NotAllowed(_("You may not edit this visit."))
    if data.place is not None and data.place.visit_id != visit.pk:
        raise Invalid(_("That place is not part of this visit."), field="place")
    if not data.problem.strip():
        raise Invalid(_("Write the problem or obstacle as it was told."), field="problem")
    if data.action is not None:
        _check_action(data.action, prefix="action_")
    finding = Finding.objects.create(
        visit=visit,
        place=data.place,
        category=data.category,
        problem=data.problem.strip(),
        severity=data.severity,
        recommendation=data.recommendation.strip(),
        figures=figures_for(data.place, visit),
        created_by=actor,
    )
    stored = []
    try:
        for photo in data.photos:
            stored.append(_store_photo(actor, finding, photo))
        if data.action is not None:
            _new_action(actor, data.action, area_code=visit.area_code, finding=finding, visit=visit)
    except Exception:  # the rows roll back; the files must not stay behind
        for item in stored:
            item.image.storage.delete(item.image.name)
        raise
    return finding


@transaction.atomic
def add_finding_photo(actor, finding: Finding, photo: PhotoInput) -> FindingPhoto:
    if actor is not None and not can_edit_visit(actor, finding.visit):
        raise NotAllowed(_("You may not edit this visit."))
    return _store_photo(actor, finding, photo)


@transaction.atomic
def assign_action(
    actor,
    data: ActionInput,
    *,
    finding: Finding | None = None,
    visit: Visit | None = None,
    area_code: str = "",
) -> FollowUpAction:
    """A follow-up action for an agency (from a finding, a visit, or on its own)."""
    visit = visit or (finding.visit if finding else None)
    area_code = visit.area_code if visit else area_code
    if not area_code:
        raise Invalid(_("Choose the province."), field="area_code")
    if actor is not None and not can_assign(actor, area_code):
        raise NotAllowed(_("You may not assign actions in this province."))
    _check_action(data)
    return _new_action(actor, data, area_code=area_code, finding=finding, visit=visit)


# --- Follow-up actions: the machine -------------------------------------------------------------


def _record_action(step: Step) -> None:
    ActionEvent.objects.create(
        action=step.obj,
        at=step.at,
        kind=step.action,
        actor=step.by,
        note=step.note,
        from_status=step.from_status,
        to_status=step.to_status,
    )


ACTION_REFUSALS = {
    "start": _("Only an open or reopened action can be started."),
    "finish": _("Only an action still to be done can be reported done."),
    "give_up": _("Only an action still to be done can be reported not done."),
    "verify": _("Only an action reported done can be verified."),
    "reopen": _("Only an action reported done or not done can be reopened."),
}

#: Follow-up actions move only through this machine. The owner agency's officers move their
#: own; only inspectors of the area verify or reopen.
ACTIONS = Machine(
    model=FollowUpAction,
    table=ACTION_TRANSITIONS,
    record=_record_action,
    rights={
        "start": is_owner_officer,
        "finish": is_owner_officer,
        "give_up": is_owner_officer,
        "verify": can_verify,
        "reopen": can_verify,
    },
    refusal=lambda action, move: Conflict(ACTION_REFUSALS[move]),
    forbidden=_("You may not update this action."),
)

#: The moves a person may be offered, in the order of the buttons.
MOVES = ("start", "finish", "give_up", "verify", "reopen")


def moves_for(user, action: FollowUpAction) -> list[str]:
    allowed = ACTIONS.allowed(action)
    return [m for m in MOVES if m in allowed and user is not None and ACTIONS.may(user, action, m)]


@transaction.atomic
def move_action(
    actor, action: FollowUpAction, move: str, note: str = "", now=None
) -> FollowUpAction:
    """Take ``move`` (``start``, ``finish``, ``give_up``, ``verify``, ``reopen``) on the action.
    Giving up needs a reason; reopening needs what failed in the verification."""
    if move not in MOVES:
        raise Invalid(_("Unknown step."), field="action")
    ACTIONS.check_right(actor, action, move)
    note = (note or "").strip()
    now = now or timezone.now()
    fields = {}
    if move == "give_up":
        if not note:
            raise Invalid(_("Say why it was not done."), field="note")
        fields["not_done_reason"] = note
    elif move == "reopen":
        if not note:
            raise Invalid(_("Say what the verification found missing."), field="note")
        fields.update(verified_by=None, verified_at=None, done_at=None)
    elif move == "finish":
        fields["done_at"] = now
    elif move == "verify":
        fields.update(verified_by=actor, verified_at=now)
    ACTIONS.transition(action, move, by=actor, note=note, at=now, **fields)
    if move == "finish":
        notifications.action_done(action)
    elif move in ("reopen", "verify"):
        notifications.action_verdict(action, move)
    return action


# --- Follow-up actions: updates and evidence ----------------------------------------------------

#: Evidence accepted: extension -> (content type, how the file begins).
EVIDENCE_TYPES = {
    "pdf": ("application/pdf", (b"%PDF-",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "webp": ("image/webp", (b"RIFF",)),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (b"PK\x03\x04",),
    ),
    "docx": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (b"PK\x03\x04",),
    ),
}
PICTURES = {"jpg", "jpeg", "png", "webp"}


@dataclass
class EvidenceInput:
    name: str
    data: bytes


def check_evidence(item: EvidenceInput) -> tuple[str, str, bytes]:
    """``(extension, content type, bytes to store)``: the size and the type checked from the
    file's first bytes, pictures re-encoded without metadata. Raises ``Invalid``."""
    limit = settings.OVERSIGHT_EVIDENCE_MAX_MB * 1024 * 1024
    if len(item.data) > limit:
        raise Invalid(
            _("%(name)s is larger than %(mb)s MB.")
            % {"name": item.name, "mb": settings.OVERSIGHT_EVIDENCE_MAX_MB},
            field="files",
        )
    extension = item.name.rsplit(".", 1)[-1].lower() if "." in item.name else ""
    known = EVIDENCE_TYPES.get(extension)
    if known is None or not item.data.startswith(known[1]):
        raise Invalid(
            _("%(name)s is not a PDF, a picture (JPEG, PNG, WebP) or an XLSX/DOCX file.")
            % {"name": item.name},
            field="files",
        )
    if extension in PICTURES:
        if extension == "webp" and item.data[8:12] != b"WEBP":
            raise Invalid(_("%(name)s is not a WebP picture.") % {"name": item.name}, field="files")
        try:
            picture = images.load(item.data, max_side=PHOTO_MAX_SIDE, max_bytes=limit)
        except images.ImageError as exc:
            raise Invalid(f"{item.name}: {exc}", field="files") from exc
        return "jpg", "image/jpeg", picture.jpeg
    return extension, known[0], item.data


def _safe_name(name: str, extension: str) -> str:
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = slugify(stem, allow_unicode=True)[:80] or "file"
    return f"{stem}.{extension}"


@transaction.atomic
def add_update(
    actor,
    action: FollowUpAction,
    *,
    text: str,
    date: dt.date | None = None,
    files: Iterable[EvidenceInput] = (),
    move: str = "",
    now=None,
) -> ActionUpdate:
    """A dated progress note from the owner agency, with evidence files, and optionally a step
    of the machine at the same time (``move``: start, finish, give_up)."""
    if actor is not None and not is_owner_officer(actor, action):
        raise NotAllowed(_("Only the owner agency's officers update this action."))
    text = (text or "").strip()
    if not text:
        raise Invalid(_("Write what was done."), field="text")
    date = date or timezone.localdate()
    if date > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."), field="date")
    files = list(files)
    if len(files) > settings.OVERSIGHT_EVIDENCE_PER_UPDATE:
        raise Invalid(
            _("Attach at most %(n)d files.") % {"n": settings.OVERSIGHT_EVIDENCE_PER_UPDATE},
            field="files",
        )
    checked = [(item, *check_evidence(item)) for item in files]
    update = ActionUpdate.objects.create(action=action, author=actor, date=date, text=text)
    written = []
    try:
        for item, extension, content_type, data in checked:
            evidence = ActionEvidence(
                update=update,
                name=_safe_name(item.name, extension),
                content_type=content_type,
                extension=extension,
                size=len(data),
            )
            evidence.file.save(evidence.name, ContentFile(data), save=False)
            written.append(evidence.file)
            evidence.save()
        if move:
            move_action(actor, action, move, note=text, now=now)
    except Exception:
        for stored in written:
            stored.storage.delete(stored.name)
        raise
    notifications.action_updated(action, update)
    return update
