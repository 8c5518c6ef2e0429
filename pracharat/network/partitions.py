"""The accounting session table by month: on PostgreSQL, native declarative partitioning.

A national year is some 1.5 billion sessions, and the law asks for 90 days of them (the
retention is ``ACCOUNTING_RETENTION_DAYS``, 180 by default). Deleting expired rows one by one
would rewrite the table's indexes every day; dropping a month's partition is one catalogue
change. So on PostgreSQL ``network_accountingsession`` is ``PARTITION BY RANGE (bucket)``:

- ``bucket`` is the first day of the local month the session started in (:func:`bucket_of`),
  written once with the session's first packet and never changed, so every packet of a session
  lands on the same row: the upsert's key is (session_key, bucket).
- Each packet estimates the start afresh (event time minus Acct-Session-Time), to within a
  second or so. Near a month's edge two estimates can fall in different months, so a session
  whose estimate is within :data:`EDGE` of a month boundary keeps the bucket its row already has
  (:func:`buckets_near_edges`), and the batch holding it is serialised with the others on
  PostgreSQL (the listener's exclusive lock), so two writers never split a session.
- The daily job ``network.accounting_retention`` (:func:`maintain`) makes the partitions of
  this month and the next :data:`AHEAD` months, and drops a month once all of it is past
  retention: its upper bound is before the retention horizon and none of its sessions ended
  after it (a
  session that ran for weeks keeps its month until it too has expired). A month therefore goes
  between ``ACCOUNTING_RETENTION_DAYS`` and that plus one month after it began to end.
- A DEFAULT partition holds any row whose month has no partition (a NAS clock years off); when
  the job makes a month's partition it first moves that month's rows out of the default.
  The batched DELETE of :mod:`.retention` purges the default's expired rows.

SQLite keeps one plain table with the same columns and unique key, and the batched DELETE.
The daily and monthly rollups live in their own tables and are never touched by any of this.
"""

# Every table name in this module's SQL is one of its constants or made from a date:
# ruff: noqa: S608
from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta

from django.db import connection, transaction
from django.utils import timezone

from pracharat.core.lib.thaidate import month_start, next_month

logger = logging.getLogger(__name__)

AHEAD = 2  # months made ahead of the current one
EDGE = timedelta(hours=6)  # start estimates this close to a month boundary look for their row
TABLE = "network_accountingsession"
DEFAULT = f"{TABLE}_default"


def bucket_of(started_at: datetime) -> date:
    """The first day of the month (in TIME_ZONE, whatever zone a request activated)
    ``started_at`` falls in."""
    return _month_around(started_at)[0]


def near_edge(started_at: datetime) -> bool:
    """Whether another estimate of this start (within :data:`EDGE`) could be in another month."""
    if started_at.tzinfo is None:
        started_at = started_at.astimezone()
    _month, lower, upper = _month_around(started_at)
    return started_at - EDGE < lower or started_at + EDGE >= upper


# The months last asked about: (zone, month, its first instant, the next month's), the instants
# in UTC. The listener asks for every session of every batch, nearly always about this month;
# a comparison with two UTC datetimes costs far less than a conversion to the local zone (and
# ``localtime``'s per-thread current zone costs more than the rest). A tuple is replaced whole,
# so writer threads can share it.
_MONTHS: tuple[tuple[object, date, datetime, datetime], ...] = ()


def _month_around(at: datetime) -> tuple[date, datetime, datetime]:
    global _MONTHS
    zone = timezone.get_default_timezone()
    if at.tzinfo is None:  # (naive: as astimezone reads it, the machine's local time)
        at = at.astimezone()
    for cached_zone, month, lower, upper in _MONTHS:
        if cached_zone is zone and lower <= at < upper:
            return month, lower, upper
    month = month_start(at.astimezone(zone).date())
    lower = datetime.combine(month, time.min, zone).astimezone(UTC)
    upper = datetime.combine(next_month(month), time.min, zone).astimezone(UTC)
    _MONTHS = ((zone, month, lower, upper), *_MONTHS[:3])
    return month, lower, upper


