"""Accounting packets into sessions: idempotent, order-independent, PDPA-safe."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from pracharat.network.accounting import (
    NasDirectory,
    RequestHandler,
    _array_text,
    apply_events,
    events_from_requests,
)
from pracharat.network.models import AccountingSession, Nas, RollupMark, ServicePoint
from pracharat.network.privacy import pseudonym
from pracharat.network.radius import acct_unique_session_id, decode, encode_accounting_request
from pracharat.network.radius.server import AccountingRequest
from pracharat.network.tests.conftest import SECRET, bangkok

pytestmark = pytest.mark.django_db

T0 = bangkok(2026, 11, 24, 10, 0)


def request(status, *, at=T0, session="s1", user="somchai", secret=SECRET, **extra):
    attrs = [
        ("Acct-Status-Type", status),
        ("NAS-IP-Address", "127.0.0.1"),
        ("NAS-Identifier", "khlong-mem-ap"),
        ("Event-Timestamp", int(at.timestamp())),
    ]
    if status not in ("Accounting-On", "Accounting-Off"):
        attrs += [
            ("User-Name", user),
            ("Acct-Session-Id", session),
            ("Calling-Station-Id", "AA-BB-CC-DD-EE-FF"),
            ("NAS-Port", 1),
        ]
    attrs += list(extra.items())
    raw = encode_accounting_request(
        [(name.replace("_", "-"), value) for name, value in attrs], secret.encode(), 7
    )
    packet = decode(raw)
    return AccountingRequest(packet, ("127.0.0.1", 40000), at, acct_unique_session_id(packet), raw)


@pytest.fixture
def store(khlong_mem_nas):
    directory = NasDirectory()
    directory.refresh()
    return RequestHandler(directory)


def only_session() -> AccountingSession:
    [session] = AccountingSession.objects.all()
    return session


def test_start_interim_stop_makes_one_closed_session(store, khlong_mem_point):
    store([request("Start")])
    store(
        [
            request(
                "Interim-Update",
                at=T0 + timedelta(minutes=5),
                Acct_Session_Time=300,
                Acct_Input_Octets=1000,
                Acct_Output_Octets=50_000,
            )
        ]
    )
    store(
        [
            request(
                "Stop",
                at=T0 + timedelta(minutes=20),
                Acct_Session_Time=1200,
                Acct_Input_Octets=4000,
                Acct_Output_Octets=900_000,
                Acct_Terminate_Cause="User-Request",
            )
        ]
    )
    session = only_session()
    assert session.status == "closed"
    assert session.started_at == T0
    assert session.stopped_at == session.ended_at == T0 + timedelta(minutes=20)
    assert (session.input_octets, session.output_octets, session.session_time) == (
        4000,
        900_000,
        1200,
    )
    assert session.terminate_cause == "User-Request"
    assert session.service_point == khlong_mem_point
    assert session.area_code == "65060209"
    khlong_mem_point.refresh_from_db()
    assert khlong_mem_point.last_traffic == T0 + timedelta(minutes=20)


def test_identifiers_are_stored_only_as_keyed_hashes(store):
    store([request("Start", user="somchai@village")])
    session = only_session()
    assert session.user_hash == pseudonym("somchai@village")
    assert session.calling_station_hash == pseudonym("aa:bb:cc:dd:ee:ff")
    stored = " ".join(str(v) for v in AccountingSession.objects.values_list().get())
    assert "somchai" not in stored
    assert "AA-BB" not in stored.upper().replace("AA:BB", "")


def test_repeats_are_idempotent(store):
    stop = request(
        "Stop",
        at=T0 + timedelta(minutes=10),
        Acct_Session_Time=600,
        Acct_Input_Octets=10,
        Acct_Output_Octets=20,
    )
    store([request("Start"), stop, stop])
    store([stop])
    session = only_session()
    assert (session.status, session.session_time, session.output_octets) == ("closed", 600, 20)


def test_stop_without_start_still_makes_a_session(store):
    store([request("Stop", at=T0, Acct_Session_Time=1800, Acct_Output_Octets=5)])
    session = only_session()
    assert session.status == "closed"
    assert session.started_at == T0 - timedelta(minutes=30)
    assert session.stopped_at == T0


def test_out_of_order_interim_never_moves_counters_back(store):
    late = request(
        "Interim-Update",
        at=T0 + timedelta(minutes=5),
        Acct_Session_Time=300,
        Acct_Output_Octets=100,
    )
    newer = request(
        "Interim-Update",
        at=T0 + timedelta(minutes=10),
        Acct_Session_Time=600,
        Acct_Output_Octets=900,
    )
    store([request("Start"), newer])
    store([late])
    session = only_session()
    assert (session.output_octets, session.session_time) == (900, 600)
    assert session.updated_at == T0 + timedelta(minutes=10)


def test_interim_after_stop_does_not_reopen(store):
    store([request("Start"), request("Stop", at=T0 + timedelta(minutes=10), Acct_Session_Time=600)])
    store([request("Interim-Update", at=T0 + timedelta(minutes=5), Acct_Session_Time=300)])
    assert only_session().status == "closed"


def test_gigawords_make_64_bit_counters(store):
    store(
        [
            request(
                "Stop",
                Acct_Session_Time=60,
                Acct_Input_Octets=5,
                Acct_Input_Gigawords=2,
                Acct_Output_Octets=7,
                Acct_Output_Gigawords=3,
            )
        ]
    )
    session = only_session()
    assert session.input_octets == 2 * 2**32 + 5
    assert session.output_octets == 3 * 2**32 + 7


def test_accounting_on_closes_the_nas_open_sessions(store, khlong_mem_nas):
    store(
        [
            request("Start", session="a"),
            request("Start", session="b", user="other"),
            request(
                "Interim-Update", session="a", at=T0 + timedelta(minutes=5), Acct_Session_Time=300
            ),
        ]
    )
    store([request("Accounting-On", at=T0 + timedelta(hours=1))])
    sessions = {s.acct_session_id: s for s in AccountingSession.objects.all()}
    assert {s.status for s in sessions.values()} == {"closed"}
    assert sessions["a"].stopped_at == T0 + timedelta(minutes=5)  # its last report
    assert sessions["a"].terminate_cause == "NAS-Reboot"
    khlong_mem_nas.refresh_from_db()
    assert khlong_mem_nas.last_reboot == T0 + timedelta(hours=1)


def test_start_after_accounting_on_in_the_same_batch_stays_open(store):
    store(
        [
            request("Start", session="old"),
            request("Accounting-On", at=T0 + timedelta(minutes=1)),
            request("Start", session="new", at=T0 + timedelta(minutes=2)),
        ]
    )
    states = dict(AccountingSession.objects.values_list("acct_session_id", "status"))
    assert states == {"old": "closed", "new": "open"}


def test_unknown_nas_is_skipped(store):
    Nas.objects.all().delete()
    store.directory.refresh()
    store([request("Start")])
    assert not AccountingSession.objects.exists()
    assert store.totals.skipped == 1


def test_deleting_a_device_or_a_point_holds_without_database_constraints(store):
    """The session and mark tables have no foreign key constraints (their checks locked the
    point's and device's rows for every row written); the ORM's on_delete still holds."""
    from django.db import connection
    from django.db.models import ProtectedError

    with connection.cursor() as cursor:
        for model in (AccountingSession, RollupMark):
            found = connection.introspection.get_constraints(cursor, model._meta.db_table)
            assert not [c for c in found.values() if c["foreign_key"]], model

    store([request("Start")])
    session = only_session()
    point = session.service_point
    assert RollupMark.objects.filter(service_point=point).exists()
    with pytest.raises(ProtectedError):
        point.delete()
    Nas.objects.filter(pk=session.nas_id).delete()
    session.refresh_from_db()
    assert session.nas_id is None  # SET_NULL
    AccountingSession.objects.all().delete()
    point.delete()
    assert not RollupMark.objects.exists()  # CASCADE


