"""The villager's loop: a report gets a reference and a public status page; the point page shows
the open incident and the recent fixes; a closed point says where to go instead and takes no
reports; the village's volunteer follows from the start; technicians get directions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pracharat.core.errors import Conflict
from pracharat.network import actions, directions
from pracharat.network.models import (
    REFERENCE_ALPHABET,
    FaultReport,
    IncidentFollower,
    PointStatus,
    ServicePoint,
    new_reference,
    normal_reference,
)
from pracharat.network.tests.webfixtures import make_points

pytestmark = pytest.mark.django_db


def file_report(point, ip="192.0.2.7", **data):
    return actions.submit_fault_report(
        point, actions.ReportInput(problem="no_signal", **data), ip_address=ip
    )


def test_references_are_random_readable_and_forgiving_to_type():
    refs = {new_reference() for _ in range(2000)}
    assert len(refs) == 2000  # random: no two alike, nothing counts up
    for ref in list(refs)[:50]:
        assert len(ref) == 9 and ref[4] == "-"
        assert set(ref.replace("-", "")) <= set(REFERENCE_ALPHABET)
        assert normal_reference(ref.lower().replace("-", " ")) == ref
    assert normal_reference("ABCD-EFGO") == ""  # O is not in the alphabet (0/O)
    assert normal_reference("ACDE") == "" and normal_reference("") == ""


def test_a_report_is_followed_by_its_reference_through_every_step(
    client, khlong_mem_point, nt_officer, thai
):
    report = file_report(khlong_mem_point, contact="0812345678", description="ไฟดับ")
    assert FaultReport.objects.get().reference == report.reference
    url = reverse("network:track_report", args=[report.reference])

    def steps():
        page = client.get(url)
        assert page.status_code == 200
        body = page.content.decode()
        assert "0812345678" not in body and "ไฟดับ" not in body  # nothing of the person
        return body

    body = steps()
    assert 'class="done" data-test="step-received"' in body
    assert 'class="done current" data-test="step-assigned"' in body
    assert 'class="" data-test="step-fixing"' in body
    actions.acknowledge_incident(report.incident, nt_officer, "ช่างกำลังไป")
    assert 'class="done current" data-test="step-fixing"' in steps()
    actions.resolve_incident(report.incident, nt_officer, "เปลี่ยนอะแดปเตอร์")
    body = steps()
    assert 'class="done current" data-test="step-fixed"' in body
    assert "เปลี่ยนอะแดปเตอร์" in body


def test_the_lookup_form_takes_the_reference_as_typed(client, khlong_mem_point):
    report = file_report(khlong_mem_point)
    typed = report.reference.lower().replace("-", " ")
    answer = client.get(reverse("network:track"), {"reference": typed})
    assert answer.status_code == 302
    assert answer["Location"] == reverse("network:track_report", args=[report.reference])
    assert client.get(reverse("network:track"), {"reference": "ACDE-FGHJ"}).status_code == 404
    bad = client.get(reverse("network:track"), {"reference": "12"})
    assert bad.status_code == 404 and "ABCD-EFGH" in bad.content.decode()
    assert client.get(reverse("network:track_report", args=["ACDE-FGHJ"])).status_code == 404


def test_a_report_without_a_provider_stays_received(client, khlong_mem_point, thai):
    khlong_mem_point.provider = None
    khlong_mem_point.save()
    report = file_report(khlong_mem_point)
    body = client.get(reverse("network:track_report", args=[report.reference])).content.decode()
    assert 'class="done current" data-test="step-received"' in body
    assert 'class="" data-test="step-assigned"' in body


def test_the_point_page_shows_the_open_incident_and_the_recent_fixes(
    client, khlong_mem_point, nt_officer, thai
):
    old = file_report(khlong_mem_point).incident
    actions.resolve_incident(old, nt_officer, "เปลี่ยนสาย LAN")
    page = client.get(reverse("network:point", args=[khlong_mem_point.code])).content.decode()
    assert 'data-test="fixes"' in page and "เปลี่ยนสาย LAN" in page
    assert 'data-test="incident"' not in page
    file_report(khlong_mem_point, ip="192.0.2.8")
    page = client.get(reverse("network:point", args=[khlong_mem_point.code])).content.decode()
    assert 'data-test="incident"' in page and 'data-test="fixes"' in page
    # A fix older than 90 days is no longer "recent".
    old.resolved_at = timezone.now() - timedelta(days=91)
    old.save()
    page = client.get(reverse("network:point", args=[khlong_mem_point.code])).content.decode()
    assert 'data-test="fixes"' not in page


def test_a_decommissioned_point_says_where_to_go_and_takes_no_report(
    client, khlong_mem_point, nt, thai
):
    nearby = make_points(6, provider=nt)
    same_sub = ServicePoint.objects.create(
        code="NP-65060201",
        village=khlong_mem_point.village,
        place_name="โรงเรียนบ้านคลองเมม",
        latitude=16.9800,
        longitude=100.1710,
        provider=nt,
    )
    khlong_mem_point.status = PointStatus.DECOMMISSIONED
    khlong_mem_point.save()
    url = reverse("network:point", args=[khlong_mem_point.code])
    page = client.get(url).content.decode()
    assert 'data-test="decommissioned"' in page and 'data-test="report-form"' not in page
    assert 'data-test="same-subdistrict"' in page and same_sub.place_name in page
    nearest = page[page.index('data-test="nearest"') :]
    assert nearest.index(same_sub.code) < min(
        nearest.index(p.code) if p.code in nearest else 10**9 for p in nearby
    )
    answer = client.post(url, {"problem": "no_signal"}, REMOTE_ADDR="192.0.2.1")
    assert answer.status_code == 302 and not FaultReport.objects.exists()
    with pytest.raises(Conflict):
        file_report(khlong_mem_point)
    assert not FaultReport.objects.exists()


def test_directions_links_come_from_the_coordinates(client, khlong_mem_point, nt_officer):
    assert directions.maps_url(16.9794, 100.1702) == (
        "https://www.google.com/maps/dir/?api=1&destination=16.979400,100.170200"
    )
    assert directions.geo_uri(16.9794, 100.1702, "ศาลา บ้าน") == (
        "geo:16.979400,100.170200?q=16.979400,100.170200(%E0%B8%A8%E0%B8%B2%E0%B8%A5%E0%B8%B2"
        "%20%E0%B8%9A%E0%B9%89%E0%B8%B2%E0%B8%99)"
    )
    assert round(directions.distance_km((16.9794, 100.1702), (16.8211, 100.2659)), 1) == 20.3
    page = client.get(reverse("network:point", args=[khlong_mem_point.code])).content.decode()
    assert "destination=16.979400,100.170200" in page and 'href="geo:16.979400' in page
    incident = file_report(khlong_mem_point).incident
    client.force_login(nt_officer)
    page = client.get(reverse("network:incident", args=[incident.pk])).content.decode()
    assert 'data-test="directions"' in page and "destination=16.979400,100.170200" in page


def test_the_village_volunteer_follows_from_the_opening_and_hears_of_it(
    volunteer, volunteer_record, khlong_mem_point, nt_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        incident = file_report(khlong_mem_point).incident
    assert IncidentFollower.objects.filter(incident=incident, user=volunteer).exists()
    told = [m for m in mail.outbox if m.to == [volunteer.email]]
    assert len(told) == 1 and "NP-65060209" in told[0].subject
    with django_capture_on_commit_callbacks(execute=True):
        actions.acknowledge_incident(incident, nt_officer)
    assert len([m for m in mail.outbox if m.to == [volunteer.email]]) == 2


def test_the_point_page_runs_the_same_queries_with_many_fixes(
    client, khlong_mem_point, nt_officer, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("network:point", args=[khlong_mem_point.code])
    actions.resolve_incident(file_report(khlong_mem_point).incident, nt_officer, "แก้แล้ว")
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for n in range(6):
        incident = file_report(khlong_mem_point, ip=f"192.0.2.{n + 10}").incident
        actions.resolve_incident(incident, nt_officer, f"แก้ครั้งที่ {n}")
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(one)
