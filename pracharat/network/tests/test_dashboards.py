"""Dashboard reads: per-day and per-month series, fiscal years, rankings, bounded queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pracharat.network import dashboards
from pracharat.network.models import PointStatus
from pracharat.network.tests.webfixtures import *  # noqa: F403 - fixtures
from pracharat.network.tests.webfixtures import make_points, use

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 20)  # FY 2570 began on 1 October 2026


def test_daily_series_fills_missing_days(khlong_mem_point):
    use(khlong_mem_point, day=TODAY, users=4)
    use(khlong_mem_point, day=TODAY - dt.timedelta(days=2), users=2)
    for code in ("", "65", "6506", "650602", "65060209"):
        days = dashboards.daily_series(code, TODAY - dt.timedelta(days=3), TODAY)
        assert [d.users for d in days] == [0, 2, 0, 4], code
        assert days[-1].sessions == 4 and days[-1].bytes_total == 4 * 21_000_000


def test_fiscal_years_split_on_1_october(khlong_mem_point):
    use(khlong_mem_point, day=dt.date(2026, 9, 30), users=3)  # last day of FY 2569
    use(khlong_mem_point, day=dt.date(2026, 10, 1), users=5)  # first day of FY 2570
    use(khlong_mem_point, day=dt.date(2025, 10, 1), users=1)  # first day of FY 2569
    pic = dashboards.picture("65", today=TODAY)
    current, previous = pic.fiscal_years
    assert (current.year.be, current.users, current.partial) == (2570, 5, True)
    assert (previous.year.be, previous.users, previous.partial) == (2569, 4, False)
    months = {m.day: m.users for m in pic.months}
    assert months[dt.date(2026, 9, 1)] == 3 and months[dt.date(2026, 10, 1)] == 5
    assert len(pic.months) == 12 and pic.months[-1].day == dt.date(2026, 11, 1)


def test_best_worst_and_idle_points(nt_agency):
    busy, quiet, idle, *_ = make_points(5, provider=nt_agency)
    use(busy, day=TODAY, users=6)
    use(quiet, day=TODAY, users=1, sessions_each=9)
    pic = dashboards.picture("65", today=TODAY)
    assert [r.service_point for r in pic.best][:2] == [busy, quiet]
    assert pic.worst[0].service_point == quiet
    assert idle in pic.idle and pic.idle_count == 3
    by_sessions = dashboards.picture("65", today=TODAY, rank_key="sessions")
    assert by_sessions.best[0].service_point == quiet


def test_decommissioned_points_are_not_ranked(nt_agency):
    gone, kept = make_points(2, provider=nt_agency)
    use(gone, day=TODAY, users=9)
    use(kept, day=TODAY, users=1)
    gone.status = PointStatus.DECOMMISSIONED
    gone.save()
    pic = dashboards.picture("", today=TODAY)
    assert [r.service_point for r in pic.best] == [kept]
    assert gone not in pic.idle


def test_picture_runs_the_same_queries_at_any_size(nt_agency):
    points = make_points(5, provider=nt_agency)
    use(points[0], day=TODAY, users=2)
    with CaptureQueriesContext(connection) as small:
        dashboards.picture("65", today=TODAY)
    more = make_points(60, provider=nt_agency, first=5)
    for p in more[:20]:
        use(p, day=TODAY - dt.timedelta(days=40), users=1)
    with CaptureQueriesContext(connection) as large:
        dashboards.picture("65", today=TODAY)
    assert len(small.captured_queries) == len(large.captured_queries) <= 8