def test_implausible_event_timestamp_falls_back_to_arrival(store):
    req = request("Start")
    raw = encode_accounting_request(
        [
            ("Acct-Status-Type", "Start"),
            ("Acct-Session-Id", "x"),
            ("User-Name", "u"),
            ("Event-Timestamp", 1000),
            ("Acct-Delay-Time", 30),
        ],
        SECRET.encode(),
        1,
    )
    packet = decode(raw)
    clockless = AccountingRequest(packet, req.source, T0, acct_unique_session_id(packet), raw)
    events, _ = events_from_requests([clockless], store.directory)
    assert events[0].at == T0 - timedelta(seconds=30)


def test_changed_sessions_mark_every_day_they_span(store, khlong_mem_point):
    late_evening = bangkok(2026, 11, 24, 23, 30)
    store(
        [
            request("Start", at=late_evening),
            request("Interim-Update", at=late_evening + timedelta(hours=1), Acct_Session_Time=3600),
        ]
    )
    days = sorted(RollupMark.objects.values_list("day", flat=True).distinct())
    assert [str(d) for d in days] == ["2026-11-24", "2026-11-25"]


def test_apply_events_rolls_back_the_whole_batch_on_error(khlong_mem_nas, monkeypatch):
    directory = NasDirectory()
    directory.refresh()
    events, _ = events_from_requests([request("Start")], directory)
    from pracharat.network import accounting

    written = accounting._apply

    def boom(*args, **kwargs):
        written(*args, **kwargs)  # the whole batch written, then the commit cannot happen
        raise RuntimeError("disk full")

    monkeypatch.setattr(accounting, "_apply", boom)
    with pytest.raises(RuntimeError):
        apply_events(events)
    assert not AccountingSession.objects.exists()
    assert not RollupMark.objects.exists()
    assert ServicePoint.objects.get().last_traffic is None