def partition_name(month: date) -> str:
    return f"{TABLE}_p{month:%Y%m}"


def buckets_near_edges(keys: list[str]) -> dict[str, date]:
    """The bucket already stored for each of ``keys`` (sessions whose start estimate is near a
    month boundary; few, so one indexed read)."""
    from pracharat.network.models import AccountingSession

    if not keys:
        return {}
    return dict(
        AccountingSession.objects.filter(session_key__in=keys)
        .order_by("session_key", "bucket")
        .values_list("session_key", "bucket")
    )


# -- PostgreSQL ------------------------------------------------------------------------------


def partitioned() -> bool:
    """Whether the session table is a partitioned table (PostgreSQL after the migration)."""
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
        row = cursor.fetchone()
    return bool(row) and row[0] == "p"


def months() -> dict[date, str]:
    """The monthly partitions that exist: first day of the month -> table name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid"
            " WHERE i.inhparent = to_regclass(%s)",
            [TABLE],
        )
        names = [row[0] for row in cursor.fetchall()]
    found = {}
    for name in names:
        m = re.fullmatch(rf"{TABLE}_p(\d{{4}})(\d{{2}})", name)
        if m:
            found[date(int(m.group(1)), int(m.group(2)), 1)] = name
    return found


def create_month(month: date) -> bool:
    """Make ``month``'s partition, moving its rows out of the default partition first (a month
    cannot be attached while the default holds rows of it). False if it existed."""
    name = partition_name(month)
    if month in months():
        return False
    upper = next_month(month)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {DEFAULT} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(f"CREATE TABLE {name} (LIKE {TABLE} INCLUDING DEFAULTS)")
        cursor.execute(
            f"WITH moved AS (DELETE FROM {DEFAULT} WHERE bucket >= %s AND bucket < %s"
            f" RETURNING *) INSERT INTO {name} SELECT * FROM moved",
            [month, upper],
        )
        cursor.execute(
            f"ALTER TABLE {TABLE} ATTACH PARTITION {name} FOR VALUES FROM (%s) TO (%s)",
            [month, upper],
        )
    logger.info("accounting partition %s made", name)
    return True


def expired_months(now: datetime | None = None) -> list[date]:
    """Months wholly past retention: the month ended before the horizon and none of its
    sessions was still going at the horizon."""
    from pracharat.network.retention import first_kept_day, horizon

    kept_from, cutoff = first_kept_day(now), horizon(now)
    found = []
    for month, name in sorted(months().items()):
        if next_month(month) > kept_from:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {name} WHERE ended_at >= %s)", [cutoff])
            if not cursor.fetchone()[0]:
                found.append(month)
    return found


def drop_month(month: date) -> None:
    name = partition_name(month)
    with transaction.atomic(), connection.cursor() as cursor:
        # Deferred foreign-key checks of rows written earlier in this transaction (a caller's
        # own) must run before their table can go.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(f"ALTER TABLE {TABLE} DETACH PARTITION {name}")
        cursor.execute(f"DROP TABLE {name}")
    logger.info("accounting partition %s dropped (past retention)", name)


def maintain(now: datetime | None = None) -> dict:
    """The periodic job: this month's and the next ``AHEAD`` months' partitions made, expired
    months dropped (their pending rollups brought up to date first, as the purge does), then the
    batched purge of what is left (the default partition; the whole table on SQLite)."""
    from pracharat.network import retention

    now = now or timezone.now()
    result = {"made": [], "dropped": []}
    if partitioned():
        this_month = bucket_of(now)
        for n in range(AHEAD + 1):
            month = month_start(this_month, -n)
            if create_month(month):
                result["made"].append(f"{month:%Y-%m}")
        gone = expired_months(now)
        if gone:
            retention.roll_up_expiring(now)
        for month in gone:
            drop_month(month)
            result["dropped"].append(f"{month:%Y-%m}")
    result["purged"] = retention.purge_expired_sessions(now=now)
    return result


def _definitions(cursor) -> tuple[list[tuple[str, str]], list[str]]:
    """The session table's unique and foreign-key constraints (name, definition) and its other
    indexes (CREATE INDEX statements), to make again on the table that replaces it."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = to_regclass(%s) AND contype IN ('u', 'f')",
        [TABLE],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN"
        " (SELECT conname FROM pg_constraint WHERE conrelid = to_regclass(%s))",
        [TABLE, TABLE],
    )
    return constraints, [row[0] for row in cursor.fetchall()]


