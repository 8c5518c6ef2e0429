"""The RADIUS listener only receives and stores: rollups and health rounds are the worker's.

However many listeners run, none of them rolls up or checks health (that is what made every
listener process run them at scale); the marks it writes wait for the periodic jobs."""

from __future__ import annotations

import ast
import socket
import threading
import time
from pathlib import Path

import pytest

from pracharat.core import jobs
from pracharat.network.listener import ListenerOptions, ListenerThread
from pracharat.network.models import DailyUsage, RollupMark
from pracharat.network.radius import decode, encode_accounting_request
from pracharat.network.radius.server import ServerConfig
from pracharat.network.tests.conftest import SECRET

NETWORK = Path(__file__).resolve().parent.parent
LISTENER_MODULES = [NETWORK / "listener.py", NETWORK / "management" / "commands" / "radius.py"]
MAINTENANCE = {"pracharat.network.rollups", "pracharat.network.health", "pracharat.core.jobs"}


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


@pytest.mark.parametrize("path", LISTENER_MODULES, ids=lambda p: p.name)
def test_the_listener_imports_no_rollup_health_or_scheduling_code(path):
    assert not imported_modules(path) & MAINTENANCE


def packet(status: str, identifier: int, **extra) -> bytes:
    attributes = [
        ("Acct-Status-Type", status),
        ("Acct-Session-Id", "only-stores-1"),
        ("User-Name", "somchai"),
        ("NAS-Identifier", "khlong-mem-ap"),
        *extra.items(),
    ]
    return encode_accounting_request(attributes, SECRET.encode(), identifier)


@pytest.mark.django_db(transaction=True)
def test_the_listener_stores_and_leaves_the_rollup_to_the_periodic_job(khlong_mem_nas, settings):
    settings.PERIODIC_JOBS = {
        "network.rollups": ("pracharat.network.rollups.rollup_pending", 60),
    }
    # Reload the NAS table often, so the listener's one timer fires many times meanwhile.
    thread = ListenerThread(
        ListenerOptions(port=0, refresh_interval=0.1, server=ServerConfig(max_delay=0.005))
    )
    host, port = thread.start()
    threads_before = {t.name for t in threading.enumerate()}
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(5)
    try:
        sock.sendto(packet("Start", 1), (host, port))
        assert decode(sock.recv(4096)).code == 5
        sock.sendto(
            packet("Stop", 2, **{"Acct-Session-Time": 600, "Acct-Input-Octets": 10_000}),
            (host, port),
        )
        assert decode(sock.recv(4096)).code == 5
        time.sleep(1.5)
        # Stored and marked, nothing more: no rollup ran, no new thread was started for one.
        assert RollupMark.objects.filter(service_point=khlong_mem_nas.service_point).exists()
        assert not DailyUsage.objects.exists()
        started = {t.name for t in threading.enumerate()} - threads_before
        assert all(name.startswith("radius-writer-") for name in started), started
    finally:
        sock.close()
        thread.stop()

    # The worker's tick is what rolls the day up.
    claimed, _ = jobs.tick()
    assert claimed == ["network.rollups"]
    assert not RollupMark.objects.exists()
    assert DailyUsage.objects.get(service_point=khlong_mem_nas.service_point).sessions == 1
