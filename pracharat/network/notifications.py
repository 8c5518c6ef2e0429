"""Messages about incidents, through core.notifications.

- ``incident_opened``: the provider agency hears of a new incident assigned to it, at its
  office address and through each of its officers whose area holds the point (called by
  ``actions.open_incident`` inside its transaction, so a rolled-back report notifies nobody).
- ``incident_moved``: those who follow an incident (``IncidentFollower``: a village's volunteer)
  hear of each status change but their own (called by ``actions.INCIDENTS``' history writer,
  inside the move's transaction).
- ``escalate_incident_slas``: before an unresolved incident's SLA deadline
  (``NETWORK_SLA_WARNING_MINUTES``) the provider is reminded (the agency and its officers of
  the area); once it has passed, the provincial officers of the incident's province are told.
  A plain, idempotent function for the periodic schedule: each stage of each incident is sent
  once (the delivery's once-only key), however often it runs.

Templates: ``network/notifications/*.txt``.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from pracharat.accounts.models import Role
from pracharat.core.models import Delivery
from pracharat.core.notifications import notify
from pracharat.network.models import Incident, IncidentEvent

SOON, MISSED = "sla-soon", "sla-missed"


def _context(incident: Incident) -> dict:
    return {
        "incident": incident,
        "point": incident.service_point,
        "url": settings.SITE_URL.rstrip("/") + reverse("network:incident", args=[incident.pk]),
    }


def incident_opened(incident: Incident) -> None:
    """The assigned agency hears of the incident: its office e-mail and LINE group, and its
    officers for the point's area, each in their own language; the village's volunteers hear
    that a problem at their point is being followed."""
    if incident.agency is not None:
        recipients = [incident.agency, *agency_officers(incident)]
        notify(recipients, "network/notifications/incident_opened", _context(incident))
    volunteers = list(village_volunteers(incident))
    if volunteers:
        notify(volunteers, "network/notifications/incident_village", _context(incident))


def village_volunteers(incident: Incident):
    """Active users who are the volunteer of the incident's village (``Role.VOLUNTEER``)."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Role.VOLUNTEER,
            memberships__area_code=incident.area_code,
        )
        .distinct()
        .order_by("pk")
    )


def incident_moved(incident: Incident, event: IncidentEvent) -> None:
    """The incident's followers hear that its status changed (not the one who changed it)."""
    followers = (
        get_user_model()
        .objects.filter(is_active=True, pk__in=incident.followers.values("user_id"))
        .order_by("pk")
    )
    if event.actor_id:
        followers = followers.exclude(pk=event.actor_id)
    followers = list(followers)
    if followers:
        context = {**_context(incident), "event": event}
        notify(followers, "network/notifications/incident_moved", context)


def agency_officers(incident: Incident):
    """Active officers of the incident's agency whose membership area holds the point."""
    code = incident.area_code
    covering = [code[:n] for n in (0, 2, 4, 6, 8) if n <= len(code)]
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Role.AGENCY_OFFICER,
            memberships__agency=incident.agency,
            memberships__area_code__in=covering,
        )
        .distinct()
        .order_by("pk")
    )


def provincial_officers(incident: Incident):
    """Active users who hold the provincial-officer role for the incident's province."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            memberships__role=Role.PROVINCIAL_OFFICER,
            memberships__area_code=incident.area_code[:2],
        )
        .distinct()
        .order_by("pk")
    )


def escalation_key(incident: Incident, stage: str) -> str:
    return f"network.incident:{incident.pk}:{stage}"


def _stage_recipients(incident: Incident, stage: str) -> list:
    if stage == SOON:
        return [incident.agency, *agency_officers(incident)] if incident.agency else []
    return list(provincial_officers(incident))


def escalate_incident_slas(now=None) -> dict[str, int]:
    """Remind the provider of each unresolved incident whose SLA deadline is within the
    warning window (stage "soon"); tell the provincial officers of each one past it (stage
    "missed"); once per incident and stage. An incident first seen past its deadline gets only
    "missed". Returns how many incidents were escalated per stage."""
    now = now or timezone.now()
    warning = timedelta(minutes=settings.NETWORK_SLA_WARNING_MINUTES)
    due = list(
        Incident.objects.unresolved()
        .filter(sla_due__lte=now + warning)
        .select_related("service_point__village", "agency")
        .order_by("sla_due", "pk")
    )
    stages = [(incident, MISSED if incident.sla_due <= now else SOON) for incident in due]
    done = set(
        Delivery.objects.filter(
            key__in=[escalation_key(incident, stage) for incident, stage in stages]
        ).values_list("key", flat=True)
    )
    counts = {SOON: 0, MISSED: 0}
    for incident, stage in stages:
        key = escalation_key(incident, stage)
        if key in done:
            continue
        template = "network/notifications/incident_" + stage.replace("-", "_")
        with transaction.atomic():
            if notify(_stage_recipients(incident, stage), template, _context(incident), key=key):
                counts[stage] += 1
    return counts
