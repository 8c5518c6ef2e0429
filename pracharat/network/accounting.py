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
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from pracharat.core.privacy import pdpa_key
from pracharat.network import partitions
from pracharat.network.models import (
    AccountingSession,
    Nas,
    RollupMark,
    ServicePoint,
    SessionStatus,
)
from pracharat.network.privacy import keyed_pseudonym
from pracharat.network.radius import AcctStatusType, octets64
from pracharat.network.radius.dictionary import (
    ACCT_DELAY_TIME,
    ACCT_INPUT_GIGAWORDS,
    ACCT_INPUT_OCTETS,
    ACCT_OUTPUT_GIGAWORDS,
    ACCT_OUTPUT_OCTETS,
    ACCT_SESSION_ID,
    ACCT_SESSION_TIME,
    ACCT_STATUS_TYPE,
    ACCT_TERMINATE_CAUSE,
    CALLING_STATION_ID,
    EVENT_TIMESTAMP,
    NAS_IDENTIFIER,
    USER_NAME,
    value_name,
)
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
# The listener writes a point's and a NAS's last_seen / last_traffic at most this far behind
# the newest report (:class:`Liveness`); the health checks count in minutes and hours.
LIVENESS_RESOLUTION = timedelta(seconds=30)


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


_KINDS = {
    AcctStatusType.START: START,
    AcctStatusType.INTERIM_UPDATE: INTERIM,
    AcctStatusType.STOP: STOP,
}


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
    key = pdpa_key()  # once per batch, not twice per packet
    devices: dict[tuple[str, bytes | None], NasEntry | None] = {}  # a batch has few NAS
    for request in requests:
        found = request.packet.first
        device = (request.nas_ip, found.get(NAS_IDENTIFIER))
        if device in devices:
            entry = devices[device]
        else:
            entry = devices[device] = directory.find(device[0], _str(found, NAS_IDENTIFIER))
        status = _int(found, ACCT_STATUS_TYPE)
        if entry is None or status is None:
            skipped += 1
            continue
        stamp = _int(found, EVENT_TIMESTAMP)
        at = event_time(
            datetime.fromtimestamp(stamp, UTC) if stamp is not None else None,
            request.received_at,
            _int(found, ACCT_DELAY_TIME),
        )
        if status in (AcctStatusType.ACCOUNTING_ON, AcctStatusType.ACCOUNTING_OFF):
            kind = ON if status == AcctStatusType.ACCOUNTING_ON else OFF
            events.append(NasEvent(entry.nas_id, kind, at))
            continue
        kind = _KINDS.get(status)
        if kind is None:  # tunnel accounting, Failed: acknowledged, not stored
            skipped += 1
            continue
        cause = _int(found, ACCT_TERMINATE_CAUSE)
        events.append(
            SessionEvent(
                session_key=request.session_key,
                kind=kind,
                at=at,
                service_point_id=entry.service_point_id,
                area_code=entry.area_code,
                nas_id=entry.nas_id,
                acct_session_id=_text(_str(found, ACCT_SESSION_ID), 64),
                user_hash=keyed_pseudonym(_str(found, USER_NAME), key),
                calling_station_hash=keyed_pseudonym(_str(found, CALLING_STATION_ID), key),
                session_time=_int(found, ACCT_SESSION_TIME),
                input_octets=octets64(
                    _int(found, ACCT_INPUT_OCTETS), _int(found, ACCT_INPUT_GIGAWORDS)
                ),
                output_octets=octets64(
                    _int(found, ACCT_OUTPUT_OCTETS), _int(found, ACCT_OUTPUT_GIGAWORDS)
                ),
                terminate_cause=(
                    value_name("Acct-Terminate-Cause", cause) or str(cause)
                    if cause is not None
                    else ""
                ),
            )
        )
    return events, skipped


# -- merging ------------------------------------------------------------------------------


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
    if not session.acct_session_id and event.acct_session_id:
        session.acct_session_id = event.acct_session_id
    if not session.user_hash and event.user_hash:
        session.user_hash = event.user_hash
    if not session.calling_station_hash and event.calling_station_hash:
        session.calling_station_hash = event.calling_station_hash
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
    zone = timezone.get_current_timezone()
    first = start.astimezone(zone).date()
    last = max(start, end).astimezone(zone).date()
    count = min((last - first).days + 1, MAX_SESSION_DAYS)
    return [last - timedelta(days=n) for n in range(count - 1, -1, -1)]


