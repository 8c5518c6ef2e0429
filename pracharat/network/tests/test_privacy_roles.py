"""Least privilege in the network pillar (docs/privacy.md): incidents for those who follow or
fix the network, a reporter's contact only for those who may call back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pracharat import testing
from pracharat.accounts.models import AgencyKind, Role
from pracharat.network import actions
from pracharat.network.models import FaultReport, ServicePoint

pytestmark = pytest.mark.django_db

CONTACT = "0817776543"


@pytest.fixture
def report(khlong_mem_point):
    """A public report with a contact, on NT's Ban Khlong Mem point."""
    return actions.submit_fault_report(
        khlong_mem_point,
        actions.ReportInput(problem="no_signal", contact=CONTACT),
        ip_address="203.0.113.9",
    )


def _incident_page(client, report):
    return client.get(reverse("network:incident", args=[report.incident_id]))


def test_the_assigned_agencys_officer_sees_the_contact(client, report, nt_officer):
    client.force_login(nt_officer)
    page = _incident_page(client, report)
    assert page.status_code == 200 and CONTACT in page.content.decode()


@pytest.mark.parametrize("role", ["phitsanulok_officer", "inspector"])
def test_overseers_follow_the_incident_without_the_reporters_contact(client, report, role, request):
    client.force_login(request.getfixturevalue(role))
    page = _incident_page(client, report)
    assert page.status_code == 200
    body = page.content.decode()
    assert "NP-65060209" in body and CONTACT not in body
    api = client.get(f"/api/v1/network/incidents/{report.incident_id}")
    assert api.status_code == 200 and CONTACT not in api.content.decode()


@pytest.fixture
def another_villages_volunteer(geography):
    """The volunteer of another Tha Chang village: a village's volunteer sees only their own."""
    return testing.person("volunteer.moo1@example.org", Role.VOLUNTEER, "65060201")


@pytest.mark.parametrize("role", ["trainer", "post_officer", "another_villages_volunteer"])
def test_roles_without_network_work_see_no_incident(client, report, role, request):
    client.force_login(request.getfixturevalue(role))
    assert _incident_page(client, report).status_code == 404
    assert client.get("/api/v1/network/incidents").json()["count"] == 0
    listing = client.get(reverse("network:incidents")).content.decode()
    assert "NP-65060209" not in listing and CONTACT not in listing


def test_the_villages_volunteer_follows_the_incident_without_the_reporters_contact(
    client, report, volunteer
):
    """Volunteers were shut out of incidents; the village's own volunteer now sees those of
    the village's point (issue 9), as an overseer does: no contact."""
    client.force_login(volunteer)
    page = _incident_page(client, report)
    assert page.status_code == 200
    assert "NP-65060209" in page.content.decode() and CONTACT not in page.content.decode()
    api = client.get(f"/api/v1/network/incidents/{report.incident_id}")
    assert api.status_code == 200 and CONTACT not in api.content.decode()
    assert client.get("/api/v1/network/incidents").json()["count"] == 1


def test_nt_sees_its_own_work_not_another_providers(client, ban_khlong_mem, nt_officer, report):
    other = testing.agency("other-isp", "65", AgencyKind.TELECOM)
    point = ServicePoint.objects.create(
        code="NP-65060209-B", village=ban_khlong_mem, place_name="โรงเรียน", provider=other
    )
    theirs = actions.submit_fault_report(
        point, actions.ReportInput(problem="slow", contact="0829998888"), ip_address="192.0.2.4"
    )
    client.force_login(nt_officer)
    assert _incident_page(client, theirs).status_code == 404
    assert _incident_page(client, report).status_code == 200


def test_an_area_operator_may_call_back(client, report):
    operator = testing.person("operator@example.org", Role.OPERATOR, "65")
    client.force_login(operator)
    assert CONTACT in _incident_page(client, report).content.decode()
    shown = FaultReport.objects.with_contact_for(operator).get().contact_shown
    assert shown == CONTACT


def test_contact_annotation_for_an_anonymous_user(report):
    from django.contrib.auth.models import AnonymousUser

    assert FaultReport.objects.with_contact_for(AnonymousUser()).get().contact_shown == ""
