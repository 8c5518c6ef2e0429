"""Correct under every packet order (issue 11): NAS reboots against concurrent upserts on
PostgreSQL, Status-Server (RFC 5997), durable SQLite commits, and a 10,000-datagram fuzz."""

from __future__ import annotations

import logging
import random
import shutil
import socket
import subprocess
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, connections

from pracharat.network.accounting import NasDirectory, RequestHandler
from pracharat.network.listener import ListenerOptions, ListenerThread
from pracharat.network.models import AccountingSession
from pracharat.network.radius import decode, encode_accounting_request
from pracharat.network.radius.dictionary import Code
from pracharat.network.radius.packet import (
    encode_packet,
    verify_accounting_response,
    verify_status_server,
)
from pracharat.network.radius.server import ServerConfig
from pracharat.network.tests.conftest import SECRET
from pracharat.network.tests.test_accounting import T0, request

pytestmark = pytest.mark.django_db(transaction=True)


# -- (a) Accounting-On/Off against concurrent upserts on PostgreSQL ------------------------


def test_nas_reboots_never_deadlock_with_concurrent_upserts(khlong_mem_nas):
    """Writers commit batches side by side, as the listener's writer threads do: two keep
    updating the same open sessions (row locks in session_key order) while a third sends
    Accounting-On/Off (closing every open session of the NAS, in index order). Without the
    serialisation PostgreSQL aborted one of them with "deadlock detected"."""
    if connection.vendor != "postgresql":
        pytest.skip("row-lock deadlocks need PostgreSQL's concurrent writers")
    directory = NasDirectory()
    directory.refresh()
    handler = RequestHandler(directory)
    keys = [f"s{n:03d}" for n in range(120)]
    errors: list[BaseException] = []
    rounds = 25

    def sessions(writer: int) -> None:
        rng = random.Random(writer)
        try:
            for step in range(rounds):
                chosen = rng.sample(keys, 60)
                at = T0 + timedelta(minutes=step)
                batch = [
                    request(
                        rng.choice(["Start", "Interim-Update"]),
                        session=key,
                        at=at,
                        Acct_Session_Time=60 * step,
                        Acct_Input_Octets=step,
                    )
                    for key in chosen
                ]
                handler(batch)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            connections.close_all()

    def reboots() -> None:
        try:
            for step in range(rounds):
                at = T0 + timedelta(minutes=step, seconds=30)
                kind = "Accounting-On" if step % 2 else "Accounting-Off"
                handler([request("Start", session=keys[step], at=at), request(kind, at=at)])
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sessions, args=(n,)) for n in range(2)]
    threads.append(threading.Thread(target=reboots))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []
    assert handler.totals.closed_by_nas > 0  # the reboots really met open sessions
    assert AccountingSession.objects.count() == len(keys)


# -- (b) Status-Server, RFC 5997 ------------------------------------------------------------


@pytest.fixture
def listener(khlong_mem_nas):
    thread = ListenerThread(ListenerOptions(port=0, server=ServerConfig(max_delay=0)))
    host, port = thread.start()
    yield thread, host, port
    thread.stop()


RADCLIENT = shutil.which("radclient") or "/usr/bin/radclient"


