"""Accounting sessions by month: one row per session across a month's edge, and on PostgreSQL
monthly partitions made ahead and dropped whole after retention while the rollups stay."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.utils import timezone

from pracharat.core.lib.thaidate import month_start
from pracharat.network import partitions, retention, rollups
from pracharat.network.accounting import START, STOP, SessionEvent, apply_events
from pracharat.network.models import AccountingSession, DailyUsage

pytestmark = pytest.mark.django_db
BANGKOK = ZoneInfo("Asia/Bangkok")


def pg_only():
    if connection.vendor != "postgresql":
        pytest.skip("declarative partitioning is PostgreSQL's")


def event(point, key, kind, at, seconds=None, down=0):
    return SessionEvent(
        session_key=key,
        kind=kind,
        at=at,
        service_point_id=point.pk,
        area_code=point.area_code,
        session_time=seconds,
        output_octets=down,
    )


def session(point, key, started, minutes=60, down=1000):
    ended = started + timedelta(minutes=minutes)
    return AccountingSession.objects.create(
        session_key=key,
        service_point=point,
        area_code=point.area_code,
        started_at=started,
        updated_at=ended,
        stopped_at=ended,
        ended_at=ended,
        session_time=minutes * 60,
        output_octets=down,
        status="closed",
    )


def test_the_bucket_is_the_local_month_the_session_started_in():
    late = datetime(2026, 11, 30, 17, 30, tzinfo=ZoneInfo("UTC"))  # 00:30 on 1 Dec in Bangkok
    assert partitions.bucket_of(late) == date(2026, 12, 1)
    assert partitions.near_edge(late)
    assert not partitions.near_edge(datetime(2026, 12, 15, 12, tzinfo=BANGKOK))


def test_a_session_across_a_months_edge_stays_one_row(khlong_mem_point):
    """The Start says 23:59:50 on 30 November; the Stop's clock, minus its session time, says a
    few seconds past midnight: the estimates fall in two months, the session in one row."""
    p = khlong_mem_point
    start = datetime(2026, 11, 30, 23, 59, 50, tzinfo=BANGKOK)
    apply_events([event(p, "edge-1", START, start)])
    stop_at = start + timedelta(seconds=620)  # 20 s of clock skew against the session time
    apply_events([event(p, "edge-1", STOP, stop_at, seconds=600, down=5000)])

    rows = list(AccountingSession.objects.filter(session_key="edge-1"))
    assert len(rows) == 1
    assert rows[0].bucket == date(2026, 11, 1)
    assert rows[0].status == "closed" and rows[0].output_octets == 5000


def test_the_stop_first_then_the_start_is_still_one_row(khlong_mem_point):
    p = khlong_mem_point
    start = datetime(2026, 11, 30, 23, 59, 55, tzinfo=BANGKOK)
    apply_events([event(p, "edge-2", STOP, start + timedelta(seconds=610), seconds=600)])
    apply_events([event(p, "edge-2", START, start)])
    assert AccountingSession.objects.filter(session_key="edge-2").count() == 1


def test_the_job_makes_the_coming_months_and_moves_their_rows_out_of_the_default(
    khlong_mem_point,
):
    pg_only()
    now = timezone.now()
    this_month = partitions.bucket_of(now)
    far = month_start(this_month, -4)
    # A NAS whose clock is four months ahead: no partition yet, so the default holds it.
    far_start = datetime(far.year, far.month, 10, 12, tzinfo=BANGKOK)
    session(khlong_mem_point, "from-the-future", far_start)
    assert far not in partitions.months()

    partitions.maintain(now=now)
    made = partitions.months()
    assert {month_start(this_month, -n) for n in range(3)} <= set(made)

    later = datetime(far.year, far.month, 1, 12, tzinfo=BANGKOK)
    result = partitions.maintain(now=later)
    assert f"{far:%Y-%m}" in result["made"]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT session_key FROM {partitions.partition_name(far)}")  # noqa: S608
        assert cursor.fetchall() == [("from-the-future",)]
        cursor.execute(f"SELECT count(*) FROM {partitions.DEFAULT}")  # noqa: S608
        assert cursor.fetchone()[0] == 0
    # Running again makes nothing twice.
    assert partitions.maintain(now=later)["made"] == []


def test_an_expired_month_is_dropped_whole_and_its_rollups_stay(khlong_mem_point, settings):
    pg_only()
    settings.ACCOUNTING_RETENTION_DAYS = 90
    p = khlong_mem_point
    now = timezone.now()
    old = month_start(partitions.bucket_of(now), 6)
    older_still = month_start(old, 1)
    for month in (older_still, old):
        partitions.create_month(month)
    day = datetime(old.year, old.month, 15, 12, tzinfo=BANGKOK)
    for i in range(3):
        session(p, f"old-{i}", day, down=100)
    # A session that began in the older month and was still going yesterday keeps that month.
    long_one = datetime(older_still.year, older_still.month, 20, 12, tzinfo=BANGKOK)
    long = session(p, "still-going", long_one)
    AccountingSession.objects.filter(pk=long.pk).update(
        ended_at=now - timedelta(days=1), updated_at=now - timedelta(days=1), stopped_at=None
    )
    rollups.rollup_range(day.date(), day.date())
    before = DailyUsage.objects.get(service_point=p, day=day.date())
    assert before.sessions >= 3

    result = partitions.maintain(now=now)

    assert f"{old:%Y-%m}" in result["dropped"]
    assert old not in partitions.months() and older_still in partitions.months()
    assert set(AccountingSession.objects.values_list("session_key", flat=True)) == {"still-going"}
    after = DailyUsage.objects.get(service_point=p, day=day.date())
    assert (after.sessions, after.bytes_out) == (before.sessions, before.bytes_out)
    # The expired rows of a month that stays are not deleted one by one either.
    assert result["purged"]["deleted"] == 0


def test_expired_rows_of_the_default_partition_are_purged(khlong_mem_point, settings):
    pg_only()
    settings.ACCOUNTING_RETENTION_DAYS = 90
    now = timezone.now()
    old = datetime.combine(retention.first_kept_day(now) - timedelta(days=40), datetime.min.time())
    session(khlong_mem_point, "no-month-of-its-own", old.replace(tzinfo=BANGKOK))
    assert partitions.bucket_of(old.replace(tzinfo=BANGKOK)) not in partitions.months()

    assert partitions.maintain(now=now)["purged"]["deleted"] == 1
    assert not AccountingSession.objects.exists()


def test_the_table_is_partitioned_on_postgresql_and_plain_elsewhere():
    assert partitions.partitioned() is (connection.vendor == "postgresql")


def utc(*args):
    return datetime(*args, tzinfo=ZoneInfo("UTC"))


def test_month_around_the_new_year_in_bangkok():
    # 17:00 UTC on 31 December is midnight of 1 January in Bangkok (UTC+7).
    december = (date(2026, 12, 1), utc(2026, 11, 30, 17), utc(2026, 12, 31, 17))
    january = (date(2027, 1, 1), utc(2026, 12, 31, 17), utc(2027, 1, 31, 17))
    last_instant = utc(2026, 12, 31, 17) - timedelta(microseconds=1)
    for at, expected in (
        (last_instant, december),
        (utc(2026, 12, 31, 17), january),  # the upper bound belongs to the next month
        (last_instant, december),  # asked again, now from the months cached
        (datetime(2027, 1, 1, tzinfo=BANGKOK), january),
        (datetime(2026, 12, 1, tzinfo=BANGKOK), december),
        (datetime(2026, 12, 1, tzinfo=BANGKOK) - timedelta(microseconds=1), None),
    ):
        found = partitions._month_around(at)
        if expected is None:
            assert found[0] == date(2026, 11, 1)
            assert found[2] == december[1]
        else:
            assert found == expected, at


def test_months_around_follow_each_other_without_gaps_over_leap_and_common_years():
    previous = None
    for n in range(38):  # November 2026 to December 2029, February 2028 with 29 days
        year, month = divmod(2026 * 12 + 10 + n, 12)
        first = date(year, month + 1, 1)
        start = datetime(first.year, first.month, 1, tzinfo=BANGKOK)
        found = partitions._month_around(start + timedelta(days=14))
        assert found[0] == first
        assert found[1] == start
        assert partitions._month_around(start) == found
        assert partitions._month_around(found[2] - timedelta(microseconds=1)) == found
        if previous is not None:
            assert previous[2] == found[1]
        previous = found
    assert partitions._month_around(datetime(2028, 2, 29, 23, 59, tzinfo=BANGKOK))[2] == (
        datetime(2028, 3, 1, tzinfo=BANGKOK)
    )


def test_month_around_follows_the_configured_zone_not_the_cached_one(settings):
    at = utc(2026, 12, 31, 18)  # 1 January in Bangkok, still 31 December in UTC
    assert partitions._month_around(at)[0] == date(2027, 1, 1)
    settings.TIME_ZONE = "UTC"
    assert partitions._month_around(at) == (
        date(2026, 12, 1),
        utc(2026, 12, 1),
        utc(2027, 1, 1),
    )


def test_month_around_reads_a_naive_datetime_as_the_machines_local_time():
    naive = datetime(2027, 1, 1, 3, 0)
    assert partitions._month_around(naive) == partitions._month_around(naive.astimezone())
