"""RADIUS accounting into committed sessions (RFC 2866), in batches, idempotently.

Every source of accounting - packets from ``pracharat radius``, rows of a FreeRADIUS ``radacct``
table, the simulator - is turned into :class:`SessionEvent` / :class:`NasEvent` and goes through
:func:`apply_events`, one transaction per batch (group commit).

Merging is order-independent, so retransmissions, repeats, late Starts and out-of-order
Interim-Updates all converge on the same row:

- counters and session time only grow (the largest report wins; they are cumulative);
- ``started_at`` is the earliest known start: the Start's time, or an update's time minus its
  Acct-Session-Time (which is how a Stop without a Start still makes a whole session);
- ``updated_at`` is the latest report; a Stop closes the session for good, and a later Interim
  (delayed in the network) cannot reopen it;
- Accounting-On/Off (the NAS rebooted, RFC 2866 §5.1) closes that NAS's open sessions at their
  last report, with terminate cause NAS-Reboot / NAS-Request, as the traffic ended then.

Each changed session marks the (point, day) pairs it spans for :mod:`.rollups`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from pracharat.network import partitions
from pracharat.network.models import (
    AccountingSession,
    Nas,
    RollupMark,
    ServicePoint,
    SessionStatus,
)
from pracharat.network.privacy import pseudonym
from pracharat.network.radius import AcctStatusType, octets64
from pracharat.network.radius.dictionary import value_name
from pracharat.network.radius.server import AccountingRequest

logger = logging.getLogger(__name__)

START, INTERIM, STOP = "start", "interim", "stop"
ON, OFF = "on", "off"

# A session is marked dirty on at most this many days (a NAS that never sends a Stop must not
# make every Interim recompute a year).
MAX_SESSION_DAYS = 31
# Event-Timestamp further than this from the arrival time is a NAS with a wrong clock.
CLOCK_TOLERANCE = timedelta(days=2)
EPOCH_SANITY = datetime(2015, 1, 1, tzinfo=UTC)
BIGINT_MAX = 2**63 - 1


@dataclass(slots=True)
class SessionEvent:
    """One report about one user session, whatever it came from."""

    session_key: str
    kind: str  # START / INTERIM / STOP
    at: datetime  # when the NAS says it happened (aware)
    service_point_id: int
    area_code: str
    nas_id: int | None = None
    acct_session_id: str = ""
    user_hash: str = ""
    calling_station_hash: str = ""
    session_time: int | None = None
    input_octets: int = 0
    output_octets: int = 0
    terminate_cause: str = ""


@dataclass(slots=True)
class NasEvent:
    """Accounting-On / Accounting-Off from one NAS."""

    nas_id: int
    kind: str  # ON / OFF
    at: datetime


@dataclass(slots=True)
class ApplyResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed_by_nas: int = 0
    marks: int = 0
    skipped: int = 0  # packets about no known NAS, or of types we do not store

    def add(self, other: ApplyResult) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


# -- the NAS table the listener works from ------------------------------------------------


@dataclass(frozen=True, slots=True)
class NasEntry:
    nas_id: int
    service_point_id: int
    area_code: str
    secret: bytes = field(repr=False)


class NasDirectory:
    """In-memory copy of the active NAS table, for ``lookup_secret`` (which runs on the event
    loop and must not touch the database) and for mapping packets to points.

    RFC 2865 §3 selects the secret by source address; NAS-Identifier tells apart devices
    behind one address. ``refresh()`` reloads it; the listener calls it every few seconds.
    """

    def __init__(self) -> None:
        self._by_pair: dict[tuple[str, str], NasEntry] = {}
        self._by_ip: dict[str, list[NasEntry]] = {}
        self._by_id: dict[int, NasEntry] = {}
        self._lock = threading.Lock()
        self.loaded_at = 0.0

    def refresh(self) -> None:
        rows = Nas.objects.active().values_list(
            "pk",
            "nas_ip",
            "nas_identifier",
            "service_point_id",
            "service_point__area_code",
            "secret",
        )
        by_pair: dict[tuple[str, str], NasEntry] = {}
        by_ip: dict[str, list[NasEntry]] = {}
        for pk, ip, ident, point, area_code, secret in rows:
            entry = NasEntry(pk, point, area_code, secret.encode())
            by_pair[(ip, ident or "")] = entry
            by_ip.setdefault(ip, []).append(entry)
        with self._lock:
            self._by_pair, self._by_ip = by_pair, by_ip
            self._by_id = {entry.nas_id: entry for entry in by_pair.values()}
            self.loaded_at = time.monotonic()

    def find(self, nas_ip: str, nas_identifier: str | None) -> NasEntry | None:
        with self._lock:
            entry = self._by_pair.get((nas_ip, nas_identifier or ""))
            if entry is None:
                entry = self._by_pair.get((nas_ip, ""))
            if entry is None:
                candidates = self._by_ip.get(nas_ip, [])
                # One device at that address: it is that one whatever it calls itself.
                entry = candidates[0] if len(candidates) == 1 else None
            return entry

    def by_id(self, nas_id: int) -> NasEntry | None:
        with self._lock:
            return self._by_id.get(nas_id)

    def lookup_secret(self, nas_ip: str, nas_identifier: str | None) -> bytes | None:
        entry = self.find(nas_ip, nas_identifier)
        return entry.secret if entry else None

    def __len__(self) -> int:
        return len(self._by_pair)


# -- packets to events --------------------------------------------------------------------


def event_time(reported: datetime | None, received: datetime, delay: int | None) -> datetime:
    """Event-Timestamp when it is plausible (RFC 2869 §5.3), else arrival minus
    Acct-Delay-Time (RFC 2866 §5.2)."""
    if (
        reported is not None
        and reported > EPOCH_SANITY
        and abs(reported - received) < (CLOCK_TOLERANCE)
    ):
        return reported
    return received - timedelta(seconds=min(delay or 0, 86_400))


def _text(value: object, limit: int) -> str:
    """A string attribute fit for a text column: PostgreSQL refuses NUL characters."""
    return value.replace("\x00", "")[:limit] if isinstance(value, str) else ""


# Attribute numbers read from every packet (RFC 2865 §5, RFC 2866 §5, RFC 2869 §5).
_USER_NAME, _NAS_IDENTIFIER, _CALLING_STATION = 1, 32, 31
_STATUS, _DELAY, _IN, _OUT, _SESSION_ID, _TIME, _CAUSE = 40, 41, 42, 43, 44, 46, 49
_IN_GIGA, _OUT_GIGA, _EVENT_TIME = 52, 53, 55
_WANTED = frozenset(
    (
        _USER_NAME,
        _NAS_IDENTIFIER,
        _CALLING_STATION,
        _STATUS,
        _DELAY,
        _IN,
        _OUT,
        _SESSION_ID,
        _TIME,
        _CAUSE,
        _IN_GIGA,
        _OUT_GIGA,
        _EVENT_TIME,
    )
)
_KINDS = {
    AcctStatusType.START: START,
    AcctStatusType.INTERIM_UPDATE: INTERIM,
    AcctStatusType.STOP: STOP,
}


def _first_values(packet) -> dict[int, bytes]:
    """First raw value of each attribute we read, in one pass (the codec already checked
    the sizes of the fixed-length ones)."""
    found: dict[int, bytes] = {}
    for number, raw in packet.attributes:
        if number in _WANTED and number not in found:
            found[number] = raw
    return found


def _int(found: dict[int, bytes], number: int) -> int | None:
    raw = found.get(number)
    return int.from_bytes(raw, "big") if raw is not None else None


def _str(found: dict[int, bytes], number: int) -> str | None:
    raw = found.get(number)
    return raw.decode("utf-8", "replace") if raw is not None else None


def events_from_requests(
    requests: Iterable[AccountingRequest], directory: NasDirectory
) -> tuple[list[SessionEvent | NasEvent], int]:
    """Events in arrival order, and how many requests carried nothing to store."""
    events: list[SessionEvent | NasEvent] = []
    skipped = 0
    for request in requests:
        found = _first_values(request.packet)
        entry = directory.find(request.nas_ip, _str(found, _NAS_IDENTIFIER))
        status = _int(found, _STATUS)
        if entry is None or status is None:
            skipped += 1
            continue
        stamp = _int(found, _EVENT_TIME)
        at = event_time(
            datetime.fromtimestamp(stamp, UTC) if stamp is not None else None,
            request.received_at,
            _int(found, _DELAY),
        )
        if status in (AcctStatusType.ACCOUNTING_ON, AcctStatusType.ACCOUNTING_OFF):
            kind = ON if status == AcctStatusType.ACCOUNTING_ON else OFF
            events.append(NasEvent(entry.nas_id, kind, at))
            continue
        kind = _KINDS.get(status)
        if kind is None:  # tunnel accounting, Failed: acknowledged, not stored
            skipped += 1
            continue
        cause = _int(found, _CAUSE)
        events.append(
            SessionEvent(
                session_key=request.session_key,
                kind=kind,
                at=at,
                service_point_id=entry.service_point_id,
                area_code=entry.area_code,
                nas_id=entry.nas_id,
                acct_session_id=_text(_str(found, _SESSION_ID), 64),
                user_hash=pseudonym(_str(found, _USER_NAME)),
                calling_station_hash=pseudonym(_str(found, _CALLING_STATION)),
                session_time=_int(found, _TIME),
                input_octets=octets64(_int(found, _IN), _int(found, _IN_GIGA)),
                output_octets=octets64(_int(found, _OUT), _int(found, _OUT_GIGA)),
                terminate_cause=(
                    value_name("Acct-Terminate-Cause", cause) or str(cause)
                    if cause is not None
                    else ""
                ),
            )
        )
    return events, skipped


# -- merging ------------------------------------------------------------------------------

_MERGED_FIELDS = (
    "acct_session_id",
    "nas_id",
    "user_hash",
    "calling_station_hash",
    "started_at",
    "updated_at",
    "stopped_at",
    "ended_at",
    "input_octets",
    "output_octets",
    "session_time",
    "terminate_cause",
    "status",
)


def _snapshot(session) -> tuple:
    return tuple(getattr(session, name) for name in _MERGED_FIELDS)


def event_start(event: SessionEvent) -> datetime:
    """When the session began, as this report tells it."""
    if event.kind == START:
        return event.at
    return event.at - timedelta(seconds=max(0, event.session_time or 0))


def merge(session: AccountingSession, event: SessionEvent) -> None:
    """Fold one report into a session row (in place). Order-independent and idempotent."""
    seconds = max(0, event.session_time or 0)
    start = event_start(event)
    if session.started_at is None or start < session.started_at:
        session.started_at = start
    if session.updated_at is None or event.at > session.updated_at:
        session.updated_at = event.at
    session.input_octets = min(BIGINT_MAX, max(session.input_octets or 0, event.input_octets))
    session.output_octets = min(BIGINT_MAX, max(session.output_octets or 0, event.output_octets))
    session.session_time = max(session.session_time or 0, seconds)
    if event.nas_id and not session.nas_id:
        session.nas_id = event.nas_id
    for name in ("acct_session_id", "user_hash", "calling_station_hash"):
        if not getattr(session, name) and getattr(event, name):
            setattr(session, name, getattr(event, name))
    if event.kind == STOP:
        if session.stopped_at is None or event.at > session.stopped_at:
            session.stopped_at = event.at
        if event.terminate_cause:
            session.terminate_cause = event.terminate_cause[:32]
        session.status = SessionStatus.CLOSED
    if session.stopped_at is not None and session.updated_at > session.stopped_at:
        # A late Interim with a newer clock than the Stop: the Stop still ends the session.
        session.stopped_at = session.updated_at
    session.ended_at = session.stopped_at or session.updated_at


def local_days(start: datetime, end: datetime) -> list[date]:
    """Local (TIME_ZONE) calendar days that [start, end] touches, at most MAX_SESSION_DAYS,
    the most recent kept."""
    first = timezone.localdate(start)
    last = timezone.localdate(max(start, end))
    count = min((last - first).days + 1, MAX_SESSION_DAYS)
    return [last - timedelta(days=n) for n in range(count - 1, -1, -1)]


# -- applying ------------------------------------------------------------------------------


def apply_events(events: Sequence[SessionEvent | NasEvent]) -> ApplyResult:
    """Store a batch of events in one transaction. Safe to repeat; retried once if another
    writer inserted one of the same sessions meanwhile."""
    for attempt in (1, 2):
        try:
            with transaction.atomic():
                return _apply(events)
        except IntegrityError:
            if attempt == 2:
                raise
            logger.info("accounting batch raced another writer; retrying")
    raise AssertionError("unreachable")


# PostgreSQL advisory lock key taken by every accounting batch: shared by batches of session
# reports (their row locks are all taken in one order, so they can run side by side), exclusive
# by a batch that holds an Accounting-On/Off. A NAS reboot closes that NAS's open sessions in
# whatever order the index gives, which against a concurrent upsert (taking the same rows in
# session_key order) is a lock-order inversion: a deadlock. Serialising only those batches
# removes it without slowing the common path.
ACCOUNTING_LOCK = 0x70726163  # "prac"


def _serialise(events: Sequence[SessionEvent | NasEvent]) -> None:
    if connection.vendor != "postgresql":
        return  # SQLite has one writer at a time (BEGIN IMMEDIATE) anyway
    # Exclusive also for a session starting near a month's edge: its bucket is read before
    # the write (partitions.buckets_near_edges), so no other writer may insert it meanwhile.
    exclusive = any(
        isinstance(event, NasEvent) or partitions.near_edge(event_start(event)) for event in events
    )
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s)", [ACCOUNTING_LOCK])


def _apply(events: Sequence[SessionEvent | NasEvent]) -> ApplyResult:
    _serialise(events)
    result = ApplyResult()
    marks: set[tuple[int, date]] = set()
    seen_points: dict[int, datetime] = {}
    seen_nas: dict[int, datetime] = {}
    pending: list[SessionEvent] = []
    for event in events:
        if isinstance(event, NasEvent):
            result.add(_apply_sessions(pending, marks))
            pending = []
            result.closed_by_nas += _close_nas_sessions(event, marks)
            seen_nas[event.nas_id] = max(event.at, seen_nas.get(event.nas_id, event.at))
        else:
            pending.append(event)
            point = event.service_point_id
            seen_points[point] = max(event.at, seen_points.get(point, event.at))
            if event.nas_id:
                seen_nas[event.nas_id] = max(event.at, seen_nas.get(event.nas_id, event.at))
    result.add(_apply_sessions(pending, marks))
    _insert_values(
        f"INSERT INTO {RollupMark._meta.db_table} (service_point_id, day)",
        "",
        ["bigint", "date"],
        [(point, connection.ops.adapt_datefield_value(day)) for point, day in sorted(marks)],
    )
    result.marks = len(marks)
    _touch(seen_points, seen_nas)
    return result


def _apply_sessions(events: list[SessionEvent], marks: set[tuple[int, date]]) -> ApplyResult:
    result = ApplyResult()
    if not events:
        return result
    by_key: dict[str, list[SessionEvent]] = {}
    for event in events:
        by_key.setdefault(event.session_key, []).append(event)
    existing: dict[str, SimpleNamespace] = {}
    keys = list(by_key)
    columns = ("session_key", "bucket", "service_point_id", "area_code", *_MERGED_FIELDS)
    for offset in range(0, len(keys), 500):
        # No row locks needed: the upsert merges monotonically in SQL against the row as it is
        # then, so a concurrent writer's newer figures are never overwritten.
        rows = AccountingSession.objects.filter(
            session_key__in=keys[offset : offset + 500]
        ).values_list(*columns)
        existing.update(
            {row[0]: SimpleNamespace(**dict(zip(columns, row, strict=True))) for row in rows}
        )
    to_create: list[SimpleNamespace] = []
    to_update: list[SimpleNamespace] = []
    for key, group in by_key.items():
        session = existing.get(key)
        first = group[0]
        if session is None:
            session = SimpleNamespace(
                session_key=key,
                bucket=None,
                service_point_id=first.service_point_id,
                area_code=first.area_code,
                acct_session_id="",
                nas_id=None,
                user_hash="",
                calling_station_hash="",
                started_at=None,
                updated_at=None,
                stopped_at=None,
                ended_at=None,
                input_octets=0,
                output_octets=0,
                session_time=0,
                terminate_cause="",
                status=SessionStatus.OPEN,
            )
            before = None
        else:
            before = _snapshot(session)
        for event in group:
            merge(session, event)
        if session.bucket is None:
            session.bucket = partitions.bucket_of(session.started_at)
        if before is None:
            to_create.append(session)
        elif _snapshot(session) != before:
            to_update.append(session)
        else:
            result.unchanged += 1
            continue
        for day in local_days(session.started_at, session.ended_at):
            marks.add((session.service_point_id, day))
    # Sorted, so two writers in flight take row locks in the same order (no deadlock).
    _upsert_sessions(sorted(to_create + to_update, key=lambda s: s.session_key))
    result.created = len(to_create)
    result.updated = len(to_update)
    return result


def _close_nas_sessions(event: NasEvent, marks: set[tuple[int, date]]) -> int:
    cause = "NAS-Reboot" if event.kind == ON else "NAS-Request"
    sessions = AccountingSession.objects.open().filter(
        nas_id=event.nas_id, started_at__lte=event.at
    )
    for point, started, updated in sessions.values_list(
        "service_point_id", "started_at", "updated_at"
    ):
        for day in local_days(started, updated):
            marks.add((point, day))
    closed = sessions.update(
        status=SessionStatus.CLOSED,
        stopped_at=F("updated_at"),
        ended_at=F("updated_at"),
        terminate_cause=cause,
    )
    Nas.objects.filter(pk=event.nas_id).update(last_reboot=event.at)
    return closed


def _touch(seen_points: dict[int, datetime], seen_nas: dict[int, datetime]) -> None:
    """Liveness: the newest report per point and per NAS (never moving backwards), each as
    one UPDATE … FROM (VALUES …) statement."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    # A NAS whose clock runs ahead must not make a point look alive in the future.
    if seen_nas:
        _update_from_values(
            Nas._meta.db_table,
            "last_seen = v.at",
            "(t.last_seen IS NULL OR t.last_seen < v.at)",
            [(pk, adapt(min(at, now))) for pk, at in sorted(seen_nas.items())],
        )
    if seen_points:
        _update_from_values(
            ServicePoint._meta.db_table,
            "last_seen = CASE WHEN t.last_seen IS NULL OR t.last_seen < v.at THEN v.at "
            "ELSE t.last_seen END, last_traffic = v.at",
            "(t.last_traffic IS NULL OR t.last_traffic < v.at)",
            [(pk, adapt(min(at, now))) for pk, at in sorted(seen_points.items())],
        )


