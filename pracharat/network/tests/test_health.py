"""Outages: silence opens an incident for the provider with an SLA clock; traffic closes it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pracharat.network import health
from pracharat.network.accounting import START, SessionEvent, apply_events
from pracharat.network.models import (
    Incident,
    IncidentSource,
    Nas,
    PointStatus,
    ServicePoint,
)

pytestmark = pytest.mark.django_db


def refresh(point) -> ServicePoint:
    point.refresh_from_db()
    return point


def traffic(point, at, key="k"):
    apply_events([SessionEvent(key, START, at, point.pk, point.area_code, user_hash="u")])


def test_silence_opens_an_outage_incident_for_the_provider(khlong_mem_point, khlong_mem_nas, nt):
    now = timezone.now()
    traffic(khlong_mem_point, now - timedelta(hours=30))
    result = health.check_points(now)
    assert (result.went_down, result.incidents_opened) == (1, 1)
    point = refresh(khlong_mem_point)
    assert point.status == PointStatus.DOWN
    incident = Incident.objects.get()
    assert incident.agency == nt
    assert incident.source == IncidentSource.OUTAGE
    assert incident.sla_due == now + health.outage_sla()
    assert incident.events.get().kind == "opened"
    # Idempotent: a second round changes nothing.
    assert health.check_points(now + timedelta(minutes=1)).went_down == 0
    assert Incident.objects.count() == 1


def test_a_quiet_night_is_not_an_outage(khlong_mem_point, khlong_mem_nas):
    now = timezone.now()
    traffic(khlong_mem_point, now - timedelta(hours=10))
    assert health.check_points(now).went_down == 0
    assert refresh(khlong_mem_point).status == PointStatus.ACTIVE


def test_heartbeat_points_go_dark_quickly(khlong_mem_point, khlong_mem_nas):
    now = timezone.now()
    health.record_heartbeat(khlong_mem_nas, now - timedelta(minutes=20))
    assert health.check_points(now).went_down == 1
    assert refresh(khlong_mem_point).status == PointStatus.DOWN


def test_traffic_returning_resolves_the_outage(khlong_mem_point, khlong_mem_nas):
    now = timezone.now()
    traffic(khlong_mem_point, now - timedelta(hours=30), key="before")
    health.check_points(now - timedelta(hours=2))
    traffic(khlong_mem_point, now - timedelta(minutes=1), key="after")
    result = health.check_points(now)
    assert (result.recovered, result.incidents_resolved) == (1, 1)
    assert refresh(khlong_mem_point).status == PointStatus.ACTIVE
    incident = Incident.objects.get()
    assert incident.status == "resolved" and incident.resolved_at == now
    assert [e.kind for e in incident.events.all()] == ["opened", "resolved"]
    assert refresh(khlong_mem_point).online_users == 1


def test_a_public_report_keeps_the_point_degraded_until_someone_resolves_it(
    khlong_mem_point, khlong_mem_nas
):
    now = timezone.now()
    traffic(khlong_mem_point, now - timedelta(hours=30), key="before")
    report = Incident.objects.create(
        service_point=khlong_mem_point,
        area_code=khlong_mem_point.area_code,
        source=IncidentSource.REPORT,
        summary="No Wi-Fi",
        sla_due=now,
    )
    health.check_points(now - timedelta(hours=2))
    assert Incident.objects.get() == report  # the outage joined the open report
    traffic(khlong_mem_point, now - timedelta(minutes=1), key="after")
    health.check_points(now)
    assert refresh(khlong_mem_point).status == PointStatus.DEGRADED
    assert Incident.objects.get().status == "open"


def test_unmonitored_and_decommissioned_points_are_left_alone(khlong_mem_point, khlong_mem_nas):
    now = timezone.now()
    ServicePoint.objects.filter(pk=khlong_mem_point.pk).update(
        status=PointStatus.DECOMMISSIONED, last_seen=now - timedelta(days=5)
    )
    assert health.check_points(now).went_down == 0
    ServicePoint.objects.filter(pk=khlong_mem_point.pk).update(status=PointStatus.ACTIVE)
    Nas.objects.update(is_active=False)
    assert health.check_points(now).went_down == 0


def test_the_windows_and_the_sla_are_read_at_each_round(khlong_mem_point, khlong_mem_nas, settings):
    now = timezone.now()
    traffic(khlong_mem_point, now - timedelta(hours=5))
    assert health.check_points(now).went_down == 0  # 5 h of silence < 24 h
    settings.NETWORK_SILENCE_HOURS = 4
    settings.NETWORK_OUTAGE_SLA_HOURS = 8
    assert health.check_points(now).went_down == 1
    incident = Incident.objects.get()
    assert incident.sla_due == now + timedelta(hours=8)
    traffic(khlong_mem_point, now + timedelta(minutes=1), key="back")
    assert health.check_points(now + timedelta(minutes=2)).incidents_resolved == 1
    resolved = incident.events.get(kind="resolved")
    assert (resolved.from_status, resolved.to_status, resolved.actor) == ("open", "resolved", None)
