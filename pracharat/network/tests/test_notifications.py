"""Incident messages: the provider agency hears of an opened incident (e-mail + LINE, through
a local server that answers as the LINE API does), is reminded once when the SLA deadline
nears, and the provincial officers hear once when it is missed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from pracharat.core.models import Delivery, DeliveryStatus, NotificationChannel
from pracharat.network import actions, health
from pracharat.network.models import IncidentStatus
from pracharat.network.notifications import MISSED, SOON, escalate_incident_slas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_hashing")]

NT_LINE = "C" + "a1b2c3d4" * 4
OFFICER_LINE = "U" + "0f" * 16


@pytest.fixture
def nt_on_line(nt):
    nt.email, nt.line_push_id = "nt65@example.org", NT_LINE
    nt.save()
    return nt


@pytest.fixture
def officer_on_line(phitsanulok_officer):
    phitsanulok_officer.line_push_id = OFFICER_LINE
    phitsanulok_officer.language = "en"
    phitsanulok_officer.save()
    return phitsanulok_officer


def report(point, now=None):
    return actions.submit_fault_report(
        point, actions.ReportInput(problem="no_signal"), ip_address="192.0.2.7", now=now
    )


def test_an_opened_incident_reaches_the_agency_by_line_and_email(
    nt_on_line, khlong_mem_point, line_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(khlong_mem_point).incident
    (push,) = line_api.delivered
    assert push.to == NT_LINE
    text = push.texts[0]
    assert text.startswith(f"เหตุขัดข้อง #{incident.pk} ที่ NP-65060209 กรุณาซ่อม\n\n")
    assert "ไม่มีสัญญาณ Wi-Fi" in text and f"/network/incidents/{incident.pk}/" in text
    (email,) = mail.outbox
    assert email.to == ["nt65@example.org"] and email.subject == text.split("\n")[0]
    assert set(Delivery.objects.values_list("channel", "status")) == {
        (NotificationChannel.EMAIL, DeliveryStatus.SENT),
        (NotificationChannel.LINE, DeliveryStatus.SENT),
    }


def test_the_agency_officers_of_the_area_hear_of_it_in_their_language(
    nt_on_line, khlong_mem_point, line_api, django_capture_on_commit_callbacks
):
    from pracharat import testing
    from pracharat.accounts.models import AgencyKind, Role

    officer = testing.nt_officer()
    officer.language = "en"
    officer.save()
    post = testing.agency("post-phitsanulok", "65", AgencyKind.POST)
    testing.person("post@example.org", Role.AGENCY_OFFICER, "65", post, name="Post")
    chiangmai = testing.person("nt50@example.org", Role.AGENCY_OFFICER, "50", nt_on_line)
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(khlong_mem_point).incident
    by_address = {email.to[0]: email for email in mail.outbox}
    assert set(by_address) == {"nt65@example.org", "nt@example.org"}, chiangmai
    assert by_address["nt65@example.org"].subject.startswith("เหตุขัดข้อง")
    english = f"Incident #{incident.pk} at NP-65060209: please repair"
    assert by_address["nt@example.org"].subject == english


def test_a_report_joining_an_open_incident_does_not_notify_again(
    nt_on_line, khlong_mem_point, line_api, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = report(khlong_mem_point).incident
        second = actions.submit_fault_report(
            khlong_mem_point, actions.ReportInput(problem="slow"), ip_address="192.0.2.8"
        ).incident
    assert first == second and len(line_api.delivered) == 1 and len(mail.outbox) == 1


def test_an_outage_incident_notifies_the_agency_too(
    nt_on_line, khlong_mem_point, line_api, django_capture_on_commit_callbacks
):
    now = timezone.now()
    khlong_mem_point.last_seen = now - timedelta(hours=1)
    khlong_mem_point.save()
    with django_capture_on_commit_callbacks(execute=True):
        assert health.mark_down(khlong_mem_point, now)
    assert [push.to for push in line_api.delivered] == [NT_LINE]


def test_a_failed_push_to_the_agency_is_retried_and_logged(
    nt_on_line, khlong_mem_point, line_api, caplog, django_capture_on_commit_callbacks
):
    line_api.fail_next(500)
    with django_capture_on_commit_callbacks(execute=True):
        report(khlong_mem_point)
    line = Delivery.objects.get(channel=NotificationChannel.LINE)
    assert line.status == DeliveryStatus.SENT and line.attempts == 2
    assert "could not send notification" in caplog.text and len(line_api.delivered) == 1


def test_the_provider_is_reminded_before_and_the_provincial_officer_told_after_the_deadline(
    nt_on_line,
    khlong_mem_point,
    officer_on_line,
    chiangmai_officer,
    line_api,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.NETWORK_SLA_WARNING_MINUTES = 120
    opened = timezone.now() - timedelta(hours=20)
    with django_capture_on_commit_callbacks(execute=True):
        incident = report(khlong_mem_point, now=opened).incident  # due opened + 24 h
    line_api.delivered.clear()
    mail.outbox.clear()
    due = incident.sla_due

    def run(at):
        with django_capture_on_commit_callbacks(execute=True):
            return escalate_incident_slas(now=at)

    assert run(due - timedelta(hours=3)) == {SOON: 0, MISSED: 0}
    assert run(due - timedelta(hours=1)) == {SOON: 1, MISSED: 0}
    assert run(due - timedelta(minutes=30)) == {SOON: 0, MISSED: 0}  # once per stage
    (push,) = line_api.delivered
    assert push.to == NT_LINE  # the provider's office, before the deadline
    assert push.texts[0].startswith(f"เหตุขัดข้อง #{incident.pk} ที่ NP-65060209 ใกล้เกินกำหนดเวลา")
    assert [m.to for m in mail.outbox] == [["nt65@example.org"]]

    assert run(due + timedelta(minutes=1)) == {SOON: 0, MISSED: 1}
    assert run(due + timedelta(hours=5)) == {SOON: 0, MISSED: 0}
    assert line_api.delivered[-1].to == OFFICER_LINE  # the officer chose English
    assert (
        line_api.delivered[-1]
        .texts[0]
        .startswith(f"Incident #{incident.pk} at NP-65060209 has missed its deadline")
    )
    # Only Phitsanulok's officer: Chiang Mai's never hears of a Phitsanulok incident.
    assert [tuple(m.to) for m in mail.outbox] == [
        ("nt65@example.org",),
        ("officer.phitsanulok@example.org",),
    ]
    assert len(line_api.delivered) == 2


def test_an_incident_first_seen_late_gets_only_the_missed_message_and_resolved_ones_none(
    nt, khlong_mem_point, phitsanulok_officer, django_capture_on_commit_callbacks
):
    incident = report(khlong_mem_point, now=timezone.now() - timedelta(days=2)).incident
    with django_capture_on_commit_callbacks(execute=True):
        assert escalate_incident_slas() == {SOON: 0, MISSED: 1}
    assert [m.subject for m in mail.outbox] == [
        f"เหตุขัดข้อง #{incident.pk} ที่ NP-65060209 เกินกำหนดเวลาแล้ว"
    ]
    incident.status = IncidentStatus.RESOLVED
    incident.save()
    report(khlong_mem_point, now=timezone.now() - timedelta(days=3))  # a new incident …
    incident.refresh_from_db()
    new = khlong_mem_point.incidents.exclude(pk=incident.pk).get()
    new.status = IncidentStatus.RESOLVED  # … resolved before anyone looked
    new.save()
    assert escalate_incident_slas() == {SOON: 0, MISSED: 0}