def _update_from_values(table: str, assignments: str, condition: str, rows: list) -> None:
    if not rows:
        return
    if connection.vendor == "postgresql":
        # Two array parameters instead of 2 × N: a short, cacheable statement.
        ids, times = zip(*rows, strict=True)
        sql = (
            f"UPDATE {table} AS t SET {assignments} "  # noqa: S608 - a model's table
            "FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at) "
            f"WHERE t.id = v.id AND {condition}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(ids), list(times)])
        return
    for offset in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[offset : offset + CHUNK_ROWS]
        sql = (
            f"WITH v(id, at) AS (VALUES {', '.join(['(%s, %s)'] * len(chunk))}) "  # noqa: S608
            f"UPDATE {table} AS t SET {assignments} FROM v WHERE t.id = v.id AND {condition}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for pair in chunk for value in pair])


def _insert_values(sql_head: str, sql_tail: str, types: list[str], rows: list[tuple]) -> None:
    """Insert many rows in one statement. PostgreSQL gets one array per column through
    ``unnest`` (a short statement whatever the number of rows, so the driver need not rewrite
    thousands of placeholders); SQLite, in process, runs the one-row statement per row."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(f"%s::{t}[]" for t in types)
            columns = [list(column) for column in zip(*rows, strict=True)]
            sql = f"{sql_head} SELECT * FROM unnest({arrays}) {sql_tail}"  # noqa: S608
            cursor.execute(sql, columns)
        else:
            marks = ", ".join(["%s"] * len(types))
            cursor.executemany(f"{sql_head} VALUES ({marks}) {sql_tail}", rows)


CHUNK_ROWS = 500


# The write of a batch of merged sessions: one multi-row statement. ON CONFLICT merges the
# batch's figures into the row as it stands then, monotonically, so two writers (the
# listener and an import) can never move a counter or a Stop back.
SESSION_COLUMNS = [
    "session_key",
    "bucket",
    "acct_session_id",
    "nas_id",
    "service_point_id",
    "area_code",
    "user_hash",
    "calling_station_hash",
    "started_at",
    "updated_at",
    "stopped_at",
    "ended_at",
    "input_octets",
    "output_octets",
    "session_time",
    "terminate_cause",
    "status",
]


_UPSERT_TYPES = [
    "varchar",  # session_key
    "date",  # bucket
    "varchar",  # acct_session_id
    "bigint",  # nas_id
    "bigint",  # service_point_id
    "varchar",  # area_code
    "varchar",  # user_hash
    "varchar",  # calling_station_hash
    "timestamptz",  # started_at
    "timestamptz",  # updated_at
    "timestamptz",  # stopped_at
    "timestamptz",  # ended_at
    "bigint",  # input_octets
    "bigint",  # output_octets
    "bigint",  # session_time
    "varchar",  # terminate_cause
    "varchar",  # status
]


def _upsert_parts() -> tuple[str, str]:
    table = AccountingSession._meta.db_table
    big, small = ("GREATEST", "LEAST") if connection.vendor == "postgresql" else ("MAX", "MIN")
    merged = {
        "acct_session_id": "CASE WHEN t.acct_session_id = '' THEN excluded.acct_session_id "
        "ELSE t.acct_session_id END",
        "nas_id": "COALESCE(t.nas_id, excluded.nas_id)",
        "user_hash": "CASE WHEN t.user_hash = '' THEN excluded.user_hash ELSE t.user_hash END",
        "calling_station_hash": "CASE WHEN t.calling_station_hash = '' "
        "THEN excluded.calling_station_hash ELSE t.calling_station_hash END",
        "started_at": f"{small}(t.started_at, excluded.started_at)",
        "updated_at": f"{big}(t.updated_at, excluded.updated_at)",
        "stopped_at": f"{big}(COALESCE(t.stopped_at, excluded.stopped_at), "
        "COALESCE(excluded.stopped_at, t.stopped_at))",
        "ended_at": f"{big}(t.ended_at, excluded.ended_at)",
        "input_octets": f"{big}(t.input_octets, excluded.input_octets)",
        "output_octets": f"{big}(t.output_octets, excluded.output_octets)",
        "session_time": f"{big}(t.session_time, excluded.session_time)",
        "terminate_cause": "CASE WHEN excluded.terminate_cause = '' THEN t.terminate_cause "
        "ELSE excluded.terminate_cause END",
        "status": "CASE WHEN t.status = 'closed' OR excluded.status = 'closed' THEN 'closed' "
        "ELSE 'open' END",
    }
    columns = ", ".join(SESSION_COLUMNS)
    updates = ", ".join(f"{name} = {expr}" for name, expr in merged.items())
    return (
        f"INSERT INTO {table} AS t ({columns})",
        f"ON CONFLICT (session_key, bucket) DO UPDATE SET {updates}",
    )


def _upsert_sessions(sessions: list[AccountingSession]) -> None:
    head, tail = _upsert_parts()
    _insert_values(
        head,
        tail,
        _UPSERT_TYPES,
        [session_row(s) for s in sessions],
    )


def session_row(s: AccountingSession) -> tuple:
    """A session's values in the order of ``SESSION_COLUMNS``, ready for raw SQL."""
    adapt = connection.ops.adapt_datetimefield_value
    bucket = s.bucket if s.bucket is not None else partitions.bucket_of(s.started_at)
    return (
        s.session_key,
        connection.ops.adapt_datefield_value(bucket),
        s.acct_session_id,
        s.nas_id,
        s.service_point_id,
        s.area_code,
        s.user_hash,
        s.calling_station_hash,
        adapt(s.started_at),
        adapt(s.updated_at),
        adapt(s.stopped_at),
        adapt(s.ended_at),
        s.input_octets,
        s.output_octets,
        s.session_time,
        s.terminate_cause,
        s.status,
    )


# -- the listener's handler ----------------------------------------------------------------


def durable_sqlite(conn) -> bool:
    """On SQLite, make this connection's commits durable before they return: WAL with
    ``synchronous=NORMAL`` (the site's default, fine for web pages) may lose the last commits on
    power loss, and the listener answers a NAS only after its commit, so that answer must mean
    stored (RFC 2866 §2). ``synchronous=FULL`` fsyncs the WAL on every commit. Returns whether
    the pragma was set now (once per connection)."""
    if conn.vendor != "sqlite" or conn.in_atomic_block:
        return False  # (SQLite refuses the pragma inside a transaction: a test's own)
    conn.ensure_connection()
    raw = conn.connection
    if getattr(conn, "_radius_durable", None) is raw:
        return False
    with conn.cursor() as cursor:
        cursor.execute("PRAGMA synchronous=FULL")
    conn._radius_durable = raw
    return True


class RequestHandler:
    """``handle(batch)`` for :class:`~pracharat.network.radius.server.AccountingServer`: runs
    in a worker thread, stores the batch in one transaction, and only then returns (so the
    server answers only committed requests). Raises on database errors, so nothing is
    answered and the NAS retransmits."""

    def __init__(self, directory: NasDirectory) -> None:
        self.directory = directory
        self.totals = ApplyResult()
        self._lock = threading.Lock()  # several writer threads may share the handler

    def __call__(self, batch: list[AccountingRequest]) -> None:
        if not connection.in_atomic_block and connection.errors_occurred:
            # (a test's transaction must stay open). The connection is persistent: kept from
            # batch to batch whatever CONN_MAX_AGE says (SQLite's default of 0 reopened it,
            # and reset its pragmas, for every batch); only one that failed is checked, and
            # dropped if the database closed it.
            connection.errors_occurred = False
            if not connection.is_usable():
                connection.close()
        durable_sqlite(connection)
        events, skipped = events_from_requests(batch, self.directory)
        result = apply_events(events)
        result.skipped += skipped
        with self._lock:
            self.totals.add(result)
