"""Accounting retention: old sessions purged in batches, rollups kept, 90 days the floor."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.utils import timezone

from pracharat.network import retention, rollups
from pracharat.network.models import AccountingSession, DailyUsage, MonthlyUsage, RollupMark

pytestmark = pytest.mark.django_db


def session(point, key, started, minutes=60, down=1000):
    ended = started + timedelta(minutes=minutes)
    return AccountingSession.objects.create(
        session_key=key,
        service_point=point,
        area_code=point.area_code,
        user_hash=f"user-{key}",
        started_at=started,
        updated_at=ended,
        stopped_at=ended,
        ended_at=ended,
        session_time=minutes * 60,
        output_octets=down,
        status="closed",
    )


def noon(days_ago: int):
    day = timezone.localdate() - timedelta(days=days_ago)
    return rollups.local_midnight(day) + timedelta(hours=12)


def test_old_sessions_go_in_batches_and_their_rollups_stay(khlong_mem_point, settings):
    settings.ACCOUNTING_RETENTION_DAYS = 180
    p = khlong_mem_point
    for i in range(5):
        session(p, f"old-{i}", noon(200), down=100 * (i + 1))
    session(p, "kept", noon(100))
    session(p, "edge", noon(180))  # on the first kept day: kept
    old_day = timezone.localdate() - timedelta(days=200)
    rollups.rollup_range(old_day, timezone.localdate())
    before = DailyUsage.objects.get(service_point=p, day=old_day)
    assert before.sessions == 5 and before.bytes_out == 1500
    months_before = {m.month: m.sessions for m in MonthlyUsage.objects.filter(service_point=p)}

    result = retention.purge_expired_sessions(batch=2)

    assert result["deleted"] == 5 and result["batches"] == 3
    assert set(AccountingSession.objects.values_list("session_key", flat=True)) == {
        "kept",
        "edge",
    }
    after = DailyUsage.objects.get(service_point=p, day=old_day)
    assert (after.sessions, after.bytes_out, after.unique_users) == (5, 1500, 5)
    assert {
        m.month: m.sessions for m in MonthlyUsage.objects.filter(service_point=p)
    } == months_before
    # Idempotent: nothing more to delete.
    assert retention.purge_expired_sessions()["deleted"] == 0


def test_a_late_mark_on_a_purged_day_does_not_wipe_its_rollup(khlong_mem_point, settings):
    settings.ACCOUNTING_RETENTION_DAYS = 90
    p = khlong_mem_point
    session(p, "old", noon(120), down=777)
    old_day = timezone.localdate() - timedelta(days=120)
    rollups.rollup_range(old_day, old_day)
    retention.purge_expired_sessions()
    assert not AccountingSession.objects.exists()
    RollupMark.objects.create(service_point=p, day=old_day)  # e.g. a stale session stopped late

    rollups.rollup_pending()

    assert not RollupMark.objects.exists()
    assert DailyUsage.objects.get(service_point=p, day=old_day).bytes_out == 777


def test_pending_rollups_of_old_days_are_done_before_the_purge(khlong_mem_point, settings):
    settings.ACCOUNTING_RETENTION_DAYS = 90
    p = khlong_mem_point
    session(p, "never-rolled", noon(95), down=4242)
    old_day = timezone.localdate() - timedelta(days=95)
    RollupMark.objects.create(service_point=p, day=old_day)

    result = retention.purge_expired_sessions()

    assert result["deleted"] == 1 and result["rolled_up_first"] == 1
    assert DailyUsage.objects.get(service_point=p, day=old_day).bytes_out == 4242


def test_the_job_is_scheduled_and_the_command_counts_first(khlong_mem_point, settings, capsys):
    path, every = django_settings.PERIODIC_JOBS["network.accounting_retention"]
    assert path == "pracharat.network.partitions.maintain" and every == 86_400
    settings.ACCOUNTING_RETENTION_DAYS = 90
    session(khlong_mem_point, "old", noon(91))
    call_command("purge_accounting", "--dry-run")
    assert "1 sessions before" in capsys.readouterr().out
    assert AccountingSession.objects.count() == 1
    call_command("purge_accounting")
    assert AccountingSession.objects.count() == 0


@pytest.mark.parametrize(("days", "refused"), [("89", True), ("90", False)])
def test_retention_below_90_days_is_refused(days, refused):
    env = {**os.environ, "ACCOUNTING_RETENTION_DAYS": days, "DJANGO_SETTINGS_MODULE": ""}
    done = subprocess.run(
        [sys.executable, "-c", "import pracharat.settings"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (done.returncode != 0) is refused
    if refused:
        assert "at least 90 days" in done.stderr