def test_nul_characters_in_ids_do_not_break_the_batch(store):
    store([request("Start", session="abc\x00def")])
    assert only_session().acct_session_id == "abcdef"


def test_the_stored_rows_earlier_start_marks_its_days(store, khlong_mem_point):
    """A later batch knows only its own reports (no read before the write): the marks come
    from the row as stored, so an Interim whose own estimate starts today still marks the
    day the stored Start began."""
    store([request("Start", at=T0)])
    RollupMark.objects.all().delete()
    two_days_on = T0 + timedelta(days=2)
    store([request("Interim-Update", at=two_days_on, Acct_Session_Time=60)])
    days = sorted(RollupMark.objects.values_list("day", flat=True).distinct())
    assert [str(d) for d in days] == ["2026-11-24", "2026-11-25", "2026-11-26"]
    assert only_session().started_at == T0


def test_batches_count_new_changed_and_unchanged_sessions(store):
    start, other = request("Start"), request("Start", session="s2", user="other")
    first = apply_events(events_from_requests([start, other], store.directory)[0])
    assert (first.created, first.updated, first.unchanged) == (2, 0, 0)
    again = apply_events(events_from_requests([start, other], store.directory)[0])
    assert (again.created, again.updated, again.unchanged, again.marks) == (0, 0, 2, 0)
    interim = request("Interim-Update", at=T0 + timedelta(minutes=5), Acct_Session_Time=300)
    third = apply_events(events_from_requests([interim, other], store.directory)[0])
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)


# Every stored field a report can change (all but the row's identity and its point).
MERGED = [
    f.attname
    for f in AccountingSession._meta.concrete_fields
    if f.attname not in {"id", "session_key", "bucket", "service_point_id", "area_code"}
]


def test_the_sql_merge_with_the_stored_row_is_the_python_merge(store):
    """Whatever the split into batches and the order, the stored row is what ``merge`` makes
    of all the reports at once: the upsert merges stored and new exactly as ``merge`` does
    (a Stop closes for good, a late Interim with a newer clock moves the stop, the last
    cause wins, counters only grow)."""
    import random

    from pracharat.network.accounting import _fresh, merge

    reports = [
        ("Start", 0, {}),
        ("Interim-Update", 5, {"Acct_Session_Time": 300, "Acct_Output_Octets": 50}),
        ("Interim-Update", 9, {"Acct_Session_Time": 540, "Acct_Output_Octets": 40}),
        (
            "Stop",
            10,
            {"Acct_Session_Time": 600, "Acct_Output_Octets": 90, "Acct_Terminate_Cause": 1},
        ),
        ("Interim-Update", 12, {"Acct_Session_Time": 610, "Acct_Input_Octets": 7}),
    ]
    rng = random.Random(11)
    for trial in range(12):
        key = f"m{trial}"
        packets = [
            request(kind, at=T0 + timedelta(minutes=m), session=key, **extra)
            for kind, m, extra in reports
        ]
        rng.shuffle(packets)
        cuts = sorted(rng.sample(range(1, len(packets)), rng.randint(0, 3)))
        for lo, hi in zip([0, *cuts], [*cuts, len(packets)], strict=True):
            store(packets[lo:hi])
        events, _ = events_from_requests(packets, store.directory)
        expected = _fresh(events[0])
        for event in events:
            merge(expected, event)
        stored = AccountingSession.objects.get(acct_session_id=key)
        for name in MERGED:
            assert getattr(stored, name) == getattr(expected, name), (trial, name)
        assert stored.stopped_at == T0 + timedelta(minutes=12)  # the late Interim's clock