# -- applying ------------------------------------------------------------------------------


class Liveness:
    """Which liveness writes a batch still needs (the listener's, per process): a point's or a
    NAS's ``last_seen`` / ``last_traffic`` is written only once the newest report moved at least
    ``resolution`` past what this process last committed. Every batch writing the one row of a
    busy point would serialise all writers on that row's lock (PostgreSQL) for a figure the
    health checks read in minutes (heartbeats) and hours (silence); so the stored value lags
    the newest report by less than ``resolution``. Imports and the simulator pass none and
    write every batch's newest report exactly."""

    def __init__(self, resolution: timedelta) -> None:
        self.resolution = resolution
        self._written: dict[tuple[str, int], datetime] = {}
        self._lock = threading.Lock()

    def due(self, kind: str, seen: dict[int, datetime]) -> dict[int, datetime]:
        with self._lock:
            return {
                pk: at
                for pk, at in seen.items()
                if (last := self._written.get((kind, pk))) is None or at - last >= self.resolution
            }

    def committed(self, kind: str, written: dict[int, datetime]) -> None:
        with self._lock:
            if len(self._written) >= 100_000:  # bounded, whatever the number of devices
                self._written.clear()
            for pk, at in written.items():
                last = self._written.get((kind, pk))
                self._written[(kind, pk)] = at if last is None else max(last, at)


def apply_events(
    events: Sequence[SessionEvent | NasEvent], liveness: Liveness | None = None
) -> ApplyResult:
    """Store a batch of events in one transaction. Safe to repeat; retried once if another
    writer inserted one of the same sessions meanwhile. With ``liveness``, only the liveness
    writes it finds due are made (and recorded once committed)."""
    # On PostgreSQL a batch of session reports is one statement (_batch_sql), which the
    # server runs as a transaction of its own: committed (and synced) before it returns, so
    # BEGIN and COMMIT would only add two round trips. A batch that also reads or takes the
    # lock exclusive (_exclusive) needs the explicit transaction.
    exclusive = connection.vendor == "postgresql" and _exclusive(events)
    own_statement = (
        connection.vendor == "postgresql" and not connection.in_atomic_block and not exclusive
    )
    for attempt in (1, 2):
        try:
            touched: list[tuple[str, dict[int, datetime]]] = []
            with nullcontext() if own_statement else transaction.atomic():
                result = _apply(events, liveness, touched, exclusive)
            if liveness is not None:
                for kind, written in touched:
                    liveness.committed(kind, written)
            return result
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
# removes it without slowing the common path. The shared lock is taken by the batch statement
# itself (_batch_sql), before it writes a row, so the common batch costs no round trip for it;
# the exclusive one is its own statement, before the batch's reads and NAS closes.
ACCOUNTING_LOCK = 0x70726163  # "prac"


def _exclusive(events: Sequence[SessionEvent | NasEvent]) -> bool:
    """Whether the batch takes the accounting lock exclusive: it holds a NAS reboot, or a
    session starting near a month's edge, whose bucket is read before the write
    (partitions.buckets_near_edges), so no other writer may insert it meanwhile."""
    return any(
        isinstance(event, NasEvent) or partitions.near_edge(event_start(event)) for event in events
    )


