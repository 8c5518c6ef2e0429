"""The volunteers' demo: Ban Khlong Mem's volunteer (accounts' demo user) with a varied log."""

from __future__ import annotations

import pytest

from pracharat.accounts import demo as accounts_demo
from pracharat.accounts.models import User
from pracharat.core import registry
from pracharat.geo import demo as geo_demo
from pracharat.network.models import Incident
from pracharat.volunteers import demo
from pracharat.volunteers.models import Volunteer, VolunteerActivity

pytestmark = pytest.mark.django_db


def test_the_demo_is_registered_after_network_and_learning():
    assert demo.load in registry.demo_loaders


def test_the_demo_reuses_the_demo_volunteer_and_is_idempotent(geography, fast_hashing, reported):
    for _ in range(2):
        geo_demo.load()
        accounts_demo.load()
        demo.load()
    user = User.objects.get(email=demo.DEMO_EMAIL)
    volunteer = Volunteer.objects.get()
    assert volunteer.user == user and volunteer.public_name == "บุญมี"
    assert list(volunteer.postings.values_list("area_code", flat=True)) == ["65060209"]
    log = VolunteerActivity.objects.all()
    assert log.count() == len(demo.LOG)
    assert {a.kind for a in log} == {
        "helped_at_point", "taught_class", "helped_producer", "reported_fault", "community",
    }  # fmt: skip
    assert log.get(kind="reported_fault").incident == Incident.objects.get()
    assert any("น้ำพริก" in a.note for a in log.filter(kind="helped_producer"))
    # The volunteer now sees the point's incident (through the membership the registry keeps).
    assert Incident.objects.visible_to(user).count() == 1