@pytest.mark.django_db(transaction=True)
def test_a_batch_is_the_lock_and_one_statement_on_postgresql(khlong_mem_nas):
    """On PostgreSQL a batch of session reports is one statement (the advisory lock, shared,
    then upsert, rollup marks and both liveness updates) in autocommit: no BEGIN, no COMMIT."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("one statement per batch is PostgreSQL's (data-modifying CTEs)")
    directory = NasDirectory()
    directory.refresh()
    handler = RequestHandler(directory)
    batch = [request("Start", session=f"q{n}", user=f"u{n}") for n in range(50)]
    batch += [
        request("Interim-Update", session=f"q{n}", user=f"u{n}", at=T0 + timedelta(hours=25))
        for n in range(0, 50, 2)
    ]
    handler([request("Start", session="warm-up")])  # the connection's own set-up aside
    with CaptureQueriesContext(connection) as queries:
        handler(batch)
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1, statements
    (write,) = statements
    # (psycopg keeps no query text for a prepared statement's run: Django logs it as None)
    assert write is None or write.startswith("WITH l AS (SELECT pg_advisory_xact_lock_shared(")
    # ... the batch statement, prepared on the server once (Django's connection would not)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements"
            " WHERE statement LIKE 'WITH l AS (SELECT pg_advisory_xact_lock_shared(%%'"
        )
        assert cursor.fetchone()[0] == 1
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 1  # only the statement that asked
    assert AccountingSession.objects.count() == 51
    assert (handler.totals.created, handler.totals.updated) == (51, 0)
    days = {str(d) for d in RollupMark.objects.values_list("day", flat=True)}
    assert days == {"2026-11-24", "2026-11-25"}
    assert ServicePoint.objects.get().last_traffic == T0 + timedelta(hours=25)
    khlong_mem_nas.refresh_from_db()
    assert khlong_mem_nas.last_seen == T0 + timedelta(hours=25)


@pytest.mark.django_db(transaction=True)
def test_a_batch_with_a_nas_reboot_is_one_transaction_on_postgresql(khlong_mem_nas):
    """A batch that takes the accounting lock exclusive (here an Accounting-On) keeps its
    explicit transaction: the lock, the NAS's sessions closed and the batch statement commit
    together."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if connection.vendor != "postgresql":
        pytest.skip("the autocommit batch is PostgreSQL's")
    directory = NasDirectory()
    directory.refresh()
    handler = RequestHandler(directory)
    handler([request("Start", session="before")])
    with CaptureQueriesContext(connection) as queries:
        handler(
            [
                request("Accounting-On", at=T0 + timedelta(hours=1)),
                request("Start", session="after", at=T0 + timedelta(hours=1)),
            ]
        )
    statements = [q["sql"] or "" for q in queries.captured_queries]
    assert statements[0] == "BEGIN" and statements[-1] == "COMMIT", statements
    assert "pg_advisory_xact_lock(" in statements[1]
    assert AccountingSession.objects.get(acct_session_id="before").status == "closed"
    assert AccountingSession.objects.get(acct_session_id="after").status == "open"


