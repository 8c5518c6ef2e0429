"""Accounting packets into sessions: idempotent, order-independent, PDPA-safe."""

from __future__ import annotations

from datetime import timedelta

import pytest

from pracharat.network.accounting import (
    NasDirectory,
    RequestHandler,
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
