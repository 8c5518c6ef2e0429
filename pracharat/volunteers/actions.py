"""Writes of the volunteers pillar: the registry (officers) and the activity log (volunteers).

Each function is one transaction and checks the acting user's right itself (``actor``), so the
views, the API and the admin's forms call the same thing. Rights:

- register and manage a volunteer: provincial officers and operators whose area holds every
  village of the volunteer, and superusers (:func:`can_manage`);
- record an activity: the active volunteer themselves, in one of their own villages; edit or
  delete it: its volunteer only (:func:`can_edit_activity`). Officers read them (querysets).

A volunteer's villages are kept equal to their ``Role.VOLUNTEER`` memberships while active
(:func:`_sync_memberships`), so the rights that follow from being a village's volunteer (the
network's incidents of that village's points) go with the registry, and end with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import partial

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.accounts.models import Membership, Role, User
from pracharat.accounts.scoping import area_codes_for
from pracharat.core.errors import Invalid, NotAllowed
from pracharat.core.lib.images import Picture
from pracharat.core.transitions import Machine, Step
from pracharat.volunteers.models import (
    ActivityKind,
    Skill,
    Volunteer,
    VolunteerActivity,
    VolunteerStatus,
    VolunteerVillage,
)

MANAGER_ROLES = {Role.PROVINCIAL_OFFICER, Role.OPERATOR}


def _covers(codes: list[str] | None, area_code: str) -> bool:
    return codes is None or any(area_code.startswith(c) for c in codes)


def can_manage_area(user, area_code: str) -> bool:
    """``user`` may register and manage volunteers of a village with ``area_code``."""
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    codes = area_codes_for(user, roles=MANAGER_ROLES)
    return bool(codes is None or codes) and _covers(codes, area_code)


def may_register(user) -> bool:
    """``user`` manages volunteers somewhere (shows the register link)."""
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or area_codes_for(user, roles=MANAGER_ROLES) != []


def can_manage(user, volunteer: Volunteer) -> bool:
    codes = [p.area_code for p in volunteer.postings.all()] or [volunteer.area_code]
    return all(can_manage_area(user, code) for code in codes)


def can_edit_activity(user, activity: VolunteerActivity) -> bool:
    if user is None or not user.is_authenticated:
        return False
    return user.is_superuser or activity.volunteer.user_id == user.pk


# --- The registry -----------------------------------------------------------------------------


def _clean_skills(skills) -> list[str]:
    known = set(Skill.values)
    unknown = [s for s in skills if s not in known]
    if unknown:
        raise Invalid(_("Unknown skill: %(skill)s") % {"skill": unknown[0]}, field="skills")
    return [s for s in Skill.values if s in set(skills)]  # the list's order, once each


def _sync_memberships(volunteer: Volunteer) -> None:
    """The user's volunteer memberships become the volunteer's villages (none if inactive)."""
    user = volunteer.user
    wanted = set()
    if volunteer.status == VolunteerStatus.ACTIVE:
        wanted = set(volunteer.postings.values_list("area_code", flat=True))
    held = Membership.objects.filter(user=user, role=Role.VOLUNTEER)
    held.exclude(area_code__in=wanted).delete()
    have = set(held.values_list("area_code", flat=True))
    Membership.objects.bulk_create(
        [
            Membership(user=user, role=Role.VOLUNTEER, area_code=code)
            for code in sorted(wanted - have)
        ]
    )
    user.__dict__.pop("_pracharat_memberships", None)  # accounts.scoping's per-user cache


def _set_villages(volunteer: Volunteer, villages, actor) -> None:
    villages = list(dict.fromkeys(villages))
    if not villages:
        raise Invalid(_("Choose at least one village."), field="villages")
    for village in villages:
        if not can_manage_area(actor, village.code):
            raise NotAllowed(_("You may not manage volunteers of %(village)s.") % {
                "village": village.name})  # fmt: skip
    volunteer.postings.exclude(village__in=villages).delete()
    have = set(volunteer.postings.values_list("village_id", flat=True))
    VolunteerVillage.objects.bulk_create(
        [VolunteerVillage(volunteer=volunteer, village=v, area_code=v.code)
         for v in villages if v.code not in have]
    )  # fmt: skip
    volunteer.area_code = villages[0].code
    volunteer.save(update_fields=["area_code", "updated"])


@dataclass
class VolunteerInput:
    villages: list = field(default_factory=list)
    since: date | None = None
    skills: list[str] = field(default_factory=list)
    other_skills: str = ""
    display_name: str = ""


@transaction.atomic
def register_volunteer(actor, user: User, data: VolunteerInput) -> Volunteer:
    """Make ``user`` the volunteer of ``data.villages`` (an officer of those villages' area)."""
    if not data.villages:
        raise Invalid(_("Choose at least one village."), field="villages")
    if not all(can_manage_area(actor, v.code) for v in data.villages):
        raise NotAllowed(_("You may not register volunteers there."))
    if Volunteer.objects.filter(user=user).exists():
        raise Invalid(_("This person is already a volunteer."), field="login")
    volunteer = Volunteer.objects.create(
        user=user,
        area_code=data.villages[0].code,
        since=data.since or timezone.localdate(),
        skills=_clean_skills(data.skills),
        other_skills=data.other_skills.strip(),
        display_name=data.display_name.strip(),
    )
    _set_villages(volunteer, data.villages, actor)
    _sync_memberships(volunteer)
    return volunteer


@transaction.atomic
def register_person(actor, *, full_name: str, phone: str, email: str, data: VolunteerInput):
    """Register the person with this phone or e-mail, making their account when there is none
    (without a password: an operator sets one; see docs/volunteers.md)."""
    if not all(can_manage_area(actor, v.code) for v in data.villages) or not data.villages:
        raise NotAllowed(_("You may not register volunteers there."))
    user = None
    if phone:
        user = User.objects.filter(phone=phone).first()
    if user is None and email:
        user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(
            email=email or None, phone=phone or None, password=None, full_name=full_name.strip()
        )
    return register_volunteer(actor, user, data)


@transaction.atomic
def update_volunteer(actor, volunteer: Volunteer, data: VolunteerInput) -> Volunteer:
    if not can_manage(actor, volunteer):
        raise NotAllowed(_("You may not manage this volunteer."))
    volunteer.since = data.since or volunteer.since
    volunteer.skills = _clean_skills(data.skills)
    volunteer.other_skills = data.other_skills.strip()
    volunteer.display_name = data.display_name.strip()
    volunteer.save(update_fields=["since", "skills", "other_skills", "display_name", "updated"])
    _set_villages(volunteer, data.villages, actor)
    _sync_memberships(volunteer)
    return volunteer


#: The registry status: ``{from: {action: to}}``.
VOLUNTEER_TRANSITIONS = {
    VolunteerStatus.ACTIVE: {"deactivate": VolunteerStatus.INACTIVE},
    VolunteerStatus.INACTIVE: {"reactivate": VolunteerStatus.ACTIVE},
}


def _record_status(step: Step) -> None:
    """A move's history is the audit log's entry for the save (core.audit, with its actor);
    the rights follow the status at once."""
    _sync_memberships(step.obj)


VOLUNTEERS = Machine(
    model=Volunteer,
    table=VOLUNTEER_TRANSITIONS,
    record=_record_status,
    rights={"deactivate": can_manage, "reactivate": can_manage},
    forbidden=_("You may not manage this volunteer."),
)


def set_status(actor, volunteer: Volunteer, action: str) -> Volunteer:
    return VOLUNTEERS.transition(volunteer, action, by=actor)


# --- The activity log -------------------------------------------------------------------------


@dataclass
class ActivityInput:
    kind: str
    village: object  # geo.Village
    date: date | None = None
    people_helped: int = 0
    note: str = ""
    service_point: object | None = None  # network.ServicePoint
    incident: object | None = None  # network.Incident
    cohort: object | None = None  # learning.Cohort
    #: Already decoded and re-encoded by core.lib.images (the form does it).
    photo: Picture | None = None
    remove_photo: bool = False


def _check_activity(volunteer: Volunteer, data: ActivityInput) -> None:
    if data.kind not in ActivityKind.values:
        raise Invalid(_("Choose what you did."), field="kind")
    if len(data.note or "") > 1000:
        raise Invalid(_("Keep the note under 1,000 characters."), field="note")
    if data.village is None or not volunteer.postings.filter(village=data.village).exists():
        raise Invalid(_("Choose one of your villages."), field="village")
    if data.people_helped is None or data.people_helped < 0:
        raise Invalid(_("People helped cannot be negative."), field="people_helped")
    day = data.date or timezone.localdate()
    if day > timezone.localdate():
        raise Invalid(_("The date cannot be in the future."), field="date")
    if data.service_point is not None and data.service_point.village_id != data.village.code:
        raise Invalid(_("Choose a service point of that village."), field="service_point")
    if data.incident is not None:
        if data.incident.area_code != data.village.code:
            raise Invalid(_("Choose an incident of that village's point."), field="incident")
        if data.kind != ActivityKind.REPORTED_FAULT:
            raise Invalid(_("An incident goes with a reported fault."), field="incident")
    if data.cohort is not None:
        if data.kind != ActivityKind.TAUGHT_CLASS:
            raise Invalid(_("A class goes with a class taught."), field="cohort")
        here = data.cohort.area_code == data.village.code
        if not (here or data.cohort.trainer_id == volunteer.user_id):
            raise Invalid(_("Choose a class held in that village or taught by you."),
                          field="cohort")  # fmt: skip


def _apply(activity: VolunteerActivity, data: ActivityInput) -> None:
    activity.kind = data.kind
    activity.village = data.village
    activity.area_code = data.village.code
    activity.date = data.date or timezone.localdate()
    activity.people_helped = data.people_helped or 0
    activity.note = (data.note or "").strip()
    activity.service_point = data.service_point
    activity.incident = data.incident
    activity.cohort = data.cohort


def _delete_file(name: str) -> None:
    VolunteerActivity._meta.get_field("photo").storage.delete(name)


def volunteer_of(user) -> Volunteer | None:
    if user is None or not user.is_authenticated:
        return None
    return Volunteer.objects.filter(user=user).first()


def record_activity(actor, data: ActivityInput) -> VolunteerActivity:
    """The actor's own activity (an active volunteer, one of their villages)."""
    volunteer = volunteer_of(actor)
    if volunteer is None or not volunteer.is_active:
        raise NotAllowed(_("Only an active volunteer records activities."))
    activity = VolunteerActivity(volunteer=volunteer)
    return _save(activity, data)


def update_activity(actor, activity: VolunteerActivity, data: ActivityInput) -> VolunteerActivity:
    if not can_edit_activity(actor, activity):
        raise NotAllowed(_("Only its volunteer may change this activity."))
    return _save(activity, data)


def _save(activity: VolunteerActivity, data: ActivityInput) -> VolunteerActivity:
    _check_activity(activity.volunteer, data)
    written = []
    try:
        with transaction.atomic():
            _apply(activity, data)
            if data.photo:
                activity.photo.save("photo.jpg", ContentFile(data.photo.jpeg), save=False)
                written.append(activity.photo.name)
            old = ""
            if activity.pk:
                old = VolunteerActivity.objects.filter(pk=activity.pk).values_list(
                    "photo", flat=True
                )[0]
            if data.remove_photo and not data.photo:
                activity.photo = ""
            activity.save()
            current = activity.photo.name if activity.photo else ""
            if old and old != current:
                transaction.on_commit(partial(_delete_file, old))
    except Exception:
        for name in written:  # the row rolled back; its new file must not stay behind
            _delete_file(name)
        raise
    return activity


@transaction.atomic
def delete_activity(actor, activity: VolunteerActivity) -> None:
    if not can_edit_activity(actor, activity):
        raise NotAllowed(_("Only its volunteer may delete this activity."))
    if activity.photo:
        transaction.on_commit(partial(_delete_file, activity.photo.name))
    activity.delete()


# --- Personal data: erasure (docs/privacy.md) ---------------------------------------------------


def erase_volunteer(*, phone: str = "", email: str = "") -> dict[str, int]:
    """Erase the volunteer whose account has this phone or e-mail (``core.personal_data``,
    before the account itself is erased): the public name and free-text skills, and every
    activity's note and photo go; the entry becomes inactive. The activities' kinds, dates,
    villages and people helped stay, so the area's counts do not change."""
    from django.db.models import Q

    from pracharat.core import audit

    who = Q(pk__in=[])
    if phone:
        who |= Q(user__phone=phone)
    if email:
        who |= Q(user__email__iexact=email)
    volunteers = list(Volunteer.objects.filter(who))
    if not volunteers:
        return {}
    activities = VolunteerActivity.objects.filter(volunteer__in=volunteers)
    for name in activities.exclude(photo="").values_list("photo", flat=True):
        transaction.on_commit(partial(_delete_file, name))
    audit.scrub(
        audit.entries_about(VolunteerActivity, list(activities.values_list("pk", flat=True)))
    )
    cleared = activities.update(note="", photo="")
    Volunteer.objects.filter(pk__in=[v.pk for v in volunteers]).update(
        display_name="", other_skills="", status=VolunteerStatus.INACTIVE
    )
    return {"volunteers": len(volunteers), "volunteer activities": cleared}
