"""Import from a FreeRADIUS ``radacct`` table (PostgreSQL) or its CSV export.

For operators who already run FreeRADIUS with rlm_sql: their sessions come in through the same
merge as live packets (:func:`.accounting.apply_events`). FreeRADIUS's ``acctuniqueid`` is the
Acct-Unique-Session-Id our listener derives too, so a session seen by both lands on one row.

Incremental: an :class:`~.models.ImportCursor` per source remembers the highest ``radacctid``
and the latest start/update/stop time imported; a rerun reads rows past either (new rows, and
old rows that got an Interim-Update or a Stop since), plus the rows of every session still
open here, whose Stop may carry an older time than the newest row seen. Rows at the boundary
are read again, which the idempotent merge makes harmless. Each chunk commits with its cursor, so an
interrupted import resumes where it stopped.

The NAS is found by ``nasipaddress`` (radacct keeps no NAS-Identifier), or by
``calledstationid`` when several devices share an address; rows of unknown devices are
counted and skipped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.db import transaction
from django.utils.dateparse import parse_datetime

from pracharat.core import tables
from pracharat.network.accounting import (
    INTERIM,
    START,
    STOP,
    NasDirectory,
    SessionEvent,
    apply_events,
)
from pracharat.network.models import AccountingSession, ImportCursor, Nas
from pracharat.network.privacy import pseudonym

CHUNK = 5000
COLUMNS = [
    "radacctid",
    "acctsessionid",
    "acctuniqueid",
    "username",
    "nasipaddress",
    "acctstarttime",
    "acctupdatetime",
    "acctstoptime",
    "acctsessiontime",
    "acctinputoctets",
    "acctoutputoctets",
    "calledstationid",
    "callingstationid",
    "acctterminatecause",
]
_TABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$")


@dataclass
class RadacctResult:
    rows: int = 0
    sessions_created: int = 0
    sessions_updated: int = 0
    unchanged: int = 0
    unknown_nas: int = 0
    bad_rows: int = 0


class DeviceMatcher:
    def __init__(self) -> None:
        self.directory = NasDirectory()
        self.directory.refresh()
        self.by_called = {}
        for pk, called in (
            Nas.objects.active()
            .exclude(called_station_id="")
            .values_list("pk", "called_station_id")
        ):
            self.by_called[called.lower()] = pk

    def find(self, nas_ip: str, called: str):
        entry = self.directory.find(nas_ip, None)
        if entry is None and called:
            pk = self.by_called.get(called.lower())
            if pk is not None:
                entry = self.directory.by_id(pk)
        return entry


def _time(value) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    parsed = parse_datetime(str(value).strip().replace(" ", "T", 1))
    if parsed is None:
        raise ValueError(f"not a time: {value!r}")
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _int(value) -> int:
    if value in (None, ""):
        return 0
    return max(0, int(value))


def events_from_row(row: dict, devices: DeviceMatcher) -> list[SessionEvent] | None:
    """The events one radacct row stands for: its Start, and its latest update or Stop.
    None when the device is unknown."""
    called = (row.get("calledstationid") or "").strip()
    entry = devices.find(str(row.get("nasipaddress") or "").split("/")[0], called)
    if entry is None:
        return None
    start = _time(row.get("acctstarttime"))
    update = _time(row.get("acctupdatetime"))
    stop = _time(row.get("acctstoptime"))
    common = {
        "session_key": str(row["acctuniqueid"])[:64],
        "service_point_id": entry.service_point_id,
        "area_code": entry.area_code,
        "nas_id": entry.nas_id,
        "acct_session_id": str(row.get("acctsessionid") or "").replace("\x00", "")[:64],
        "user_hash": pseudonym(row.get("username") or ""),
        "calling_station_hash": pseudonym(row.get("callingstationid") or ""),
    }
    events = []
    if start is not None:
        events.append(SessionEvent(kind=START, at=start, **common))
    last = stop or update
    if last is not None:
        events.append(
            SessionEvent(
                kind=STOP if stop else INTERIM,
                at=last,
                session_time=_int(row.get("acctsessiontime")),
                input_octets=_int(row.get("acctinputoctets")),
                output_octets=_int(row.get("acctoutputoctets")),
                terminate_cause=(row.get("acctterminatecause") or "")[:32] if stop else "",
                **common,
            )
        )
    return events


def _import(rows: Iterable[dict], cursor: ImportCursor) -> RadacctResult:
    result = RadacctResult()
    devices = DeviceMatcher()
    chunk: list[dict] = []

    def flush() -> None:
        events: list[SessionEvent] = []
        newest_id, newest_time = cursor.last_id, cursor.last_update
        for row in chunk:
            try:
                row_events = events_from_row(row, devices)
            except (KeyError, ValueError, TypeError):
                result.bad_rows += 1
                continue
            if row_events is None:
                result.unknown_nas += 1
            else:
                events += row_events
            if row.get("radacctid") not in (None, ""):
                newest_id = max(newest_id, int(row["radacctid"]))
            for name in ("acctstarttime", "acctupdatetime", "acctstoptime"):
                try:
                    moment = _time(row.get(name))
                except ValueError:
                    moment = None
                if moment and (newest_time is None or moment > newest_time):
                    newest_time = moment
        with transaction.atomic():
            applied = apply_events(events)
            cursor.last_id, cursor.last_update = newest_id, newest_time
            cursor.imported += len(chunk)
            cursor.save()
        result.rows += len(chunk)
        result.sessions_created += applied.created
        result.sessions_updated += applied.updated
        result.unchanged += applied.unchanged
        chunk.clear()

    for row in rows:
        chunk.append(row)
        if len(chunk) >= CHUNK:
            flush()
    if chunk:
        flush()
    return result


def _cursor(source: str) -> ImportCursor:
    cursor, _ = ImportCursor.objects.get_or_create(source=source[:200])
    return cursor


def _open_keys() -> set[str]:
    return set(AccountingSession.objects.open().values_list("session_key", flat=True))


def _is_new(row: dict, cursor: ImportCursor, open_keys: set[str]) -> bool:
    raw_id = row.get("radacctid")
    if raw_id not in (None, "") and int(raw_id) > cursor.last_id:
        return True
    if row.get("acctuniqueid") in open_keys:
        return True
    if cursor.last_update is None:
        return True
    for name in ("acctstarttime", "acctupdatetime", "acctstoptime"):
        moment = _time(row.get(name))
        if moment and moment >= cursor.last_update:
            return True
    return False


def import_csv(path: str | Path) -> RadacctResult:
    """Rows of a radacct export (header with the column names, any case): CSV in UTF-8 or
    TIS-620, or XLSX, read by :func:`pracharat.core.tables.read` one row at a time."""
    path = Path(path)
    cursor = _cursor(f"csv:{path.resolve()}")

    def rows() -> Iterator[dict]:
        open_keys = _open_keys()
        with path.open("rb") as handle:
            try:
                sheet = tables.read(handle)
            except tables.FileError as exc:
                raise ValueError(f"{path}: {exc}") from None
            header = [name.lower() for name in sheet.header]
            missing = {"acctuniqueid", "nasipaddress"} - set(header)
            if missing:
                raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
            try:
                for _line, cells in sheet.rows:
                    if not any(cells):
                        continue  # a blank line
                    row = dict(zip(header, cells, strict=False))
                    try:
                        new = _is_new(row, cursor, open_keys)
                    except ValueError:
                        new = True  # counted as a bad row by the import
                    if new:
                        yield row
            except tables.FileError as exc:
                raise ValueError(f"{path}: {exc}") from None

    return _import(rows(), cursor)


def dsn_label(dsn: str, table: str) -> str:
    """A cursor name for a DSN that never contains its password."""
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(dsn)
    return "pg:{user}@{host}:{port}/{dbname}/{table}".format(
        user=parts.get("user", ""),
        host=parts.get("host", ""),
        port=parts.get("port", ""),
        dbname=parts.get("dbname", ""),
        table=table,
    )


def import_postgresql(dsn: str, table: str = "radacct") -> RadacctResult:
    """New and changed rows of a FreeRADIUS radacct table, read in radacctid order."""
    import psycopg
    from psycopg import sql
    from psycopg.rows import dict_row

    if not _TABLE_NAME.match(table):
        raise ValueError(f"not a table name: {table!r}")
    cursor = _cursor(dsn_label(dsn, table))
    identifier = sql.Identifier(*table.split("."))
    query = sql.SQL(
        "SELECT {columns} FROM {table} "
        "WHERE (radacctid > %(last_id)s OR %(since)s::timestamptz IS NULL "
        "OR GREATEST(acctstarttime, acctupdatetime, acctstoptime) >= %(since)s "
        "OR acctuniqueid = ANY(%(open)s)) "
        "AND radacctid > %(after)s ORDER BY radacctid LIMIT %(limit)s"
    ).format(
        columns=sql.SQL(", ").join(
            sql.SQL("host({})").format(sql.Identifier(c))
            if c == "nasipaddress"
            else sql.Identifier(c)
            for c in COLUMNS
        ),
        table=identifier,
    )
    names = COLUMNS

    def rows() -> Iterator[dict]:
        since, last_id = cursor.last_update, cursor.last_id
        open_keys = sorted(_open_keys())
        after = 0
        with psycopg.connect(dsn, row_factory=dict_row, autocommit=True) as conn:
            while True:
                batch = conn.execute(
                    query,
                    {
                        "last_id": last_id,
                        "since": since,
                        "open": open_keys,
                        "after": after,
                        "limit": CHUNK,
                    },
                ).fetchall()
                if not batch:
                    return
                for row in batch:
                    yield dict(zip(names, row.values(), strict=True))
                after = batch[-1]["radacctid"]

    return _import(rows(), cursor)