@pytest.mark.radclient
def test_status_server_is_answered_to_radclient_status(listener):
    if shutil.which("radclient") is None:
        pytest.skip("radclient is not installed (apt-get install freeradius-utils)")
    thread, host, port = listener
    done = subprocess.run(
        [RADCLIENT, "-x", "-t", "2", "-r", "1", f"{host}:{port}", "status", SECRET],
        input="Message-Authenticator = 0x00\n",
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Accounting-Response" in done.stdout
    assert thread.server.stats.status_answered == 1


def status_server(secret: bytes, identifier: int, *, with_mac: bool = True) -> bytes:
    import hmac
    import os

    authenticator = os.urandom(16)
    pairs = [(32, b"khlong-mem-ap")]
    if with_mac:
        pairs.append((80, bytes(16)))
    raw = encode_packet(Code.STATUS_SERVER, identifier, authenticator, pairs)
    if with_mac:
        raw = raw[:-16] + hmac.new(secret, raw, "md5").digest()
    return raw


def test_status_server_answer_carries_a_valid_message_authenticator(listener):
    import hmac

    thread, host, port = listener
    raw = status_server(SECRET.encode(), 42)
    assert verify_status_server(decode(raw), SECRET.encode())
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        sock.sendto(raw, (host, port))
        answer_raw = sock.recv(4096)
        answer = decode(answer_raw)
        assert answer.code == Code.ACCOUNTING_RESPONSE and answer.identifier == 42
        assert verify_accounting_response(answer_raw, raw[4:20], SECRET.encode())
        [mac] = answer.raw_values(80)
        zeroed = answer_raw[:4] + raw[4:20] + answer_raw[20:-16] + bytes(16)
        assert hmac.compare_digest(hmac.new(SECRET.encode(), zeroed, "md5").digest(), mac)
        # RFC 5997 §3: without a Message-Authenticator (or with a wrong one), no answer.
        sock.settimeout(0.5)
        sock.sendto(status_server(SECRET.encode(), 43, with_mac=False), (host, port))
        sock.sendto(status_server(b"wrong-secret", 44), (host, port))
        with pytest.raises(TimeoutError):
            sock.recv(4096)
    assert thread.server.stats.status_answered == 1
    assert thread.server.stats.bad_authenticator == 2


# -- (c) SQLite: a batch is durable before it is answered ---------------------------------


def test_sqlite_listener_commits_with_synchronous_full(listener):
    """The writer's connection runs synchronous=FULL (2): the commit that precedes the answer
    has reached the disk. Asked on the writer thread's own connection."""
    if connection.vendor != "sqlite":
        pytest.skip("a SQLite pragma")
    _thread, host, port = listener
    raw = encode_accounting_request(
        [
            ("Acct-Status-Type", "Start"),
            ("Acct-Session-Id", "durable"),
            ("User-Name", "u"),
            ("NAS-Identifier", "khlong-mem-ap"),
        ],
        SECRET.encode(),
        5,
    )
    seen: list[int] = []
    handler_cls_call = RequestHandler.__call__

    def spy(self, batch):
        handler_cls_call(self, batch)
        with connection.cursor() as cursor:  # the writer thread's connection, after commit
            cursor.execute("PRAGMA synchronous")
            seen.append(cursor.fetchone()[0])

    RequestHandler.__call__ = spy
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
            sock.settimeout(5)
            sock.sendto(raw, (host, port))
            assert decode(sock.recv(4096)).code == Code.ACCOUNTING_RESPONSE
    finally:
        RequestHandler.__call__ = handler_cls_call
    assert seen == [2]  # FULL
    assert AccountingSession.objects.filter(acct_session_id="durable").exists()


# -- (d) 10,000 mutated datagrams ------------------------------------------------------------


def mutations(rng: random.Random, count: int):
    valid = [
        encode_accounting_request(
            [
                ("Acct-Status-Type", kind),
                ("Acct-Session-Id", f"fz{n}"),
                ("User-Name", "u"),
                ("NAS-Identifier", "khlong-mem-ap"),
                ("Acct-Input-Octets", n),
            ],
            SECRET.encode(),
            n % 256,
            message_authenticator=n % 3 == 0,
        )
        for n, kind in enumerate(["Start", "Interim-Update", "Stop", "Accounting-On"] * 4)
    ]
    valid.append(status_server(SECRET.encode(), 9))
    for _ in range(count):
        data = bytearray(rng.choice(valid))
        how = rng.randrange(6)
        if how == 0:  # flip bytes
            for _ in range(rng.randint(1, 4)):
                data[rng.randrange(len(data))] ^= rng.randint(1, 255)
        elif how == 1:  # truncate
            data = data[: rng.randrange(len(data))]
        elif how == 2:  # garbage tail
            data += rng.randbytes(rng.randint(1, 60))
        elif how == 3:  # lie about the length
            data[2:4] = rng.randrange(65536).to_bytes(2, "big")
        elif how == 4:  # break an attribute length
            if len(data) > 21:
                data[20 + rng.randrange(min(8, len(data) - 20))] = rng.randrange(256)
        else:  # random octets
            data = bytearray(rng.randbytes(rng.randint(0, 300)))
        yield bytes(data)


def test_ten_thousand_mutated_datagrams_log_no_error(listener, caplog):
    thread, host, port = listener
    rng = random.Random(11)
    caplog.set_level(logging.WARNING)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.setblocking(False)
        for n, data in enumerate(mutations(rng, 10_000)):
            sock.sendto(data, (host, port))
            if n % 50 == 49:  # bounded burst, then let the listener drain
                time.sleep(0.002)
                try:
                    while True:
                        sock.recv(4096)
                except BlockingIOError:
                    pass
        sock.setblocking(True)
        sock.settimeout(5)
        fresh = encode_accounting_request(
            [
                ("Acct-Status-Type", "Start"),
                ("Acct-Session-Id", "after-mutations"),
                ("User-Name", "u"),
                ("NAS-Identifier", "khlong-mem-ap"),
            ],
            SECRET.encode(),
            200,
        )
        sock.sendto(fresh, (host, port))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            answer = decode(sock.recv(4096))
            if answer.identifier == 200 and answer.code == Code.ACCOUNTING_RESPONSE:
                break
        else:
            pytest.fail("no answer after the mutations")
    stats = thread.server.stats
    assert stats.received >= 10_000 * 0.9  # (loopback may drop a few when buffers fill)
    assert stats.internal_errors == 0 and stats.handler_errors == 0
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
    assert AccountingSession.objects.filter(acct_session_id="after-mutations").exists()
