"""The foundation's demo lives with its apps: geo's part, then the accounts', in that order."""

from __future__ import annotations

import pytest

from pracharat.accounts import demo as accounts_demo
from pracharat.accounts.models import Agency, Membership, Role, User
from pracharat.core import registry
from pracharat.geo import demo as geo_demo
from pracharat.geo.models import Village

pytestmark = pytest.mark.django_db


def test_geo_then_accounts_lead_the_demo():
    assert registry.demo_loaders[:2] == [geo_demo.load, accounts_demo.load]


def test_the_foundation_demo_is_idempotent(geography, fast_hashing):
    for _ in range(2):
        geo_demo.load()
        accounts_demo.load()
    assert Village.objects.get(code=geo_demo.BAN_KHLONG_MEM).name_en == "Ban Khlong Mem"
    assert Agency.objects.count() == len(accounts_demo.AGENCIES)
    assert User.objects.count() == len(accounts_demo.USERS)
    volunteer = User.objects.get(email="volunteer@pracharat.local")
    assert volunteer.check_password(accounts_demo.DEMO_PASSWORD)
    assert Membership.objects.get(user=volunteer).role == Role.VOLUNTEER
    assert volunteer.area_codes() == []  # a volunteer sees no area as a whole
    officer = User.objects.get(email="officer.phitsanulok@pracharat.local")
    assert officer.area_codes() == ["65"]
