"""Alerts from the providers' monitoring: an Alertmanager (v4) or Zabbix webhook, with the
provider's own token, opens an incident for the point it names and closes it when resolved;
repeats change nothing; another provider's point, a bad token or a bad body change nothing."""

from __future__ import annotations

import copy
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from pracharat.network import actions, alerts
from pracharat.network.models import (
    AlertKind,
    Incident,
    IncidentAlert,
    IncidentSource,
    IncidentStatus,
    Nas,
)
from pracharat.network.tests.webfixtures import *  # noqa: F403 - fixtures

pytestmark = pytest.mark.django_db

AM_URL = "/api/v1/network/alerts/alertmanager"
ZABBIX_URL = "/api/v1/network/alerts/zabbix"

#: What Alertmanager 0.27 posts to a webhook receiver (version 4), for one alert.
FIRING = {
    "version": "4",
    "groupKey": '{}:{alertname="PointDown"}',
    "truncatedAlerts": 0,
    "status": "firing",
    "receiver": "pracharat",
    "groupLabels": {"alertname": "PointDown"},
    "commonLabels": {"alertname": "PointDown", "severity": "critical"},
    "commonAnnotations": {"summary": "ICMP to the village hall's ONU fails"},
    "externalURL": "http://alertmanager.nt.example:9093",
    "alerts": [
        {
            "status": "firing",
            "labels": {
                "alertname": "PointDown",
                "instance": "10.65.6.9:9100",
                "point_code": "NP-65060209",
                "severity": "critical",
            },
            "annotations": {"summary": "ICMP to the village hall's ONU fails"},
            "startsAt": "2026-11-30T01:02:03.456Z",
            "endsAt": "0001-01-01T00:00:00Z",
            "generatorURL": "http://prometheus.nt.example:9090/graph?g0.expr=up+%3D%3D+0",
            "fingerprint": "c0ffee1234567890",
        }
    ],
}


def resolved(body=FIRING):
    body = copy.deepcopy(body)
    body["status"] = "resolved"
    for alert in body["alerts"]:
        alert["status"] = "resolved"
        alert["endsAt"] = "2026-11-30T03:00:00Z"
    return body


@pytest.fixture
def am_token(nt):
    _source, token = alerts.make_source(nt, AlertKind.ALERTMANAGER, "NT Prometheus")
    return token


@pytest.fixture
def zabbix_token(nt):
    _source, token = alerts.make_source(nt, AlertKind.ZABBIX, "NT Zabbix")
    return token


