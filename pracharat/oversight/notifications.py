"""Oversight's messages, through core.notifications (e-mail and LINE; templates in
``oversight/notifications/*.txt``). Agencies are told of everything assigned to them.

- ``action_assigned``: the owner agency (its office address and LINE group, and its officers
  whose area holds the action) hears of a new follow-up action.
- ``action_done`` / ``action_verdict`` / ``action_updated``: the inspectors who follow the
  action hear that it was reported done or updated; the owner hears the verdict.
- ``meeting_invited`` / ``announcement_posted``: agencies invited to a meeting; the agencies
  of the province when an announcement is posted.
- ``follow_up_actions``: the periodic job (``settings.PERIODIC_JOBS``) reminding owners of
  actions due within ``OVERSIGHT_REMINDER_DAYS`` and escalating overdue ones to the owner,
  the province's provincial officers and the inspectors who follow it. Idempotent: each
  stage of each action and due date is sent once (the delivery's once-only key), however
  often it runs; moving the due date starts the stages again.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from pracharat.accounts.models import Agency, Role
from pracharat.core.models import Delivery
from pracharat.core.notifications import notify

REMINDER, OVERDUE = "reminder", "overdue"


def _url(name: str, *args) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(name, args=args)


def _covering(code: str) -> list[str]:
    return [code[:n] for n in (0, 2, 4, 6, 8) if n <= len(code)]


def _users():
    return get_user_model().objects.filter(is_active=True)


def agency_officers(agency_id: int, area_code: str):
    """Active officers of the agency whose membership area holds ``area_code``."""
    return (
        _users()
        .filter(
            memberships__role=Role.AGENCY_OFFICER,
            memberships__agency_id=agency_id,
            memberships__area_code__in=_covering(area_code),
        )
        .distinct()
        .order_by("pk")
    )


def owner_recipients(action) -> list:
    return [action.owner, *agency_officers(action.owner_id, action.area_code)]


def followers(action) -> list:
    """Who follows an action for the ministry: the visit's inspectors and whoever assigned it
    (the inspector or the provincial officer)."""
    rule = Q(pk=action.created_by_id) if action.created_by_id else Q(pk__in=[])
    if action.visit_id:
        rule |= Q(oversight_visits=action.visit_id)
    return list(_users().filter(rule).distinct().order_by("pk"))


def provincial_officers(area_code: str):
    return (
        _users()
        .filter(
            memberships__role=Role.PROVINCIAL_OFFICER,
            memberships__area_code=area_code[:2],
        )
        .distinct()
        .order_by("pk")
    )


def _action_context(action) -> dict:
    return {"action": action, "url": _url("oversight:action", action.pk)}


def action_assigned(action) -> None:
    notify(
        owner_recipients(action), "oversight/notifications/action_assigned", _action_context(action)
    )


def action_done(action) -> None:
    notify(followers(action), "oversight/notifications/action_done", _action_context(action))


def action_verdict(action, move: str) -> None:
    template = "action_verified" if move == "verify" else "action_reopened"
    notify(owner_recipients(action), f"oversight/notifications/{template}", _action_context(action))


def action_updated(action, update) -> None:
    notify(
        followers(action),
        "oversight/notifications/action_updated",
        {**_action_context(action), "update": update},
    )


def meeting_invited(meeting, agencies) -> None:
    notify(
        agencies,
        "oversight/notifications/meeting_invited",
        {"meeting": meeting, "url": _url("oversight:meeting", meeting.pk)},
    )


def announcement_posted(announcement) -> None:
    agencies = Agency.objects.in_area(announcement.area_code).order_by("pk")
    notify(
        agencies,
        "oversight/notifications/announcement_posted",
        {"announcement": announcement, "url": _url("oversight:announcements")},
    )


def stage_key(action, stage: str) -> str:
    return f"oversight.action:{action.pk}:{action.due_date.isoformat()}:{stage}"


def follow_up_actions(now=None) -> dict[str, int]:
    """Remind the owners of pending actions due within ``OVERSIGHT_REMINDER_DAYS`` days and
    escalate the overdue ones, once per action, due date and stage. Returns how many actions
    were reminded and escalated by this run."""
    from pracharat.oversight.models import ActionEvent, ActionEventKind, FollowUpAction

    now = now or timezone.now()
    today = timezone.localdate(now)
    due = FollowUpAction.objects.select_related("owner")
    stages = [(a, REMINDER) for a in due.due_within(settings.OVERSIGHT_REMINDER_DAYS, today)]
    stages += [(a, OVERDUE) for a in due.overdue(today)]
    sent = set(
        Delivery.objects.filter(key__in=[stage_key(a, s) for a, s in stages]).values_list(
            "key", flat=True
        )
    )
    counts = {REMINDER: 0, OVERDUE: 0}
    for action, stage in stages:
        key = stage_key(action, stage)
        if key in sent:
            continue
        context = {**_action_context(action), "days_left": (action.due_date - today).days}
        context["days_late"] = -context["days_left"]
        with transaction.atomic():
            if stage == REMINDER:
                recipients = owner_recipients(action)
            else:
                recipients = [
                    *owner_recipients(action),
                    *provincial_officers(action.area_code),
                    *followers(action),
                ]
            rows = notify(recipients, f"oversight/notifications/action_{stage}", context, key=key)
            if rows:
                ActionEvent.objects.create(
                    action=action,
                    at=now,
                    kind=ActionEventKind.REMINDED
                    if stage == REMINDER
                    else ActionEventKind.ESCALATED,
                )
                counts[stage] += 1
    return counts
