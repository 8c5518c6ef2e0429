"""Public fault reports and officers' incident work, through the pages and the actions."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pracharat.core.errors import Conflict, Invalid, NotAllowed
from pracharat.network import actions
from pracharat.network.models import (
    FaultReport,
    Incident,
    IncidentEventKind,
    IncidentSource,
    IncidentStatus,
)
from pracharat.network.tests.webfixtures import *  # noqa: F403 - fixtures

pytestmark = pytest.mark.django_db


def png(size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile("broken-ap.png", buffer.getvalue(), content_type="image/png")


def jpeg_with_gps() -> SimpleUploadedFile:
    exif = Image.Exif()
    exif[0x0110] = "Phone Model X"  # Model
    exif[0x8825] = {1: "N", 2: (16.0, 58.0, 45.0)}  # GPSInfo
    buffer = io.BytesIO()
    Image.new("RGB", (2400, 1200), (10, 120, 60)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile("IMG_0001.jpg", buffer.getvalue(), content_type="image/jpeg")


def report(client, code="NP-65060209", ip="203.0.113.7", **data):
    form = {"problem": "no_signal", "description": "ไฟไม่ติดที่ตัวกระจายสัญญาณ"} | data
    return client.post(reverse("network:point", args=[code]), form, REMOTE_ADDR=ip)


def test_report_creates_an_incident_for_nt(client, khlong_mem_point, nt, thai):
    response = report(client, photo=png(), contact="0812345678")
    assert response.status_code == 302
    fault = FaultReport.objects.get()
    assert response["Location"].endswith(f"/network/track/{fault.reference}/")
    assert fault.photo.name.startswith("network/faults/")
    assert fault.ip_hash and "203.0.113.7" not in fault.ip_hash
    incident = fault.incident
    assert incident.agency == nt
    assert incident.source == IncidentSource.REPORT
    assert incident.status == IncidentStatus.OPEN
    assert incident.sla_due > incident.opened_at
    assert [e.kind for e in incident.events.all()] == [IncidentEventKind.OPENED]
    page = client.get(response["Location"]).content.decode()
    assert "ขอบคุณ" in page and fault.reference in page  # the thank-you, with the reference
    assert 'data-test="step-assigned"' in page and "0812345678" not in page
    point_page = client.get(reverse("network:point", args=["NP-65060209"])).content.decode()
    assert 'data-test="incident"' in point_page


def test_photo_is_stored_without_metadata_and_scaled(client, khlong_mem_point):
    original = jpeg_with_gps()
    with Image.open(io.BytesIO(original.read())) as check:
        assert check.getexif()  # the upload does carry EXIF
    original.seek(0)
    assert report(client, photo=original).status_code == 302
    stored = FaultReport.objects.get().photo
    assert stored.name.endswith(".jpg")
    with Image.open(stored.path) as image:
        assert not image.getexif()
        assert max(image.size) == 1600


def test_second_report_joins_the_open_incident(client, khlong_mem_point):
    report(client, ip="203.0.113.1")
    report(client, ip="203.0.113.2", problem="slow")
    assert Incident.objects.count() == 1
    incident = Incident.objects.get()
    assert incident.reports.count() == 2
    assert incident.events.filter(kind=IncidentEventKind.REPORTED).count() == 1


def test_rate_limit_per_client_and_point(client, khlong_mem_point, thai, settings):
    for _ in range(settings.NETWORK_REPORTS_PER_POINT_PER_CLIENT):
        assert report(client).status_code == 302
    over = report(client)
    assert over.status_code == 429
    assert "ลองใหม่ภายหลัง" in over.content.decode()
    assert "try again later" not in over.content.decode()  # all Thai, no English half
    assert FaultReport.objects.count() == settings.NETWORK_REPORTS_PER_POINT_PER_CLIENT
    # Someone else at another address can still report.
    assert report(client, ip="198.51.100.9").status_code == 302


def test_rate_limit_per_client_across_points(khlong_mem_point, chiangmai_point, settings):
    settings.NETWORK_REPORTS_PER_CLIENT = 4  # read at call time
    data = actions.ReportInput(problem="other")
    for _ in range(3):
        actions.submit_fault_report(khlong_mem_point, data, ip_address="192.0.2.1")
    actions.submit_fault_report(chiangmai_point, data, ip_address="192.0.2.1")
    with pytest.raises(actions.RateLimited):
        actions.submit_fault_report(chiangmai_point, data, ip_address="192.0.2.1")
    actions.submit_fault_report(chiangmai_point, data, ip_address="192.0.2.2")
    assert FaultReport.objects.count() == 5


def test_a_get_never_writes(client, khlong_mem_point):
    for _ in range(5):
        client.get(reverse("network:point", args=["NP-65060209"]))
    assert not FaultReport.objects.exists() and not Incident.objects.exists()


@pytest.mark.parametrize(
    "photo",
    [
        SimpleUploadedFile("virus.png", b"MZ\x90\x00 not an image", content_type="image/png"),
        SimpleUploadedFile("notes.txt", b"hello", content_type="text/plain"),
    ],
)
def test_bad_photo_is_rejected_and_nothing_written(client, khlong_mem_point, photo):
    response = report(client, photo=photo)
    assert response.status_code == 400
    assert response.context["form"].errors["photo"]
    assert not FaultReport.objects.exists() and not Incident.objects.exists()


def test_oversized_photo_is_rejected(client, khlong_mem_point, monkeypatch, thai):
    from pracharat.network import forms

    monkeypatch.setattr(forms.FaultReportForm.base_fields["photo"], "max_bytes", 100)
    response = report(client, photo=png((200, 200)))
    assert response.status_code == 400
    assert not FaultReport.objects.exists()
    body = response.content.decode()
    assert "ไฟล์มีขนาดเกิน" in body and "The file is larger than" in body


def test_bad_problem_writes_nothing(client, khlong_mem_point):
    assert report(client, problem="made-up").status_code == 400
    assert not FaultReport.objects.exists() and not Incident.objects.exists()


def test_report_needs_csrf(khlong_mem_point):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("network:point", args=["NP-65060209"]), {"problem": "slow"})
    assert response.status_code == 403
    assert not FaultReport.objects.exists()


@pytest.fixture
def reported(khlong_mem_point):
    fault = actions.submit_fault_report(
        khlong_mem_point, actions.ReportInput(problem="no_signal"), ip_address="203.0.113.5"
    )
    return fault.incident


def test_nt_officer_acknowledges_notes_and_resolves(client, reported, nt_officer):
    client.force_login(nt_officer)
    url = lambda action: reverse("network:incident_action", args=[reported.pk, action])  # noqa: E731
    assert client.post(url("acknowledge"), {"note": "ส่งช่างแล้ว"}).status_code == 302
    assert client.post(url("note"), {"note": "เปลี่ยนอะแดปเตอร์"}).status_code == 302
    assert client.post(url("resolve"), {"resolution": "เปลี่ยนอุปกรณ์ใหม่"}).status_code == 302
    reported.refresh_from_db()
    assert reported.status == IncidentStatus.RESOLVED
    assert reported.resolution == "เปลี่ยนอุปกรณ์ใหม่"
    kinds = list(reported.events.values_list("kind", "actor"))
    assert kinds == [
        (IncidentEventKind.OPENED, None),
        (IncidentEventKind.ACKNOWLEDGED, nt_officer.pk),
        (IncidentEventKind.NOTE, nt_officer.pk),
        (IncidentEventKind.RESOLVED, nt_officer.pk),
    ]
    audit = LogEntry.objects.get_for_object(reported).filter(actor=nt_officer)
    assert audit.count() == 2  # acknowledge and resolve changed the incident row


def test_resolving_twice_shows_a_clear_error(client, reported, nt_officer):
    client.force_login(nt_officer)
    url = reverse("network:incident_action", args=[reported.pk, "resolve"])
    client.post(url, {"resolution": "ok"})
    again = client.post(url, {"resolution": "ok"})
    assert again.status_code == 400
    assert "แก้ไขแล้ว" in again.content.decode()


def test_empty_resolution_is_refused(client, reported, nt_officer):
    client.force_login(nt_officer)
    response = client.post(
        reverse("network:incident_action", args=[reported.pk, "resolve"]), {"resolution": " "}
    )
    assert response.status_code == 400
    reported.refresh_from_db()
    assert reported.is_open


def test_provincial_officer_may_note_but_not_resolve(client, reported, phitsanulok_officer):
    client.force_login(phitsanulok_officer)
    note = client.post(
        reverse("network:incident_action", args=[reported.pk, "note"]), {"note": "ติดตาม"}
    )
    assert note.status_code == 302
    resolve = client.post(
        reverse("network:incident_action", args=[reported.pk, "resolve"]), {"resolution": "x"}
    )
    assert resolve.status_code == 403
    reported.refresh_from_db()
    assert reported.is_open


def test_actions_check_permissions_themselves(reported, volunteer, nt_officer):
    with pytest.raises(NotAllowed):
        actions.resolve_incident(reported, volunteer, "x")
    with pytest.raises(Invalid) as caught:
        actions.add_incident_note(reported, nt_officer, "")
    assert caught.value.field == "note"
    actions.acknowledge_incident(reported, nt_officer)
    with pytest.raises(Conflict):
        actions.acknowledge_incident(reported, nt_officer)


def test_the_knobs_are_read_when_a_report_is_filed(khlong_mem_point):
    from django.test import override_settings

    data = actions.ReportInput(problem="other")
    with override_settings(NETWORK_REPORTS_PER_POINT_PER_CLIENT=1, NETWORK_REPORT_SLA_HOURS=2):
        first = actions.submit_fault_report(khlong_mem_point, data, ip_address="192.0.2.7")
        assert first.incident.sla_due - first.incident.opened_at == dt.timedelta(hours=2)
        with pytest.raises(actions.RateLimited):
            actions.submit_fault_report(khlong_mem_point, data, ip_address="192.0.2.7")
    # Back to the default (3 per point per client): the same client may report again.
    actions.submit_fault_report(khlong_mem_point, data, ip_address="192.0.2.7")
    assert FaultReport.objects.count() == 2


def test_a_refused_report_costs_no_one_an_attempt(khlong_mem_point, chiangmai_point, settings):
    settings.NETWORK_REPORTS_PER_POINT = 1
    settings.NETWORK_REPORTS_PER_CLIENT = 2
    data = actions.ReportInput(problem="other")
    actions.submit_fault_report(khlong_mem_point, data, ip_address="192.0.2.8")
    for _ in range(5):  # the point is full; these must not use up the client's own limits
        with pytest.raises(actions.RateLimited):
            actions.submit_fault_report(khlong_mem_point, data, ip_address="192.0.2.9")
    actions.submit_fault_report(chiangmai_point, data, ip_address="192.0.2.9")
    assert FaultReport.objects.count() == 2