def _lock_exclusive() -> None:
    """PostgreSQL: take the accounting lock exclusive, before the batch's reads and NAS closes
    (SQLite has one writer at a time, BEGIN IMMEDIATE, anyway; a batch of session reports only
    is taken shared by the batch statement itself)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ACCOUNTING_LOCK])


def _apply(
    events: Sequence[SessionEvent | NasEvent],
    liveness: Liveness | None = None,
    touched: list | None = None,
    exclusive: bool = False,
) -> ApplyResult:
    """``exclusive``: take the accounting lock exclusive first (PostgreSQL; see
    :func:`_exclusive`)."""
    if exclusive:
        _lock_exclusive()
    result = ApplyResult()
    marks: set[tuple[int, date]] = set()  # days of sessions closed by a NAS reboot
    seen_points: dict[int, datetime] = {}
    seen_nas: dict[int, datetime] = {}
    pending: list[SessionEvent] = []
    for event in events:
        if isinstance(event, NasEvent):
            if pending:
                result.add(_apply_sessions(pending))
            pending = []
            result.closed_by_nas += _close_nas_sessions(event, marks)
            seen_nas[event.nas_id] = max(event.at, seen_nas.get(event.nas_id, event.at))
        else:
            pending.append(event)
            point = event.service_point_id
            seen_points[point] = max(event.at, seen_points.get(point, event.at))
            if event.nas_id:
                seen_nas[event.nas_id] = max(event.at, seen_nas.get(event.nas_id, event.at))
    if liveness is not None:
        seen_points = liveness.due("point", seen_points)
        seen_nas = liveness.due("nas", seen_nas)
        if touched is not None:
            touched.extend((("point", seen_points), ("nas", seen_nas)))
    # The last sessions, the marks and the liveness together: on PostgreSQL one statement.
    result.add(_apply_sessions(pending, marks, seen_points, seen_nas))
    return result


def _fresh(event: SessionEvent) -> SimpleNamespace:
    return SimpleNamespace(
        session_key=event.session_key,
        bucket=None,
        service_point_id=event.service_point_id,
        area_code=event.area_code,
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


def merged_batch(events: Iterable[SessionEvent]) -> list[SimpleNamespace]:
    """The batch's reports folded per session onto fresh rows (no read: the upsert merges
    them with the stored row, monotonically, in SQL), in session_key order so two writers
    in flight take row locks in the same order (no deadlock). A session whose start is near
    a month's edge gets the bucket its row already has (one indexed read, for those few)."""
    by_key: dict[str, SimpleNamespace] = {}
    for event in events:
        session = by_key.get(event.session_key)
        if session is None:
            session = by_key[event.session_key] = _fresh(event)
        merge(session, event)
    near = [key for key, s in by_key.items() if partitions.near_edge(s.started_at)]
    stored = partitions.buckets_near_edges(near)
    for key, session in by_key.items():
        session.bucket = stored.get(key) or partitions.bucket_of(session.started_at)
    return [by_key[key] for key in sorted(by_key)]


def _apply_sessions(
    events: list[SessionEvent],
    marks: set[tuple[int, date]] | None = None,
    seen_points: dict[int, datetime] | None = None,
    seen_nas: dict[int, datetime] | None = None,
) -> ApplyResult:
    """Upsert the batch's sessions, mark the (point, day) pairs of those that changed (the
    stored row's span: an earlier stored start counts), add ``marks``, and record liveness.
    Unchanged rows are not rewritten (a retransmitted batch writes nothing)."""
    if not (events or marks or seen_points or seen_nas):
        return ApplyResult()
    rows = session_rows(merged_batch(events))
    if connection.vendor == "postgresql":
        return _write_postgresql(rows, marks or set(), seen_points or {}, seen_nas or {})
    result = _upsert_sqlite(rows, marks or set())
    _touch(seen_points or {}, seen_nas or {})
    return result


def _liveness(seen_points: dict[int, datetime], seen_nas: dict[int, datetime]):
    """Newest report per NAS and per point, never in the future (a NAS whose clock runs
    ahead must not make a point look alive in the future)."""
    now = timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    nas = [(pk, adapt(min(at, now))) for pk, at in sorted(seen_nas.items())]
    points = [(pk, adapt(min(at, now))) for pk, at in sorted(seen_points.items())]
    return nas, points


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


# Liveness: the newest report per NAS and per point, never moving backwards.
_NAS_SET = "last_seen = v.at"
_NAS_WHERE = "(t.last_seen IS NULL OR t.last_seen < v.at)"
_POINT_SET = (
    "last_seen = CASE WHEN t.last_seen IS NULL OR t.last_seen < v.at THEN v.at "
    "ELSE t.last_seen END, last_traffic = v.at"
)
_POINT_WHERE = "(t.last_traffic IS NULL OR t.last_traffic < v.at)"


def _touch(seen_points: dict[int, datetime], seen_nas: dict[int, datetime]) -> None:
    """Liveness as UPDATE … FROM (VALUES …) statements (SQLite; PostgreSQL does it inside
    the batch's one statement, :func:`_write_postgresql`)."""
    nas, points = _liveness(seen_points, seen_nas)
    _update_from_values(Nas._meta.db_table, _NAS_SET, _NAS_WHERE, nas)
    _update_from_values(ServicePoint._meta.db_table, _POINT_SET, _POINT_WHERE, points)


