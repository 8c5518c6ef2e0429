"""Accounting retention: sessions older than ``ACCOUNTING_RETENTION_DAYS`` are deleted, in
batches, by the periodic job ``network.accounting_retention``; the rollups (DailyUsage,
MonthlyUsage, AreaDailyUsage) are kept for ever.

The Computer-Related Crime Act asks providers to keep traffic data for at least 90 days, so
``settings.py`` refuses a retention below 90 (default 180). A session goes once everything it
tells is older than the horizon: its last known activity (``ended_at``) is before local
midnight of the first kept day. Before deleting, the pending rollups of the days about to go
are brought up to date, so no day loses figures its sessions had not yet been counted in;
afterwards the periodic rollup leaves the days a purge reached alone (``rollups.rollup_pending``
drops their marks: recomputing a day whose sessions are gone would wipe its figures). Before
any purge ran, every day is rolled up (a backfill of old accounting).

On SQLite a batched DELETE by primary key (one short transaction per batch, so the listener's
writes are never held up long). On PostgreSQL the session table is partitioned by month
(:mod:`.partitions`): the same job drops whole months once they are past retention, and the
batched DELETE only clears the default partition (rows of months that have no partition),
so a month's rows are never deleted one by one before their partition goes.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from pracharat.network.models import AccountingSession, RollupMark

logger = logging.getLogger(__name__)


def first_kept_day(now: datetime | None = None) -> date:
    """The oldest local day whose sessions are all kept."""
    today = timezone.localdate(now or timezone.now())
    return today - timedelta(days=settings.ACCOUNTING_RETENTION_DAYS)


JOB = "network.accounting_retention"


def frozen_before() -> date | None:
    """Days before this may have lost sessions to a purge (the first kept day of the last
    purge, recorded on the job's ``core.PeriodicJob`` row); None: no purge ever ran, every day
    may be rolled up (a backfill of old accounting, say)."""
    from pracharat.core.models import PeriodicJob

    last = PeriodicJob.objects.filter(name=JOB).values_list("finished_at", flat=True).first()
    return first_kept_day(last) if last else None


def horizon(now: datetime | None = None) -> datetime:
    """Sessions whose last activity is before this moment are past retention."""
    from pracharat.network.rollups import local_midnight

    return local_midnight(first_kept_day(now))


def expired(now: datetime | None = None):
    cutoff = horizon(now)
    # started_at <= ended_at, so the started_at index narrows the scan to the old rows.
    return AccountingSession.objects.filter(started_at__lt=cutoff, ended_at__lt=cutoff)


def _delete_batch(now: datetime | None, batch: int) -> int:
    """One transaction's worth of expired rows deleted (on a partitioned table, only from its
    default partition: the monthly ones go whole)."""
    from pracharat.network import partitions

    if not partitions.partitioned():
        pks = list(expired(now).order_by().values_list("pk", flat=True)[:batch])
        return AccountingSession.objects.filter(pk__in=pks).delete()[0] if pks else 0
    cutoff = horizon(now)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {partitions.DEFAULT} WHERE ctid IN (SELECT ctid FROM"  # noqa: S608
            f" {partitions.DEFAULT} WHERE started_at < %s AND ended_at < %s LIMIT %s)",
            [cutoff, cutoff, batch],
        )
        return cursor.rowcount


def roll_up_expiring(now: datetime | None = None) -> int:
    """The pending rollups of the days about to lose their sessions, done before they go (by
    a purge or a dropped partition); returns the point-days rolled up."""
    from pracharat.network import rollups

    if not RollupMark.objects.filter(day__lt=first_kept_day(now)).exists():
        return 0
    return rollups.rollup_pending(frozen_before=None).point_days


def purge_expired_sessions(*, now: datetime | None = None, batch: int | None = None) -> dict:
    """Delete the sessions past retention, ``batch`` rows per transaction
    (``ACCOUNTING_PURGE_BATCH``). Idempotent; the periodic job and `pracharat
    purge_accounting` call it. Returns the counts."""
    batch = batch or settings.ACCOUNTING_PURGE_BATCH
    kept_from = first_kept_day(now)
    rolled = roll_up_expiring(now)
    deleted = batches = 0
    while True:
        with transaction.atomic():
            count = _delete_batch(now, batch)
        if not count:
            break
        deleted += count
        batches += 1
    _record(now or timezone.now())
    result = {
        "kept_from": kept_from.isoformat(),
        "deleted": deleted,
        "batches": batches,
        "rolled_up_first": rolled,
    }
    if deleted:
        logger.info("accounting retention: %s", result)
    return result


def _record(now: datetime) -> None:
    """The purge's moment, whoever ran it (the periodic job, the command): what
    ``frozen_before`` reads."""
    from pracharat.core.models import PeriodicJob

    PeriodicJob.objects.update_or_create(
        name=JOB, defaults={"finished_at": now}, create_defaults={"due_at": now, "finished_at": now}
    )
