"""End to end: FreeRADIUS's own `radclient` talks to `pracharat radius` (the real listener on a
free loopback port) and the sessions and the day's rollup land in the database."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess

import pytest
from django.utils import timezone

from pracharat.network import rollups
from pracharat.network.listener import ListenerOptions, ListenerThread
from pracharat.network.models import AccountingSession, DailyUsage
from pracharat.network.radius import (
    decode,
    encode_accounting_request,
    verify_accounting_response,
)
from pracharat.network.radius.server import ServerConfig
from pracharat.network.tests.conftest import SECRET

pytestmark = [pytest.mark.radclient, pytest.mark.django_db(transaction=True)]

RADCLIENT = shutil.which("radclient") or "/usr/bin/radclient"


@pytest.fixture(scope="module")
def radclient():
    if not os.path.exists(RADCLIENT):
        if os.environ.get("CI"):
            pytest.fail("radclient is missing in CI: .ci/run installs freeradius-utils")
        pytest.skip("radclient is not installed (apt-get install freeradius-utils)")
    return RADCLIENT


@pytest.fixture
def listener(khlong_mem_nas):
    thread = ListenerThread(
        ListenerOptions(
            host="127.0.0.1",
            port=0,
            server=ServerConfig(max_delay=0.01),
        )
    )
    host, port = thread.start()
    yield thread, f"{host}:{port}"
    thread.stop()


def send(
    radclient, address, attributes: str, secret=SECRET, *, count=1
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [radclient, "-t", "2", "-r", "1", "-c", str(count), address, "acct", secret],
        input=attributes,
        capture_output=True,
        text=True,
        timeout=30,
    )


def attrs(status: str, session="s-1", extra="") -> str:
    now = int(timezone.now().timestamp())
    return (
        f'Acct-Status-Type = {status}, User-Name = "somchai", Acct-Session-Id = "{session}", '
        f'NAS-IP-Address = 127.0.0.1, NAS-Identifier = "khlong-mem-ap", NAS-Port = 1, '
        f'Calling-Station-Id = "AA-BB-CC-DD-EE-FF", Event-Timestamp = {now}{extra}'
    )


def test_start_interim_stop_then_session_and_rollup(radclient, listener, khlong_mem_point):
    _, address = listener
    for status, extra in (
        ("Start", ""),
        ("Interim-Update", ", Acct-Session-Time = 60, Acct-Output-Octets = 5000"),
        (
            "Stop",
            ", Acct-Session-Time = 120, Acct-Output-Octets = 9000, "
            "Acct-Input-Octets = 700, Acct-Terminate-Cause = User-Request",
        ),
    ):
        result = send(radclient, address, attrs(status, extra=extra))
        assert result.returncode == 0, result.stdout + result.stderr
        assert "Accounting-Response" in result.stdout
    session = AccountingSession.objects.get()
    assert session.status == "closed"
    assert (session.output_octets, session.input_octets, session.session_time) == (9000, 700, 120)
    assert session.terminate_cause == "User-Request"
    assert "somchai" not in session.user_hash
    rollups.rollup_pending()
    today = DailyUsage.objects.get(
        service_point=khlong_mem_point, day=timezone.localdate(session.started_at)
    )
    assert (today.sessions, today.unique_users, today.bytes_out) == (1, 1, 9000)


def test_gigawords(radclient, listener):
    _, address = listener
    result = send(
        radclient,
        address,
        attrs(
            "Stop",
            extra=", Acct-Session-Time = 10, Acct-Output-Octets = 1, Acct-Output-Gigawords = 5",
        ),
    )
    assert result.returncode == 0, result.stderr
    assert AccountingSession.objects.get().output_octets == 5 * 2**32 + 1


def test_repeated_packets_make_one_session(radclient, listener):
    _, address = listener
    result = send(radclient, address, attrs("Start"), count=3)
    assert result.returncode == 0, result.stderr
    assert AccountingSession.objects.count() == 1


def test_retransmission_gets_the_same_answer_from_the_reply_cache(listener):
    thread, address = listener
    host, port = address.rsplit(":", 1)
    raw = encode_accounting_request(
        [
            ("Acct-Status-Type", "Start"),
            ("Acct-Session-Id", "r"),
            ("User-Name", "u"),
            ("NAS-Identifier", "khlong-mem-ap"),
        ],
        SECRET.encode(),
        42,
    )
    answers = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(5)
        for _ in range(2):
            sock.sendto(raw, (host, int(port)))
            answers.append(sock.recv(4096))
    assert answers[0] == answers[1]
    assert verify_accounting_response(answers[0], decode(raw).authenticator, SECRET.encode())
    assert thread.server.stats.duplicates_answered == 1
    assert AccountingSession.objects.count() == 1


def test_stop_without_start(radclient, listener):
    _, address = listener
    result = send(radclient, address, attrs("Stop", extra=", Acct-Session-Time = 600"))
    assert result.returncode == 0, result.stderr
    session = AccountingSession.objects.get()
    assert session.status == "closed"
    assert (session.stopped_at - session.started_at).total_seconds() == 600


def test_accounting_on_closes_the_nas_sessions(radclient, listener):
    _, address = listener
    for session in ("a", "b"):
        assert send(radclient, address, attrs("Start", session=session)).returncode == 0
    on = (
        "Acct-Status-Type = Accounting-On, NAS-IP-Address = 127.0.0.1, "
        f'NAS-Identifier = "khlong-mem-ap", Event-Timestamp = {int(timezone.now().timestamp())}'
    )
    assert send(radclient, address, on).returncode == 0
    assert set(AccountingSession.objects.values_list("status", "terminate_cause")) == {
        ("closed", "NAS-Reboot")
    }


def test_wrong_secret_gets_no_answer_and_stores_nothing(radclient, listener):
    thread, address = listener
    result = send(radclient, address, attrs("Start"), secret="not-the-secret")
    assert result.returncode != 0
    assert "Accounting-Response" not in result.stdout
    assert not AccountingSession.objects.exists()
    assert thread.server.stats.bad_authenticator >= 1
