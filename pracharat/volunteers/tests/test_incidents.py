"""A village's volunteer sees and follows the incidents of their village's point (issue 9):
without the reporters' contact or photos, and told of each status change."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from pracharat import testing
from pracharat.core.errors import NotAllowed
from pracharat.core.lib import images
from pracharat.network import actions as network_actions
from pracharat.network.models import FaultReport, Incident, IncidentFollower
from pracharat.volunteers import actions

pytestmark = pytest.mark.django_db

CONTACT = "0817776543"


def test_the_volunteer_sees_their_villages_incidents_only(
    volunteer, volunteer_record, reported, other_point, other_volunteer
):
    theirs = network_actions.submit_fault_report(
        other_point, network_actions.ReportInput(problem="slow"), ip_address="192.0.2.8"
    ).incident
    assert list(Incident.objects.visible_to(volunteer)) == [reported.incident]
    assert list(Incident.objects.visible_to(other_volunteer.user)) == [theirs]


def test_an_inactive_volunteer_sees_none(
    volunteer, volunteer_record, reported, phitsanulok_officer
):
    actions.set_status(phitsanulok_officer, volunteer_record, "deactivate")
    volunteer.__dict__.pop("_pracharat_memberships", None)
    assert not Incident.objects.visible_to(volunteer).exists()


def test_the_incident_page_without_contact_or_photos(
    client, volunteer, volunteer_record, khlong_mem_point
):
    report = network_actions.submit_fault_report(
        khlong_mem_point,
        network_actions.ReportInput(
            problem="no_signal",
            contact=CONTACT,
            description="ไฟดับที่ศาลา",
            photo=images.load(testing.picture_bytes(), max_side=200),
        ),
        ip_address="203.0.113.9",
    )
    client.force_login(volunteer)
    page = client.get(reverse("network:incident", args=[report.incident_id]))
    body = page.content.decode()
    assert page.status_code == 200 and "NP-65060209" in body
    assert CONTACT not in body and 'data-test="report-photo"' not in body
    photo = client.get(reverse("network:report_photo", args=[report.pk]))
    assert photo.status_code == 404  # the public's photos stay with those who fix the point
    assert FaultReport.objects.with_contact_for(volunteer).get().contact_shown == ""
    listing = client.get(reverse("network:incidents"))
    assert (
        f'href="{reverse("network:incident", args=[report.incident_id])}"'
        in listing.content.decode()
    )


def test_following_tells_the_volunteer_of_each_status_change(
    client, volunteer, volunteer_record, reported, nt_officer, django_capture_on_commit_callbacks
):
    client.force_login(volunteer)
    url = reverse("network:incident_follow", args=[reported.incident_id])
    assert client.post(url, {"follow": "1"}).status_code == 302
    assert client.post(url, {"follow": "1"}).status_code == 302  # once, however often
    assert IncidentFollower.objects.filter(user=volunteer).count() == 1
    page = client.get(reverse("network:incident", args=[reported.incident_id])).content.decode()
    assert 'name="follow" value="0"' in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        network_actions.acknowledge_incident(reported.incident, nt_officer, "ช่างกำลังไป")
    to_volunteer = [m for m in mail.outbox if m.to == [volunteer.email]]
    assert len(to_volunteer) == 1
    assert f"#{reported.incident_id}" in to_volunteer[0].subject
    assert "ช่างกำลังไป" in to_volunteer[0].body
    with django_capture_on_commit_callbacks(execute=True):
        network_actions.resolve_incident(reported.incident, nt_officer, "เปลี่ยนอุปกรณ์แล้ว")
    assert len([m for m in mail.outbox if m.to == [volunteer.email]]) == 2
    # A note is not a status change; and after unfollowing nothing more comes.
    client.post(url, {"follow": "0"})
    assert not IncidentFollower.objects.filter(user=volunteer).exists()


def test_the_one_who_moves_it_is_not_told(
    volunteer, volunteer_record, reported, nt_officer, django_capture_on_commit_callbacks
):
    network_actions.follow_incident(reported.incident, nt_officer)
    network_actions.follow_incident(reported.incident, volunteer)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        network_actions.acknowledge_incident(reported.incident, nt_officer)
    assert [m.to for m in mail.outbox if m.to == [volunteer.email]] == [[volunteer.email]]
    assert not [m for m in mail.outbox if m.to == [nt_officer.email]]


def test_only_who_sees_an_incident_may_follow_it(
    client, other_volunteer, reported, chiangmai_officer
):
    for stranger in (other_volunteer.user, chiangmai_officer):
        with pytest.raises(NotAllowed):
            network_actions.follow_incident(reported.incident, stranger)
        client.force_login(stranger)
        url = reverse("network:incident_follow", args=[reported.incident_id])
        assert client.post(url, {"follow": "1"}).status_code == 404
    assert not IncidentFollower.objects.exists()


def test_the_volunteer_adds_a_note_but_may_not_work_on_it(
    client, volunteer, volunteer_record, reported
):
    client.force_login(volunteer)
    url = reverse("network:incident_action", args=[reported.incident_id, "note"])
    assert client.post(url, {"note": "สัญญาณกลับมาบางช่วง"}).status_code == 302
    assert reported.incident.events.filter(kind="note", actor=volunteer).exists()
    resolve = reverse("network:incident_action", args=[reported.incident_id, "resolve"])
    assert client.post(resolve, {"resolution": "x"}).status_code == 403
    assert Incident.objects.get(pk=reported.incident_id).status == "open"
