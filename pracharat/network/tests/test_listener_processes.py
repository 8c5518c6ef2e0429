"""`pracharat radius --processes N`: several listener processes on one UDP port (SO_REUSEPORT)
under a supervisor, the real command on real loopback sockets, on the test database."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from pracharat.network.listener import free_reusable_port
from pracharat.network.models import AccountingSession
from pracharat.network.radius import encode_accounting_request, verify_accounting_response
from pracharat.network.tests.conftest import SECRET

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]  # the repository
CLIENTS = 16  # source ports: the kernel spreads them over the processes by address and port


@pytest.fixture
def database_url(tmp_path, khlong_mem_nas):
    """The test database, as the listener processes reach it."""
    if connection.vendor == "sqlite":
        live = tmp_path / "live.sqlite3"
        with sqlite3.connect(live) as target:
            connection.ensure_connection()
            connection.connection.backup(target)
        sqlite3.connect(live).execute("PRAGMA journal_mode=WAL").close()
        return f"sqlite:///{live}"
    s = connection.settings_dict
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Listener:
    """``pracharat radius --processes 2`` in its own process group, stopped by SIGTERM."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.url = database_url
        self.port = free_reusable_port("127.0.0.1")
        self.out, self.err = tmp_path / "out.log", tmp_path / "err.log"
        env = {**os.environ, "DATABASE_URL": database_url, "PRACHARAT_VAR_DIR": str(tmp_path)}
        env["DJANGO_SETTINGS_MODULE"] = "pracharat.settings"
        command = [sys.executable, "-m", "pracharat", "radius", "--processes", "2"]
        command += ["--bind", f"127.0.0.1:{self.port}", "-v", "1"]
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=self.out.open("w"), stderr=self.err.open("w")
        )

    def children(self) -> list[int]:
        return [int(p) for p in re.findall(r"started \(pid (\d+)\)", self.err.read_text())]

    def listening(self) -> int:
        return len(re.findall(r"RADIUS accounting listening on", self.err.read_text()))

    def wait_for_children(self, count: int) -> list[int]:
        """Until ``count`` processes were started and as many have bound the port (a datagram
        sent before any has is dropped, and the NAS's retransmission comes seconds later)."""
        for _ in range(600):  # bounded: 60 s for the processes to start
            if len(self.children()) >= count and self.listening() >= count:
                break
            assert self.process.poll() is None, self.err.read_text()[-2000:]
            time.sleep(0.1)
        return self.children()

    def stop(self) -> list[dict]:
        """SIGTERM; the final counters each child printed."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        assert self.process.returncode == 0, self.err.read_text()[-2000:]
        return [json.loads(x) for x in self.out.read_text().splitlines() if x.startswith("{")]

    def stored(self) -> set[str]:
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///")) as db:
                table = AccountingSession._meta.db_table
                return {k for (k,) in db.execute(f"SELECT acct_session_id FROM {table}")}  # noqa: S608
        return set(AccountingSession.objects.values_list("acct_session_id", flat=True))


def start_packet(session: str, identifier: int) -> bytes:
    attrs = [
        ("Acct-Status-Type", "Start"),
        ("Acct-Session-Id", session),
        ("User-Name", "somchai"),
        ("NAS-IP-Address", "127.0.0.1"),
        ("NAS-Identifier", "khlong-mem-ap"),
        ("NAS-Port", identifier),
    ]
    return encode_accounting_request(attrs, SECRET.encode(), identifier)


def send_from_many_ports(port: int, prefix: str) -> set[str]:
    """One Start from each of CLIENTS sockets, retransmitted (as a NAS does) until answered or
    five tries; the sessions whose answer came back and verified."""
    answered: set[str] = set()
    sockets = []
    try:
        for n in range(CLIENTS):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind(("127.0.0.1", 0))
            s.settimeout(2)
            sockets.append((s, f"{prefix}-{n}", start_packet(f"{prefix}-{n}", n)))
        for _ in range(5):
            for s, session, packet in sockets:
                if session not in answered:
                    s.sendto(packet, ("127.0.0.1", port))
            for s, session, packet in sockets:
                if session in answered:
                    continue
                try:
                    reply = s.recv(4096)
                except TimeoutError:
                    continue
                if verify_accounting_response(reply, packet[4:20], SECRET.encode()):
                    answered.add(session)
            if len(answered) == CLIENTS:
                break
    finally:
        for s, _, _ in sockets:
            s.close()
    return answered


def test_two_processes_on_one_port_both_answer(tmp_path, database_url):
    listener = Listener(tmp_path, database_url)
    try:
        assert len(listener.wait_for_children(2)) == 2
        answered = send_from_many_ports(listener.port, "two")
    finally:
        counters = listener.stop()
    assert answered == {f"two-{n}" for n in range(CLIENTS)}
    assert answered <= listener.stored()
    assert len(counters) == 2  # each child printed its own
    assert all(c["answered"] > 0 for c in counters), counters
    assert sum(c["answered"] for c in counters) >= CLIENTS


def test_supervisor_starts_a_killed_child_again(tmp_path, database_url):
    listener = Listener(tmp_path, database_url)
    try:
        first = listener.wait_for_children(2)
        assert len(first) == 2
        os.kill(first[0], signal.SIGKILL)
        after = listener.wait_for_children(3)
        assert len(after) == 3 and after[2] not in first
        answered = send_from_many_ports(listener.port, "again")
    finally:
        counters = listener.stop()
    assert answered == {f"again-{n}" for n in range(CLIENTS)}
    assert answered <= listener.stored()  # answered means stored
    assert "exited with -9; starting it again" in listener.err.read_text()
    assert len(counters) == 2  # the killed one printed nothing; the two running did
