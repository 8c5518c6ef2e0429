"""Is each point working? Outages from silence, incidents for the provider, recovery.

A point tells us it is alive through accounting (any packet from its NAS, including
Accounting-On and the Interim-Updates of open sessions) and, where the device supports it,
through a heartbeat (:func:`record_heartbeat`, e.g. from a monitoring probe or the device's
periodic check-in). Both move ``ServicePoint.last_seen``.

- A point whose devices send heartbeats is dark after ``NETWORK_HEARTBEAT_MINUTES`` without
  one.
- A point known only from accounting is dark after ``NETWORK_SILENCE_HOURS`` without any:
  a village hotspot may honestly have nobody on it for a night, so the window is long.
- A point with no active device is not monitored, and a decommissioned one never is.

Going dark sets the point DOWN and opens an outage incident assigned to the provider agency
(or adds to the point's open incident) with an SLA clock of ``NETWORK_OUTAGE_SLA_HOURS``.
When signs of life return the point is set ACTIVE again - DEGRADED while a public report
about it is still open - and an outage incident is resolved automatically with a note of
how long it lasted.
Every check is a handful of set-based queries, whatever the number of points.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from pracharat.core import i18n
from pracharat.network.actions import open_or_join_incident, resolve_outage
from pracharat.network.models import (
    AccountingSession,
    Incident,
    IncidentEvent,
    IncidentEventKind,
    IncidentSource,
    Nas,
    PointStatus,
    ServicePoint,
)
from pracharat.network.querysets import ONLINE_WINDOW

logger = logging.getLogger(__name__)


# The windows and the SLA are read from settings at each call (docs/configuration.md).
def heartbeat_window() -> timedelta:
    return timedelta(minutes=settings.NETWORK_HEARTBEAT_MINUTES)


def silence_window() -> timedelta:
    return timedelta(hours=settings.NETWORK_SILENCE_HOURS)


def outage_sla() -> timedelta:
    return timedelta(hours=settings.NETWORK_OUTAGE_SLA_HOURS)


@dataclass(slots=True)
class HealthResult:
    went_down: int = 0
    recovered: int = 0
    incidents_opened: int = 0
    incidents_resolved: int = 0
    online_users_changed: int = 0


def record_heartbeat(nas: Nas, at: datetime | None = None) -> None:
    """A device says it is alive (no user traffic implied)."""
    at = min(at or timezone.now(), timezone.now())
    Nas.objects.filter(pk=nas.pk).update(last_heartbeat=at, last_seen=at)
    ServicePoint.objects.filter(pk=nas.service_point_id).filter(
        Q(last_seen__lt=at) | Q(last_seen__isnull=True)
    ).update(last_seen=at)


def monitored_points():
    """In-service points with at least one active device, annotated ``has_heartbeat``."""
    devices = Nas.objects.filter(service_point=OuterRef("pk"), is_active=True)
    return (
        ServicePoint.objects.in_service()
        .filter(Exists(devices))
        .annotate(
            has_heartbeat=Exists(devices.filter(last_heartbeat__isnull=False)),
            last_sign=Coalesce("last_seen", "created"),
        )
    )


def dark_points(now: datetime | None = None):
    """Monitored points that are not DOWN yet but have been silent too long."""
    now = now or timezone.now()
    return (
        monitored_points()
        .exclude(status=PointStatus.DOWN)
        .filter(
            Q(has_heartbeat=True, last_sign__lt=now - heartbeat_window())
            | Q(has_heartbeat=False, last_sign__lt=now - silence_window())
        )
    )


def recovered_points(now: datetime | None = None):
    """DOWN points heard from since they went down, recently."""
    now = now or timezone.now()
    return monitored_points().filter(
        status=PointStatus.DOWN,
        last_seen__gte=now - ONLINE_WINDOW,
        last_seen__gt=Coalesce("status_changed", "created"),
    )


def check_points(now: datetime | None = None) -> HealthResult:
    """One health round over every point; idempotent."""
    now = now or timezone.now()
    result = HealthResult()
    for point in dark_points(now).select_related("provider").iterator(chunk_size=500):
        with transaction.atomic():
            opened = mark_down(point, now)
        result.went_down += 1
        result.incidents_opened += int(opened)
    for point in recovered_points(now).iterator(chunk_size=500):
        with transaction.atomic():
            resolved = mark_recovered(point, now)
        result.recovered += 1
        result.incidents_resolved += int(resolved)
    result.online_users_changed = refresh_online_users(now)
    if result.went_down or result.recovered:
        logger.info("health: %d points went dark, %d came back", result.went_down, result.recovered)
    return result


def mark_down(point: ServicePoint, now: datetime) -> bool:
    """Set the point DOWN and open (or join) its incident; True if a new one was opened."""
    ServicePoint.objects.filter(pk=point.pk).update(
        status=PointStatus.DOWN, status_changed=now, online_users=0
    )
    last = point.last_seen
    if last:
        note = _("No signal from the point since %(time)s.") % {"time": i18n.datetime_label(last)}
    else:
        note = _("The point has never reported.")
    _incident, opened = open_or_join_incident(
        point,
        source=IncidentSource.OUTAGE,
        summary=_("Outage: %(place)s") % {"place": point.place_name},
        note=note,
        sla=outage_sla(),
        now=now,
    )
    return opened


def mark_recovered(point: ServicePoint, now: datetime) -> bool:
    """Bring the point back; resolve its outage incident. True if one was resolved."""
    open_incident = (
        Incident.objects.select_for_update().unresolved().filter(service_point=point).first()
    )
    resolved = False
    status = PointStatus.ACTIVE
    if open_incident is not None and open_incident.source == IncidentSource.OUTAGE:
        down_for = now - open_incident.opened_at
        hours, rest = divmod(int(down_for.total_seconds()), 3600)
        note = _("Traffic returned after %(hours)d h %(minutes)d min.") % {
            "hours": hours,
            "minutes": rest // 60,
        }
        resolve_outage(open_incident, note, now)
        resolved = True
    elif open_incident is not None:
        # People reported a problem; the point talks again, but someone should confirm.
        status = PointStatus.DEGRADED
        IncidentEvent.objects.create(
            incident=open_incident,
            at=now,
            kind=IncidentEventKind.NOTE,
            note=_("The point is sending traffic again."),
        )
    ServicePoint.objects.filter(pk=point.pk).update(status=status, status_changed=now)
    return resolved


def refresh_online_users(now: datetime | None = None) -> int:
    """``online_users`` = open sessions reported within the online window; returns how many
    points changed."""
    now = now or timezone.now()
    counts = dict(
        AccountingSession.objects.open()
        .filter(updated_at__gte=now - ONLINE_WINDOW)
        .order_by()
        .values_list("service_point_id")
        .annotate(n=Count("pk"))
    )
    current = dict(ServicePoint.objects.values_list("pk", "online_users"))
    changed = [
        ServicePoint(pk=pk, online_users=counts.get(pk, 0))
        for pk, value in current.items()
        if counts.get(pk, 0) != value
    ]
    ServicePoint.objects.bulk_update(changed, ["online_users"], batch_size=500)
    return len(changed)
