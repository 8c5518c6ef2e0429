"""Volunteers fixtures: Ban Khlong Mem's point (NT's), an incident there, a second village."""

from __future__ import annotations

import pytest

from pracharat import testing
from pracharat.accounts.models import AgencyKind, Role
from pracharat.geo.models import Village
from pracharat.network import actions as network_actions
from pracharat.network.models import ServicePoint


@pytest.fixture
def nt(geography):
    return testing.agency("nt-phitsanulok", "65", AgencyKind.TELECOM)


@pytest.fixture
def khlong_mem_point(ban_khlong_mem, nt):
    return ServicePoint.objects.create(
        code="NP-65060209", village=ban_khlong_mem, place_name="ศาลาประชาคมบ้านคลองเมม", provider=nt
    )


@pytest.fixture
def other_village(geography):
    """Moo 1 of the same sub-district (Tha Chang), with its own point."""
    village, _ = Village.objects.get_or_create(
        code="65060201", defaults={"subdistrict_id": "650602", "moo": 1, "name_th": "บ้านท่าช้าง"}
    )
    return village


@pytest.fixture
def other_point(other_village, nt):
    return ServicePoint.objects.create(
        code="NP-65060201", village=other_village, place_name="โรงเรียนบ้านท่าช้าง", provider=nt
    )


@pytest.fixture
def reported(khlong_mem_point):
    """A public report with a contact: the point's open incident."""
    return network_actions.submit_fault_report(
        khlong_mem_point,
        network_actions.ReportInput(problem="no_signal", contact="0817776543"),
        ip_address="203.0.113.9",
    )


@pytest.fixture
def other_volunteer(other_village):
    user = testing.person("volunteer.moo1@example.org", Role.VOLUNTEER, "65060201", name="สมศรี")
    return testing.volunteer_record(user, villages=("65060201",))