def _update_from_values(table: str, assignments: str, condition: str, rows: list) -> None:
    for offset in range(0, len(rows), CHUNK_ROWS):
        chunk = rows[offset : offset + CHUNK_ROWS]
        sql = (
            f"WITH v(id, at) AS (VALUES {', '.join(['(%s, %s)'] * len(chunk))}) "  # noqa: S608
            f"UPDATE {table} AS t SET {assignments} FROM v WHERE t.id = v.id AND {condition}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [value for pair in chunk for value in pair])


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
    """The session upsert's head and ``ON CONFLICT`` tail. The tail merges the batch's row
    (``excluded``, already merged from the batch's reports) into the stored one exactly as
    :func:`merge` would fold the same reports into it, and rewrites the row only if that
    changes it (so ``RETURNING`` yields only changed rows)."""
    table = AccountingSession._meta.db_table
    pg = connection.vendor == "postgresql"
    big, small = ("GREATEST", "LEAST") if pg else ("MAX", "MIN")
    updated = f"{big}(COALESCE(t.updated_at, excluded.updated_at), excluded.updated_at)"
    # merge(): once stopped, the session ends at its latest report (a late Interim with a newer
    # clock than the Stop moves the stop with it).
    stopped = (
        "CASE WHEN t.stopped_at IS NULL AND excluded.stopped_at IS NULL THEN NULL "
        f"ELSE {big}(COALESCE(t.stopped_at, excluded.stopped_at), "
        f"COALESCE(excluded.stopped_at, t.stopped_at), {updated}) END"
    )
    merged = {
        "acct_session_id": "CASE WHEN t.acct_session_id = '' THEN excluded.acct_session_id "
        "ELSE t.acct_session_id END",
        "nas_id": "COALESCE(t.nas_id, excluded.nas_id)",
        "user_hash": "CASE WHEN t.user_hash = '' THEN excluded.user_hash ELSE t.user_hash END",
        "calling_station_hash": "CASE WHEN t.calling_station_hash = '' "
        "THEN excluded.calling_station_hash ELSE t.calling_station_hash END",
        "started_at": f"{small}(t.started_at, excluded.started_at)",
        "updated_at": updated,
        "stopped_at": stopped,
        "ended_at": f"COALESCE({stopped}, {updated})",
        "input_octets": f"{big}(t.input_octets, excluded.input_octets)",
        "output_octets": f"{big}(t.output_octets, excluded.output_octets)",
        "session_time": f"{big}(t.session_time, excluded.session_time)",
        "terminate_cause": "CASE WHEN excluded.terminate_cause = '' THEN t.terminate_cause "
        "ELSE excluded.terminate_cause END",
        "status": "CASE WHEN t.status = 'closed' OR excluded.status = 'closed' THEN 'closed' "
        "ELSE 'open' END",
    }
    distinct = "IS DISTINCT FROM" if pg else "IS NOT"
    columns = ", ".join(SESSION_COLUMNS)
    updates = ", ".join(f"{name} = {expr}" for name, expr in merged.items())
    changed = " OR ".join(f"t.{name} {distinct} {expr}" for name, expr in merged.items())
    return (
        f"INSERT INTO {table} AS t ({columns})",
        f"ON CONFLICT (session_key, bucket) DO UPDATE SET {updates} WHERE {changed}",
    )


_BATCH_SQL: dict[str, str] = {}


def _batch_sql() -> str:
    """PostgreSQL: a batch's whole write in one statement (data-modifying CTEs): the session
    upsert, the rollup marks of the changed sessions (from the rows as stored: an earlier
    stored start counts), the marks of sessions a NAS reboot closed, and both liveness
    updates. Every parameter is an array (``unnest``), so the text never changes: psycopg
    binds it server-side and prepares it once per connection.

    First of all it takes the accounting lock shared (``l``, see :data:`ACCOUNTING_LOCK`):
    every row any part of it writes is joined with ``l``, so no row is written (and no row
    lock taken) before the lock is held. A batch that took the lock exclusive already holds
    both (a transaction never conflicts with its own locks)."""
    sql = _BATCH_SQL.get("sql")
    if sql is None:
        head, tail = _upsert_parts()
        table = AccountingSession._meta.db_table
        arrays = ", ".join(f"%s::{t}[]" for t in _UPSERT_TYPES)
        columns = ", ".join(SESSION_COLUMNS)
        sql = (
            # New rows take the id proposed in i (updated ones keep theirs): that tells them
            # apart (xmax cannot be read from a partitioned table).
            "WITH l AS (SELECT pg_advisory_xact_lock_shared(%s)),"  # noqa: S608 - model tables
            f" i AS (SELECT nextval((SELECT pg_get_serial_sequence('{table}', 'id'))"
            f"::regclass) AS id, u.* FROM unnest({arrays}) AS u({columns}), l),"
            f" s AS ({head.replace(' (', ' (id, ', 1)} SELECT * FROM i {tail}"
            " RETURNING t.id, t.session_key, t.service_point_id, t.started_at, t.ended_at),"
            " d AS (SELECT service_point_id AS point, (started_at AT TIME ZONE %s)::date AS first,"
            " (GREATEST(started_at, ended_at) AT TIME ZONE %s)::date AS last FROM s),"
            f" m AS (INSERT INTO {RollupMark._meta.db_table} (service_point_id, day)"
            " SELECT point, last - g FROM d, generate_series(0, LEAST(last - first, %s)) AS g"
            " UNION SELECT u.* FROM unnest(%s::bigint[], %s::date[]) AS u(point, day), l"
            " RETURNING 1),"
            f" n AS (UPDATE {Nas._meta.db_table} AS t SET {_NAS_SET}"
            " FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at), l"
            f" WHERE t.id = v.id AND {_NAS_WHERE}),"
            f" p AS (UPDATE {ServicePoint._meta.db_table} AS t SET {_POINT_SET}"
            " FROM unnest(%s::bigint[], %s::timestamptz[]) AS v(id, at), l"
            f" WHERE t.id = v.id AND {_POINT_WHERE})"
            " SELECT count(*) FILTER (WHERE s.id = i.id), count(*), (SELECT count(*) FROM m)"
            " FROM s JOIN i ON i.session_key = s.session_key"
        )
        _BATCH_SQL["sql"] = sql
    return sql


def _columns(rows: list[tuple], types: list[str]) -> list[str]:
    """Each column of ``rows`` as the text of a PostgreSQL array of its type (``types``), to
    bind as one parameter. Built here by joining: psycopg's list dumper adapts each element
    in Python, and for a batch's 17 columns that was the largest part of the listener's CPU
    on PostgreSQL."""
    if not rows:
        return ["{}"] * len(types)
    return [
        _array_text(column, kind)
        for column, kind in zip(zip(*rows, strict=True), types, strict=True)
    ]


def _array_text(values, kind: str) -> str:
    """PostgreSQL array input (``array_in``) for ``values`` of one type; ``None`` is NULL.
    Numbers, dates and aware datetimes (ISO 8601) need no quoting; text is always quoted, with
    backslash and double quote escaped."""
    if kind == "varchar":
        items = [
            "NULL" if v is None else '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
            for v in values
        ]
    elif kind in ("date", "timestamptz"):
        items = ["NULL" if v is None else v.isoformat() for v in values]
    else:  # bigint
        items = ["NULL" if v is None else str(v) for v in values]
    return "{" + ",".join(items) + "}"


def _server_bound_cursor():
    """A Django cursor (so it is logged and its errors wrapped like any other) over a psycopg
    cursor that binds parameters server-side (Django's default client-side binding would spell
    every array out as a literal) and prepares its statement (once per connection: Django
    leaves psycopg's automatic preparing off, and planning the batch's long statement again
    for every batch cost the server more than running it for a small one)."""
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django opens psycopg connections with prepare_threshold=None, which makes psycopg
        # ignore prepare=True as well. A threshold no statement reaches prepares only those
        # that ask (the batch statement), nothing else on the connection.
        raw.prepare_threshold = _ONLY_ASKED
    return connection._prepare_cursor(_prepared_cursor_class()(raw))


_ONLY_ASKED = 2**31 - 1


_CURSOR_CLASS: list[type] = []


def _prepared_cursor_class() -> type:
    if not _CURSOR_CLASS:
        import psycopg

        class PreparedCursor(psycopg.Cursor):
            def execute(self, query, params=None, **kwargs):
                kwargs.setdefault("prepare", True)
                return super().execute(query, params, **kwargs)

        _CURSOR_CLASS.append(PreparedCursor)
    return _CURSOR_CLASS[0]


def _write_postgresql(
    rows: list[tuple],
    marks: set[tuple[int, date]],
    seen_points: dict[int, datetime],
    seen_nas: dict[int, datetime],
) -> ApplyResult:
    nas, points = _liveness(seen_points, seen_nas)
    tz = timezone.get_current_timezone_name()
    params = [
        ACCOUNTING_LOCK,
        *_columns(rows, _UPSERT_TYPES),
        tz,
        tz,
        MAX_SESSION_DAYS - 1,
        *_columns(sorted(marks), ["bigint", "date"]),
        *_columns(nas, ["bigint", "timestamptz"]),
        *_columns(points, ["bigint", "timestamptz"]),
    ]
    with _server_bound_cursor() as cursor:
        # Prepared once per connection (Django leaves psycopg's automatic preparing off): the
        # statement is long, and planning it again for every batch cost the server more than
        # running it for a small batch.
        cursor.execute(_batch_sql(), params)
        created, changed, marked = cursor.fetchone()
    return ApplyResult(
        created=created,
        updated=changed - created,
        unchanged=len(rows) - changed,
        marks=marked,
    )


def _upsert_sqlite(rows: list[tuple], marks: set[tuple[int, date]]) -> ApplyResult:
    """SQLite (in process, one writer): the upsert in chunks of multi-row VALUES, returning
    the changed rows; new ones are those past the largest id before (ids only grow)."""
    result = ApplyResult()
    head, tail = _upsert_parts()
    table = AccountingSession._meta.db_table
    placeholders = "(" + ", ".join(["%s"] * len(SESSION_COLUMNS)) + ")"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - a model's
        last_id = cursor.fetchone()[0]
        for offset in range(0, len(rows), CHUNK_ROWS):
            chunk = rows[offset : offset + CHUNK_ROWS]
            cursor.execute(
                f"{head} VALUES {', '.join([placeholders] * len(chunk))} {tail}"
                " RETURNING id, service_point_id, started_at, ended_at",
                [value for row in chunk for value in row],
            )
            for pk, point, started, ended in cursor.fetchall():
                if pk > last_id:
                    result.created += 1
                else:
                    result.updated += 1
                for day in local_days(_stored_time(started), _stored_time(ended)):
                    marks.add((point, day))
        mark = f"INSERT INTO {RollupMark._meta.db_table} (service_point_id, day) VALUES (%s, %s)"  # noqa: S608
        cursor.executemany(
            mark, [(point, connection.ops.adapt_datefield_value(d)) for point, d in sorted(marks)]
        )
    result.unchanged = len(rows) - result.created - result.updated
    result.marks = len(marks)
    return result


def _stored_time(value) -> datetime:
    """A datetime as SQLite returns it to a raw cursor (text, UTC)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def session_row(s: AccountingSession) -> tuple:
    """A session's values in the order of ``SESSION_COLUMNS``, ready for raw SQL."""
    return session_rows([s])[0]


def session_rows(sessions: Iterable) -> list[tuple]:
    """:func:`session_row` of each session, the database's adapters looked up once. A batch
    has a few hundred rows of four datetimes each: on PostgreSQL the driver takes them as
    they are; on SQLite they become UTC text as Django's adapter makes it, but without its
    per-value checks (the rows' datetimes are aware; naive ones go through Django's)."""
    ops = connection.ops
    adapt_date = ops.adapt_datefield_value
    if connection.vendor == "postgresql":

        def adapt(value):
            return value

    else:
        zone, django_adapt = connection.timezone, ops.adapt_datetimefield_value

        def adapt(value):
            if value is None or value.tzinfo is None:
                return django_adapt(value)
            return str(value.astimezone(zone).replace(tzinfo=None))

    bucket_of = partitions.bucket_of
    return [
        (
            s.session_key,
            adapt_date(s.bucket if s.bucket is not None else bucket_of(s.started_at)),
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
        for s in sessions
    ]


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

    def __init__(
        self, directory: NasDirectory, liveness_resolution: timedelta = LIVENESS_RESOLUTION
    ) -> None:
        self.directory = directory
        self.liveness = Liveness(liveness_resolution)
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
        result = apply_events(events, self.liveness)
        result.skipped += skipped
        with self._lock:
            self.totals.add(result)
