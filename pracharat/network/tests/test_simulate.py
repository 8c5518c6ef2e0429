"""The simulator: real places, plausible traffic, idempotent; the demo loader on top of it."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from pracharat.network import demo, simulate
from pracharat.network.models import AccountingSession, DailyUsage, Nas, ServicePoint

pytestmark = pytest.mark.django_db


def test_points_sit_in_real_subdistricts_near_their_centre(geography):
    points = simulate.create_points(["65"], 12, seed=1)
    assert len(points) == 12
    for point in points:
        sub = point.village.subdistrict
        assert point.area_code.startswith("65") and point.area_code[:6] == sub.code
        assert abs(point.latitude - sub.latitude) < 0.05
        assert abs(point.longitude - sub.longitude) < 0.05
        assert point.provider.kind == "telecom"
    assert Nas.objects.filter(service_point__in=points).count() == 12
    # Same arguments, same points: nothing new.
    assert {p.pk for p in simulate.create_points(["65"], 12, seed=1)} == {p.pk for p in points}
    assert ServicePoint.objects.count() == 12


def test_history_follows_the_village_day_and_is_idempotent(geography):
    points = simulate.create_points(["65"], 10, seed=2)
    now = timezone.now()
    first = simulate.write_history(points, 7, seed=2, now=now)
    stored = AccountingSession.objects.count()
    assert stored == first.sessions > 0
    simulate.write_history(points, 7, seed=2, now=now)
    assert AccountingSession.objects.count() == stored
    hours = [
        timezone.localtime(s).hour
        for s in AccountingSession.objects.values_list("started_at", flat=True)
    ]
    night = sum(1 for h in hours if 1 <= h <= 4)
    evening = sum(1 for h in hours if 18 <= h <= 21)
    assert evening > 5 * max(night, 1)
    assert not AccountingSession.objects.filter(started_at__gt=now).exists()
    assert not AccountingSession.objects.filter(started_at__lt=now - timedelta(days=8)).exists()


def test_simulate_command_writes_and_rolls_up(geography):
    out = io.StringIO()
    call_command("simulate", province=["65"], points=5, days=3, stdout=out)
    assert "5 simulated points" in out.getvalue()
    assert DailyUsage.objects.filter(day__gte=timezone.localdate() - timedelta(days=2)).exists()


def test_demo_loader_binds_the_localhost_nas_to_ban_khlong_mem(
    geography, fast_hashing, monkeypatch
):
    monkeypatch.setattr(demo, "DEMO_POINTS", 4)
    monkeypatch.setattr(demo, "DEMO_DAYS", 2)
    from pracharat.accounts import demo as accounts_demo
    from pracharat.geo import demo as geo_demo

    geo_demo.load()
    accounts_demo.load()
    demo.load()
    demo.load()  # idempotent
    nas = Nas.objects.get(nas_ip="127.0.0.1", nas_identifier="")
    assert nas.secret == "testing123"
    assert nas.service_point.code == demo.KHLONG_MEM_CODE
    assert nas.service_point.place_name == "ศาลาประชาคมบ้านคลองเมม"
    assert nas.service_point.provider.slug == "nt-phitsanulok"
    assert ServicePoint.objects.count() == 5


def test_live_starts_follow_the_village_day_unless_steady(monkeypatch):
    """At 03:00 a village sends about a twentieth of the day's average; --steady sends the
    asked rate at any hour (a test run in the small hours must not send nothing)."""
    night = timezone.make_aware(datetime(2026, 12, 4, 3, 0))
    monkeypatch.setattr(simulate.timezone, "localtime", lambda *a: night)

    def starts(steady: bool) -> int:
        sender = simulate.LiveSender(("127.0.0.1", 9), [("nas", b"s")], steady=steady)
        sent = []
        monkeypatch.setattr(sender, "_send", lambda device, attrs: sent.append(attrs) or True)
        try:
            for _second in range(10):
                sender.step(4.0)
        finally:
            sender.close()
        return sum(1 for attrs in sent if ("Acct-Status-Type", "Start") in attrs)

    assert starts(steady=True) == 40
    assert starts(steady=False) <= 4  # 4 × 0.05 / 1.3 a second, ten seconds
