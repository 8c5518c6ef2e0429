"""Alerts from the monitoring a provider already runs open and close incidents.

Two webhook payloads are read (``api.py`` parses them into :class:`AlertInput`):

- Prometheus Alertmanager's webhook (``version: "4"``): each alert in ``alerts`` with its
  ``status`` (firing / resolved), ``labels``, ``annotations``, ``startsAt``, ``endsAt`` and
  ``fingerprint``;
- a Zabbix webhook media type sending ``event_id``, ``event_value`` (1 problem, 0 recovered:
  Zabbix's ``{EVENT.VALUE}``), ``event_name``, ``host`` and ``tags``; a recovery carries the
  problem's ``{EVENT.ID}``, which is the fingerprint.

The point is named by a label (``point_code``, ``service_point`` or ``point``), else by a
device (``nas_id`` / ``nas_identifier``: the NAS-Identifier; ``nas_ip``), else by the host
(Zabbix's ``host``, Alertmanager's ``instance`` without its port) read as a point code or a
NAS-Identifier. A source acts only on its own agency's points.

A firing alert joins the point's open incident or opens one (source "alert", the outage SLA),
once per fingerprint while it fires: a repeated webhook changes nothing. A resolved alert ends
its record; when no alert of the incident fires any more and the incident was opened by an
alert, the incident is resolved by the platform (``actions.INCIDENTS``); an incident a person
reported or opened stays for an officer to close, with a note. A resolved alert that never
fired here (or was already ended) changes nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pracharat.network import actions, health
from pracharat.network.models import (
    AlertSource,
    IncidentAlert,
    IncidentEvent,
    IncidentEventKind,
    IncidentSource,
    Nas,
    ServicePoint,
)

POINT_LABELS = ("point_code", "service_point", "point")
NAS_LABELS = ("nas_id", "nas_identifier")


def token_hash(token: str) -> str:
    """SHA-256 of a token (a random 256-bit token needs no key or slow hash)."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return "pra_" + secrets.token_urlsafe(32)


def make_source(agency, kind: str, name: str) -> tuple[AlertSource, str]:
    """A new source for ``agency`` and its token (shown once; only its hash is kept)."""
    token = new_token()
    source = AlertSource.objects.create(
        agency=agency, kind=kind, name=name, token_hash=token_hash(token)
    )
    return source, token


def source_for(token: str, kind: str) -> AlertSource | None:
    """The active source of ``kind`` the token belongs to, or None."""
    if not token:
        return None
    return (
        AlertSource.objects.active()
        .select_related("agency")
        .filter(token_hash=token_hash(token), kind=kind)
        .first()
    )


@dataclass
class AlertInput:
    fingerprint: str
    firing: bool
    name: str = ""
    summary: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    host: str = ""
    started_at: dt.datetime | None = None
    ended_at: dt.datetime | None = None


@dataclass
class Outcome:
    opened: list[int] = field(default_factory=list)
    joined: list[int] = field(default_factory=list)
    resolved: list[int] = field(default_factory=list)
    ended: int = 0
    unchanged: int = 0
    ignored: list[dict] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def find_point(source: AlertSource, alert: AlertInput) -> ServicePoint | None:
    """The point of the source's agency that the alert names (see the module's doc)."""
    points = ServicePoint.objects.filter(provider_id=source.agency_id)
    labels = alert.labels
    for key in POINT_LABELS:
        if labels.get(key):
            return points.filter(code=labels[key].strip().upper()).first()
    for key in NAS_LABELS:
        if labels.get(key):
            return _device_point(source, nas_identifier=labels[key].strip())
    if labels.get("nas_ip"):
        return _device_point(source, nas_ip=labels["nas_ip"].strip())
    host = (alert.host or labels.get("instance", "").rsplit(":", 1)[0]).strip()
    if not host:
        return None
    return points.filter(code=host.upper()).first() or _device_point(source, nas_identifier=host)


def _device_point(source: AlertSource, **lookup) -> ServicePoint | None:
    """The point of the source's agency's device matching ``lookup``, in one query."""
    device = (
        Nas.objects.filter(service_point__provider_id=source.agency_id, **lookup)
        .select_related("service_point")
        .first()
    )
    return device.service_point if device else None


def receive(source: AlertSource, alerts: list[AlertInput], now=None) -> Outcome:
    """Apply a webhook's alerts, each in its own transaction (one bad alert does not undo
    the others); see the module's doc."""
    now = now or timezone.now()
    outcome = Outcome()
    for alert in alerts:
        with transaction.atomic():
            _apply(source, alert, now, outcome)
    AlertSource.objects.filter(pk=source.pk).update(last_used=now)
    return outcome


def _ignore(outcome: Outcome, alert: AlertInput, reason: str) -> None:
    outcome.ignored.append({"fingerprint": alert.fingerprint, "reason": reason})


def _apply(source: AlertSource, alert: AlertInput, now, outcome: Outcome) -> None:
    firing = IncidentAlert.objects.filter(source=source, fingerprint=alert.fingerprint, firing=True)
    if not alert.firing:
        record = firing.select_related("incident").select_for_update().first()
        if record is None:
            outcome.unchanged += 1
            return
        _end(record, alert, now, outcome)
        return
    if firing.exists():
        outcome.unchanged += 1
        return
    point = find_point(source, alert)
    if point is None:
        _ignore(outcome, alert, "no service point of this provider is named by the alert")
        return
    if not point.is_in_service:
        _ignore(outcome, alert, "the service point is decommissioned")
        return
    title = alert.summary or alert.name or _("Monitoring alert")
    note = _("Alert from %(source)s: %(title)s") % {"source": source.name, "title": title}
    incident, opened = actions.open_or_join_incident(
        point,
        source=IncidentSource.ALERT,
        summary=title,
        note=note,
        sla=health.outage_sla(),
        now=now,
    )
    IncidentAlert.objects.create(
        source=source,
        incident=incident,
        fingerprint=alert.fingerprint,
        name=alert.name[:200],
        started_at=alert.started_at or now,
        labels=alert.labels,
    )
    if opened:
        outcome.opened.append(incident.pk)
    else:
        outcome.joined.append(incident.pk)


def _end(record: IncidentAlert, alert: AlertInput, now, outcome: Outcome) -> None:
    record.firing = False
    record.ended_at = alert.ended_at or now
    record.save(update_fields=["firing", "ended_at"])
    outcome.ended += 1
    incident = record.incident
    if not incident.is_open or incident.alerts.filter(firing=True).exists():
        return
    note = _("Alert resolved at the provider's monitoring (%(source)s).") % {
        "source": record.source.name
    }
    if incident.source == IncidentSource.ALERT:
        actions.resolve_outage(incident, note, now)
        outcome.resolved.append(incident.pk)
    else:
        IncidentEvent.objects.create(
            incident=incident, at=now, kind=IncidentEventKind.NOTE, note=note
        )