def post(client, url, body, token):
    return client.post(
        url,
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def test_a_firing_then_resolved_alert_opens_and_closes_an_incident(
    client, khlong_mem_point, am_token
):
    answer = post(client, AM_URL, FIRING, am_token)
    assert answer.status_code == 200, answer.content
    incident = Incident.objects.get()
    assert answer.json()["opened"] == [incident.pk]
    assert (incident.source, incident.status) == (IncidentSource.ALERT, IncidentStatus.OPEN)
    assert incident.agency == khlong_mem_point.provider
    assert incident.summary == "ICMP to the village hall's ONU fails"
    alert = IncidentAlert.objects.get()
    assert alert.firing and alert.started_at.isoformat().startswith("2026-11-30T01:02:03")
    # Alertmanager repeats a group every repeat_interval: nothing more happens.
    again = post(client, AM_URL, FIRING, am_token).json()
    assert again["unchanged"] == 1 and again["opened"] == []
    assert Incident.objects.count() == 1 and IncidentAlert.objects.count() == 1

    answer = post(client, AM_URL, resolved(), am_token)
    assert answer.json()["resolved"] == [incident.pk]
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED and incident.resolved_at
    assert [e.to_status for e in incident.events.all()][-1] == IncidentStatus.RESOLVED
    assert not IncidentAlert.objects.get().firing
    repeat = post(client, AM_URL, resolved(), am_token).json()
    assert repeat["unchanged"] == 1 and repeat["resolved"] == []
    # The same alert firing later is a new incident.
    post(client, AM_URL, FIRING, am_token)
    assert Incident.objects.unresolved().count() == 1 and Incident.objects.count() == 2


def test_an_alert_joins_a_reported_incident_and_leaves_it_to_the_officer(
    client, khlong_mem_point, am_token
):
    report = actions.submit_fault_report(
        khlong_mem_point, actions.ReportInput(problem="no_signal"), ip_address="192.0.2.1"
    )
    answer = post(client, AM_URL, FIRING, am_token).json()
    assert answer["joined"] == [report.incident_id] and Incident.objects.count() == 1
    post(client, AM_URL, resolved(), am_token)
    incident = Incident.objects.get()
    assert incident.status == IncidentStatus.OPEN  # a person reported it: an officer closes it
    assert "NT Prometheus" in incident.events.last().note  # a note says the alert ended


def test_the_point_is_found_by_its_nas_identifier(client, khlong_mem_point, am_token):
    Nas.objects.create(
        service_point=khlong_mem_point,
        nas_ip="10.65.6.9",
        nas_identifier="km-ap-1",
        secret="x" * 16,
    )
    body = copy.deepcopy(FIRING)
    del body["alerts"][0]["labels"]["point_code"]
    body["alerts"][0]["labels"]["nas_id"] = "km-ap-1"
    assert post(client, AM_URL, body, am_token).json()["opened"]
    assert Incident.objects.get().service_point == khlong_mem_point


def test_a_token_acts_only_on_its_own_providers_points(
    client,
    khlong_mem_point,
    chiangmai_point,
    nt_chiangmai,
    am_token,
):
    body = copy.deepcopy(FIRING)
    body["alerts"][0]["labels"]["point_code"] = chiangmai_point.code
    answer = post(client, AM_URL, body, am_token)
    assert answer.status_code == 200 and answer.json()["ignored"][0]["fingerprint"]
    assert not Incident.objects.exists()


def test_no_token_a_wrong_one_or_another_kinds_one_is_refused(
    client, khlong_mem_point, am_token, zabbix_token
):
    no_token = client.post(AM_URL, data=json.dumps(FIRING), content_type="application/json")
    assert no_token.status_code == 401
    assert post(client, AM_URL, FIRING, "pra_guess").status_code == 401
    assert post(client, AM_URL, FIRING, zabbix_token).status_code == 401
    alerts.AlertSource.objects.update(is_active=False)
    assert post(client, AM_URL, FIRING, am_token).status_code == 401
    assert not Incident.objects.exists()


def test_a_malformed_body_is_a_422_and_changes_nothing(client, khlong_mem_point, am_token):
    for body in ({**FIRING, "version": "3"}, {"alerts": "x"}, {**FIRING, "alerts": [{}]}):
        answer = post(client, AM_URL, body, am_token)
        assert answer.status_code == 422 and answer.json()["error"]["status"] == 422
    bad_json = client.post(
        AM_URL, data="{", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {am_token}"
    )
    assert bad_json.status_code in (400, 422)
    assert not Incident.objects.exists()


def zabbix(value: str, **extra) -> dict:
    """The body of the Zabbix webhook media type in docs/network.md, as Zabbix 7 fills it."""
    return {
        "event_id": "48213",
        "event_value": value,
        "event_name": "Village hall ONU unreachable",
        "host": "NP-65060209",
        "severity": "High",
        "tags": [{"tag": "service", "value": "netpracharat"}],
        "event_update_status": "0",
        **extra,
    }


def test_a_zabbix_problem_and_its_recovery_open_and_close_an_incident(
    client, khlong_mem_point, zabbix_token
):
    first = post(client, ZABBIX_URL, zabbix("1"), zabbix_token)
    assert first.status_code == 200, first.content
    incident = Incident.objects.get()
    assert incident.summary == "Village hall ONU unreachable"
    assert post(client, ZABBIX_URL, zabbix("1"), zabbix_token).json()["unchanged"] == 1
    # An acknowledgement in Zabbix is an update, not a recovery.
    update = post(client, ZABBIX_URL, zabbix("1", event_update_status="1"), zabbix_token)
    assert update.json()["unchanged"] == 1
    assert post(client, ZABBIX_URL, zabbix("0"), zabbix_token).json()["resolved"] == [incident.pk]
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED


def test_the_command_makes_a_token_that_works(client, khlong_mem_point, nt, capsys):
    call_command("alert_token", agency=nt.slug, kind="alertmanager")
    out = capsys.readouterr().out
    token = out.split("Bearer ")[1].strip()
    assert alerts.AlertSource.objects.get().token_hash != token  # only its hash is kept
    assert post(client, AM_URL, FIRING, token).status_code == 200
    assert reverse("api-1:alertmanager_webhook") == AM_URL
