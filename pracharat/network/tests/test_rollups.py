"""Daily, monthly and area rollups: incremental, exact across midnight, fiscal years."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from pracharat.network import rollups
from pracharat.network.accounting import INTERIM, START, STOP, SessionEvent, apply_events
from pracharat.network.models import AreaDailyUsage, DailyUsage, MonthlyUsage, RollupMark
from pracharat.network.tests.conftest import bangkok

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 24)


def event(point, kind, at, key, user="u1", seconds=None, down=0, up=0):
    return SessionEvent(
        session_key=key,
        kind=kind,
        at=at,
        service_point_id=point.pk,
        area_code=point.area_code,
        user_hash=user,
        session_time=seconds,
        input_octets=up,
        output_octets=down,
    )


def usage(point, day=DAY) -> DailyUsage:
    return DailyUsage.objects.get(service_point=point, day=day)


def test_pending_marks_become_daily_monthly_and_area_rows(khlong_mem_point):
    p = khlong_mem_point
    nine = bangkok(2026, 11, 24, 9, 0)
    apply_events(
        [
            event(p, START, nine, "a", user="u1"),
            event(p, START, nine + timedelta(minutes=30), "b", user="u2"),
            event(
                p, STOP, nine + timedelta(hours=1), "a", user="u1", seconds=3600, down=1000, up=10
            ),
            event(p, START, nine + timedelta(hours=2), "c", user="u1"),
            event(p, STOP, nine + timedelta(hours=3), "c", user="u1", seconds=3600, down=500),
        ]
    )
    result = rollups.rollup_pending()
    assert result.marks == 1 and not RollupMark.objects.exists()
    day = usage(p)
    assert (day.sessions, day.unique_users, day.peak_concurrent) == (3, 2, 2)
    assert (day.bytes_out, day.bytes_in) == (1500, 10)
    # "b" is open and has reported nothing since its Start: no time yet.
    assert day.session_seconds == 7200
    month = MonthlyUsage.objects.get(service_point=p, month=date(2026, 11, 1))
    assert (month.sessions, month.user_days, month.active_days) == (3, 2, 1)
    district = AreaDailyUsage.objects.get(area_code="6506", day=DAY)
    province = AreaDailyUsage.objects.get(area_code="65", day=DAY)
    assert district.level == 4 and province.level == 2
    assert (district.sessions, province.sessions, province.points) == (3, 3, 1)


def test_a_session_across_midnight_is_split_exactly(khlong_mem_point):
    p = khlong_mem_point
    start = bangkok(2026, 11, 24, 23, 0)
    apply_events(
        [
            event(p, START, start, "night"),
            event(p, STOP, start + timedelta(hours=2), "night", seconds=7200, down=1001, up=3),
        ]
    )
    rollups.rollup_pending()
    first, second = usage(p), usage(p, DAY + timedelta(days=1))
    assert (first.sessions, second.sessions) == (1, 0)  # counted on the day it started
    assert (first.unique_users, second.unique_users) == (1, 1)  # a user of both days
    assert (first.session_seconds, second.session_seconds) == (3600, 3600)
    assert first.bytes_out + second.bytes_out == 1001
    assert first.bytes_in + second.bytes_in == 3


def test_a_late_stop_corrects_the_day_the_session_belongs_to(khlong_mem_point):
    p = khlong_mem_point
    morning = bangkok(2026, 11, 20, 8, 0)
    apply_events([event(p, START, morning, "old")])
    rollups.rollup_pending()
    assert usage(p, date(2026, 11, 20)).session_seconds == 0
    # Days later the NAS delivers the Stop it had queued.
    apply_events([event(p, STOP, morning + timedelta(minutes=45), "old", seconds=2700, down=77)])
    assert list(RollupMark.objects.values_list("day", flat=True)) == [date(2026, 11, 20)]
    rollups.rollup_pending()
    fixed = usage(p, date(2026, 11, 20))
    assert (fixed.session_seconds, fixed.bytes_out) == (2700, 77)
    assert not DailyUsage.objects.exclude(day=date(2026, 11, 20)).exists()


def test_interim_updates_keep_today_current(khlong_mem_point):
    p = khlong_mem_point
    t = bangkok(2026, 11, 24, 12, 0)
    apply_events([event(p, START, t, "s")])
    rollups.rollup_pending()
    apply_events([event(p, INTERIM, t + timedelta(minutes=10), "s", seconds=600, down=5)])
    rollups.rollup_pending()
    assert (usage(p).session_seconds, usage(p).bytes_out) == (600, 5)


def test_rollup_range_rebuilds_without_marks(khlong_mem_point):
    p = khlong_mem_point
    t = bangkok(2026, 11, 23, 23, 30)
    apply_events([event(p, STOP, t + timedelta(hours=1), "x", seconds=3600, down=100)])
    RollupMark.objects.all().delete()
    DailyUsage.objects.all().delete()
    result = rollups.rollup_range(date(2026, 11, 23), date(2026, 11, 24))
    assert result.point_days == 2
    assert usage(p, date(2026, 11, 23)).session_seconds == 1800
    assert usage(p).session_seconds == 1800
    assert rollups.national_per_day(date(2026, 11, 23), date(2026, 11, 24))[1]["seconds"] == 1800


def test_monthly_and_fiscal_year_totals(khlong_mem_point):
    p = khlong_mem_point
    for day, key in (
        (bangkok(2025, 10, 5, 9), "oct"),
        (bangkok(2026, 9, 30, 9), "sep"),
        (bangkok(2026, 10, 1, 9), "next-fy"),
    ):
        apply_events([event(p, STOP, day, key, seconds=60, down=10)])
    rollups.rollup_pending()
    fy = rollups.fiscal_year_totals(2569, "65")
    assert (fy["sessions"], fy["bytes_out"], fy["points"]) == (2, 20, 1)
    months = rollups.monthly_totals("6506", start=date(2025, 10, 1), end=date(2026, 10, 1))
    assert [m["month"] for m in months] == [date(2025, 10, 1), date(2026, 9, 1), date(2026, 10, 1)]
    assert rollups.breakdown("65", date(2025, 10, 1), date(2026, 10, 31))[0]["area_code"] == "6506"
    assert rollups.ranked_points("", date(2026, 9, 1))[0].service_point == p


def test_a_month_keeps_its_busiest_day_and_the_migration_fills_old_months(khlong_mem_point):
    """``MonthlyUsage.max_daily_users`` is the most users of one day: written by the rollup,
    and filled from the days by migration 0009 for months rolled up before it existed."""
    from importlib import import_module

    from django.apps import apps

    p = khlong_mem_point
    for n, day in enumerate((3, 3, 3, 4, 9)):
        apply_events([event(p, STOP, bangkok(2026, 3, day, 9 + n), f"s{n}", f"u{n}", 60)])
    rollups.rollup_pending()
    month = MonthlyUsage.objects.get(service_point=p, month=date(2026, 3, 1))
    busiest = max(DailyUsage.objects.filter(service_point=p).values_list("unique_users", flat=True))
    assert busiest > 1 and month.max_daily_users == busiest
    assert month.user_days == 5

    MonthlyUsage.objects.update(max_daily_users=0)
    import_module("pracharat.network.migrations.0009_monthly_max_daily_users").fill(apps, None)
    month.refresh_from_db()
    assert month.max_daily_users == busiest