@pytest.mark.django_db(transaction=True)
def test_the_batch_statement_waits_for_a_nas_reboot_holding_the_lock(khlong_mem_nas):
    """The shared accounting lock is taken inside the batch statement, before it writes: while
    another transaction holds it exclusive (a NAS reboot), the batch waits and writes nothing;
    it goes on once that one commits."""
    import threading

    from django.db import connection, connections, transaction

    from pracharat.network.accounting import ACCOUNTING_LOCK

    if connection.vendor != "postgresql":
        pytest.skip("advisory locks are PostgreSQL's")
    directory = NasDirectory()
    directory.refresh()
    handler = RequestHandler(directory)
    failures: list[BaseException] = []

    def write() -> None:
        try:
            handler([request("Start", session="waits")])
        except BaseException as exc:  # reported below
            failures.append(exc)
        finally:
            connections.close_all()

    def waiting_for_the_lock() -> bool:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = %s"
                " AND mode = 'ShareLock' AND NOT granted",
                [ACCOUNTING_LOCK],
            )
            return cursor.fetchone()[0] == 1

    writer = threading.Thread(target=write)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [ACCOUNTING_LOCK])
        writer.start()
        for _ in range(2000):  # until the batch is seen waiting (bounded)
            if waiting_for_the_lock():
                break
            threading.Event().wait(0.005)
        assert waiting_for_the_lock()
    writer.join(30)
    assert not writer.is_alive() and failures == []
    assert AccountingSession.objects.filter(session_key__isnull=False).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_writer_thread_keeps_its_connection_from_batch_to_batch(khlong_mem_nas):
    """The listener's writer threads store batch after batch on one connection (SQLite's
    CONN_MAX_AGE of 0 must not reopen it, and reset its pragmas, for every batch)."""
    import threading

    from django.db import connection

    directory = NasDirectory()
    directory.refresh()
    handler = RequestHandler(directory)
    seen: list = []  # the raw connections themselves, so none is freed and its id reused

    def writer() -> None:
        try:
            for n in range(3):
                handler([request("Start", session=f"c{n}", user=f"u{n}")])
                seen.append(connection.connection)
        finally:
            connection.close()

    thread = threading.Thread(target=writer)
    thread.start()
    thread.join()
    assert len(seen) == 3 and seen[0] is not None
    assert all(raw is seen[0] for raw in seen)
    assert AccountingSession.objects.count() == 3


def test_listener_writes_liveness_at_its_resolution_not_every_batch(store, khlong_mem_point):
    """A busy point's row is not rewritten by every batch (all writers would queue on its
    lock); it moves once the newest report is a resolution past the last one written."""
    step = store.liveness.resolution
    store([request("Start", session="a")])
    store([request("Start", session="b", at=T0 + step / 2)])
    khlong_mem_point.refresh_from_db()
    assert khlong_mem_point.last_traffic == T0
    store([request("Start", session="c", at=T0 + step)])
    khlong_mem_point.refresh_from_db()
    assert khlong_mem_point.last_traffic == T0 + step
    nas = Nas.objects.get()
    assert nas.last_seen == T0 + step
    assert AccountingSession.objects.count() == 3


def test_imports_write_every_batchs_liveness(khlong_mem_point, khlong_mem_nas):
    directory = NasDirectory()
    directory.refresh()
    for n, at in enumerate((T0, T0 + timedelta(seconds=1))):
        events, _ = events_from_requests([request("Start", session=f"s{n}", at=at)], directory)
        apply_events(events)
    khlong_mem_point.refresh_from_db()
    assert khlong_mem_point.last_traffic == T0 + timedelta(seconds=1)


AWKWARD_TEXT = [
    None,
    "NULL",  # the word, not a NULL
    "null",
    "",
    '"',
    'say "hi"',
    "back\\slash",
    "ends in a backslash\\",
    '\\"',
    "a,b",
    "{braces}",
    "}{",
    " spaced ",
    "ตำบลคลองเมม อำเภอเมือง",
    "tab\tand\nnewline",
]


def test_array_text_quotes_every_text_and_spells_null_bare():
    assert _array_text([], "varchar") == "{}"
    assert _array_text([""], "varchar") == '{""}'
    assert _array_text([None, "NULL", 'a"b', "c\\d", "e,f", "{}"], "varchar") == (
        '{NULL,"NULL","a\\"b","c\\\\d","e,f","{}"}'
    )
    assert _array_text([1, None, -(2**63)], "bigint") == "{1,NULL,-9223372036854775808}"
    assert _array_text([date(2027, 1, 1), None], "date") == "{2027-01-01,NULL}"
    assert _array_text([T0, None], "timestamptz") == "{2026-11-24T10:00:00+07:00,NULL}"


@pytest.mark.parametrize(
    ("kind", "values"),
    [
        ("varchar", AWKWARD_TEXT),
        ("varchar", [""]),
        ("varchar", []),
        ("bigint", [0, None, 2**63 - 1, -(2**63)]),
        ("date", [date(2026, 12, 31), None, date(2028, 2, 29)]),
        ("timestamptz", [T0, None, datetime(2026, 12, 31, 17, 0, 0, 1, tzinfo=UTC)]),
    ],
)
def test_array_text_reads_back_the_same_values_in_postgresql(kind, values):
    """What the listener binds as one text parameter per column is what array_in reads: the
    same values, NULLs where None was, whatever the text holds."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the array text is PostgreSQL's array input")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT %s::{kind}[]", [_array_text(values, kind)])
        [[stored]] = cursor.fetchall()
    assert stored == values
