"""Importing FreeRADIUS radacct: CSV always; a real PostgreSQL table when tests run on it."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from pracharat.network import radacct
from pracharat.network.models import AccountingSession, DailyUsage, ImportCursor
from pracharat.network.privacy import pseudonym

SCHEMA_SQL = Path("/etc/freeradius/3.0/mods-config/sql/main/postgresql/schema.sql")

ROWS = [
    # radacctid, uniqueid, user, nas, start, update, stop, time, in, out, cause
    (
        1,
        "a" * 32,
        "somchai",
        "127.0.0.1",
        "2026-11-24 02:00:00+00",
        "2026-11-24 02:10:00+00",
        "",
        600,
        100,
        2000,
        "",
    ),
    (
        2,
        "b" * 32,
        "malee",
        "127.0.0.1",
        "2026-11-24 03:00:00+00",
        "2026-11-24 03:30:00+00",
        "2026-11-24 03:30:00+00",
        1800,
        300,
        9000,
        "User-Request",
    ),
    (3, "c" * 32, "ghost", "10.9.9.9", "2026-11-24 03:00:00+00", "", "", 0, 0, 0, ""),
]
HEADER = [
    "RadAcctId",
    "AcctUniqueId",
    "UserName",
    "NASIPAddress",
    "AcctStartTime",
    "AcctUpdateTime",
    "AcctStopTime",
    "AcctSessionTime",
    "AcctInputOctets",
    "AcctOutputOctets",
    "AcctTerminateCause",
]


def write_csv(path, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


@pytest.mark.django_db
def test_csv_import_is_incremental_and_idempotent(tmp_path, khlong_mem_nas, khlong_mem_point):
    export = tmp_path / "radacct.csv"
    write_csv(export, ROWS)
    first = radacct.import_csv(export)
    assert (first.rows, first.sessions_created, first.unknown_nas) == (3, 2, 1)
    open_one = AccountingSession.objects.get(session_key="a" * 32)
    assert (open_one.status, open_one.output_octets, open_one.session_time) == ("open", 2000, 600)
    assert open_one.user_hash == pseudonym("somchai")
    closed = AccountingSession.objects.get(session_key="b" * 32)
    assert (closed.status, closed.terminate_cause) == ("closed", "User-Request")
    assert ImportCursor.objects.get().last_id == 3
    # The same file again: nothing is new, nothing changes.
    again = radacct.import_csv(export)
    assert again.sessions_created == 0 and again.sessions_updated == 0
    # FreeRADIUS updated row 1 (a Stop) and added row 4.
    rows = [list(r) for r in ROWS]
    rows[0][5] = rows[0][6] = "2026-11-24 02:40:00+00"
    rows[0][7], rows[0][9], rows[0][10] = 2400, 8000, "Idle-Timeout"
    rows.append(
        [4, "d" * 32, "somchai", "127.0.0.1", "2026-11-24 05:00:00+00", "", "", 0, 0, 0, ""]
    )
    write_csv(export, rows)
    third = radacct.import_csv(export)
    assert (third.sessions_created, third.sessions_updated) == (1, 1)
    open_one.refresh_from_db()
    assert (open_one.status, open_one.output_octets) == ("closed", 8000)
    call_command("rollup", no_health=True, stdout=io.StringIO())
    day = DailyUsage.objects.get(service_point=khlong_mem_point)
    assert (day.sessions, day.unique_users) == (3, 2)


@pytest.mark.django_db
def test_unreadable_rows_are_counted_not_fatal(tmp_path, khlong_mem_nas):
    export = tmp_path / "radacct.csv"
    rows = [list(ROWS[0]), list(ROWS[1])]
    rows[0][4] = "yesterday-ish"
    write_csv(export, rows)
    result = radacct.import_csv(export)
    assert (result.bad_rows, result.sessions_created) == (1, 1)


def test_dsn_label_hides_the_password():
    label = radacct.dsn_label("postgresql://rad:s3cret@db.example:5432/radius", "radacct")
    assert "s3cret" not in label and "db.example" in label


@pytest.fixture
def radacct_table(django_db_blocker):
    """A real FreeRADIUS radacct table (Debian's schema) in a scratch schema of the test DB."""
    if connection.vendor != "postgresql":
        pytest.skip("the radacct DSN path needs DATABASE_URL=postgres://...")
    if not SCHEMA_SQL.exists():
        pytest.skip("FreeRADIUS's schema.sql is not installed")
    import psycopg

    settings = connection.settings_dict
    dsn = psycopg.conninfo.make_conninfo(
        dbname=settings["NAME"],
        user=settings["USER"],
        host=settings["HOST"] or "",
        port=str(settings["PORT"] or ""),
        password=settings["PASSWORD"] or "",
    )
    schema = f"radius_{uuid.uuid4().hex[:8]}"
    ddl = SCHEMA_SQL.read_text().split("CREATE TABLE IF NOT EXISTS radcheck")[0]
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
        conn.execute(f"SET search_path TO {schema}")
        conn.execute(ddl)
    yield dsn, schema
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.mark.django_db(transaction=True)
def test_postgresql_radacct_import(radacct_table, khlong_mem_nas):
    import psycopg
    import psycopg.sql

    dsn, schema = radacct_table
    insert = psycopg.sql.SQL(
        "INSERT INTO {}.radacct (acctsessionid, acctuniqueid, username, nasipaddress, "
        "acctstarttime, acctupdatetime, acctstoptime, acctsessiontime, acctinputoctets, "
        "acctoutputoctets, acctterminatecause, callingstationid) "
        "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    ).format(psycopg.sql.Identifier(schema))
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _id, key, user, nas, start, update, stop, secs, i, o, cause in ROWS:
            conn.execute(
                insert,
                (
                    "s",
                    key,
                    user,
                    nas,
                    start,
                    update or None,
                    stop or None,
                    secs,
                    i,
                    o,
                    cause,
                    "AA-BB-CC-DD-EE-FF",
                ),
            )
    out = io.StringIO()
    call_command("import_radacct", dsn=dsn, table=f"{schema}.radacct", stdout=out)
    assert "2 sessions new" in out.getvalue()
    assert AccountingSession.objects.count() == 2
    assert "s3cret" not in ImportCursor.objects.get().source
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            psycopg.sql.SQL(
                "UPDATE {}.radacct SET acctstoptime = acctupdatetime + interval '5 minutes', "
                "acctupdatetime = acctupdatetime + interval '5 minutes', acctsessiontime = 900, "
                "acctoutputoctets = 5000 WHERE acctuniqueid = %s"
            ).format(psycopg.sql.Identifier(schema)),
            ("a" * 32,),
        )
    result = radacct.import_postgresql(dsn, f"{schema}.radacct")
    assert result.sessions_updated == 1
    assert AccountingSession.objects.get(session_key="a" * 32).status == "closed"