def _replace_table(cursor, *, months: list[date] | None) -> None:
    """The session table made again with the same columns, rows, keys, indexes and foreign
    keys: partitioned by month into ``months`` (and a DEFAULT partition), or plain when
    ``months`` is None."""
    constraints, indexes = _definitions(cursor)
    old = f"{TABLE}_old"
    partition_by = "" if months is None else " PARTITION BY RANGE (bucket)"
    cursor.execute(f"ALTER TABLE {TABLE} RENAME TO {old}")
    cursor.execute(
        f"CREATE TABLE {TABLE} (LIKE {old} INCLUDING DEFAULTS INCLUDING IDENTITY"
        f" INCLUDING STORAGE){partition_by}"
    )
    if months is not None:
        cursor.execute(f"CREATE TABLE {DEFAULT} PARTITION OF {TABLE} DEFAULT")
        for month in months:
            cursor.execute(
                f"CREATE TABLE {partition_name(month)} PARTITION OF {TABLE}"
                " FOR VALUES FROM (%s) TO (%s)",
                [month, next_month(month)],
            )
    cursor.execute(f"INSERT INTO {TABLE} OVERRIDING SYSTEM VALUE SELECT * FROM {old}")
    cursor.execute(
        f"SELECT setval(pg_get_serial_sequence('{TABLE}', 'id'),"
        f" GREATEST((SELECT max(id) FROM {TABLE}), 1), (SELECT max(id) IS NOT NULL FROM {TABLE}))"
    )
    cursor.execute(f"DROP TABLE {old} CASCADE")
    # A partitioned table's primary key must hold its partition key.
    key = "id" if months is None else "id, bucket"
    cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {TABLE}_pkey PRIMARY KEY ({key})")
    for name, definition in constraints:
        cursor.execute(f"ALTER TABLE {TABLE} ADD CONSTRAINT {name} {definition}")
    for definition in indexes:
        definition = definition.replace(f" ON ONLY public.{TABLE} ", f" ON {TABLE} ")
        cursor.execute(definition.replace(f" ON public.{TABLE} ", f" ON {TABLE} "))


def convert(schema_editor) -> None:
    """Turn the plain session table into a partitioned one (the migration
    ``0008_session_partitions``; PostgreSQL only). Existing rows are copied into partitions of
    their months; this month's and the next ``AHEAD`` are made too."""
    if schema_editor.connection.vendor != "postgresql":
        return
    cursor = schema_editor.connection.cursor()
    cursor.execute(f"SELECT DISTINCT bucket FROM {TABLE}")
    existing = {row[0] for row in cursor.fetchall()}
    this_month = bucket_of(timezone.now())
    _replace_table(
        cursor, months=sorted(existing | {month_start(this_month, -n) for n in range(AHEAD + 1)})
    )


def unconvert(schema_editor) -> None:
    """Back to one plain table (the migration reversed)."""
    if schema_editor.connection.vendor != "postgresql":
        return
    cursor = schema_editor.connection.cursor()
    cursor.execute("SELECT relkind FROM pg_class WHERE oid = to_regclass(%s)", [TABLE])
    row = cursor.fetchone()
    if row and row[0] == "p":
        _replace_table(cursor, months=None)
