"""Soak: simulated NAS devices of national size to two RADIUS listeners on PostgreSQL, one killed.

``python -m bench production_soak --pg URL [--points 44000] [--rate 800] [--duration 60]
[--no-kill]``

On an empty PostgreSQL database (URL): the geography, ``--points`` service points each with its
NAS (``network.simulate.create_points``), two ``pracharat radius`` listeners on two loopback
ports (a NAS's primary and secondary). One sender process plays the NAS devices: sessions of
Start, Interim-Update and Stop, ``--rate`` packets a second in all for ``--duration`` seconds,
each device sending to its primary (half the devices each listener) and, like a NAS, sending
the same packet again after 2 s without an answer, to the other listener, up to 6 times.
Halfway through the second listener is killed (SIGKILL) and started again 5 s later.

Reported: packets sent, answered, lost (never answered), retransmissions; latency from the
first send to the answer, p50/p99; sessions stored against sessions whose packets were all
answered (an answered packet is a committed row: the listener answers after its batch
commits); CPU seconds and peak resident memory of each listener (from /proc). Bounded: the
run stops at ``--duration`` plus 30 s of draining whatever happened. Loopback only.
"""

from __future__ import annotations

import json
import os
import random
import selectors
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
TIMEOUT = 2.0  # seconds a NAS waits before sending again
ATTEMPTS = 6
SOCKETS = 32


def _arg(argv, name, default):
    if name in argv:
        return (
            type(default)(argv[argv.index(name) + 1])
            if default is not None
            else argv[argv.index(name) + 1]
        )
    return default


def _answers(response: bytes, request: bytes, secret: bytes) -> bool:
    """RFC 2866 §3: the Response Authenticator is MD5(Code+ID+Length+Request Authenticator+
    Attributes+Secret): the answer is to this very request, not an earlier one that had the
    same identifier."""
    import hashlib

    if len(response) < 20 or response[0] != 5:
        return False
    digest = hashlib.md5(  # noqa: S324 - RADIUS's own construction
        response[:4] + request[4:20] + response[20:] + secret
    ).digest()
    return digest == response[4:20]


def free_udp_port() -> int:
    with socket.socket(type=socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_usage(pid: int) -> tuple[float, int]:
    """CPU seconds (user + system) and peak RSS in bytes of a live process."""
    stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(stat[11]) + int(stat[12])) / ticks
    peak = 0
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            peak = int(line.split()[1]) * 1024
    return cpu, peak


class Listener:
    def __init__(self, name: str, port: int, env: dict, logdir: Path):
        self.name, self.port, self.env, self.logdir = name, port, env, logdir
        self.proc: subprocess.Popen | None = None
        self.cpu = 0.0
        self.peak = 0
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        log = (self.logdir / f"{self.name}-{self.starts}.log").open("w")
        self.proc = subprocess.Popen(
            [PYTHON, "-m", "pracharat", "radius", "--bind", f"127.0.0.1:{self.port}", "-v", "0"],
            env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip

    def sample(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                cpu, peak = proc_usage(self.proc.pid)
            except OSError:
                return
            self.current_cpu = cpu
            self.peak = max(self.peak, peak)

    def kill(self) -> None:
        self.sample()
        self.cpu += getattr(self, "current_cpu", 0.0)
        self.current_cpu = 0.0
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        self.sample()
        self.cpu += getattr(self, "current_cpu", 0.0)
        self.current_cpu = 0.0
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(30)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def main(argv: list[str]) -> None:
    url = _arg(argv, "--pg", None)
    if not url:
        print("production_soak: give --pg postgres://…/an_empty_database", file=sys.stderr)
        sys.exit(2)
    points = _arg(argv, "--points", 44_000)
    rate = _arg(argv, "--rate", 800)
    duration = _arg(argv, "--duration", 60)
    kill = "--no-kill" not in argv
    sys.path.insert(0, str(ROOT))
    from bench import _django

    setup_started = time.perf_counter()
    _django.setup(url)
    from django.db import connection

    from pracharat.geo.actions import load_geography
    from pracharat.network import simulate
    from pracharat.network.models import AccountingSession, Nas
    from pracharat.network.radius import encode_accounting_request

    load_geography()
    simulate.create_points(None, points, seed=44)
    devices = list(Nas.objects.order_by("pk").values_list("nas_identifier", "secret"))
    setup_seconds = time.perf_counter() - setup_started
    print(f"setup: {len(devices)} NAS devices on {connection.vendor} in {setup_seconds:.0f} s")
    connection.close()

    logdir = Path(os.environ["PRACHARAT_VAR_DIR"])
    env = {**os.environ, "HEARTBEAT_SECONDS": "5"}
    listeners = [Listener(f"radius-{i}", free_udp_port(), env, logdir) for i in (1, 2)]
    for listener in listeners:
        listener.start()
    probe_ident, probe_secret = devices[0]
    for listener in listeners:  # until each answers
        probe = encode_accounting_request(
            [("Acct-Status-Type", "Accounting-On"), ("NAS-Identifier", probe_ident),
             ("NAS-IP-Address", "127.0.0.1")], probe_secret.encode(), 0,
        )  # fmt: skip
        with socket.socket(type=socket.SOCK_DGRAM) as s:
            s.settimeout(1)
            for _ in range(120):
                s.sendto(probe, ("127.0.0.1", listener.port))
                try:
                    s.recv(4096)
                    break
                except TimeoutError:
                    continue
            else:
                raise SystemExit(f"{listener.name} never answered")

    rng = random.Random(44)
    sel = selectors.DefaultSelector()
    socks = []
    for index in range(SOCKETS):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.setblocking(False)
        s.bind(("127.0.0.1", 0))
        sel.register(s, selectors.EVENT_READ, index)
        socks.append(s)
    free_ids = [list(range(256)) for _ in range(SOCKETS)]
    # (sock, id) -> [packet no, first sent, last sent, attempts, target index, raw]
    pending: dict[tuple[int, int], list] = {}
    latencies: list[float] = []
    packets: list[tuple[str, int]] = []  # (session id, step) per packet number
    answered_steps: dict[str, int] = {}
    sent = answered = lost = retransmits = 0
    open_sessions: list[tuple[str, int, float]] = []  # (session id, device, started)
    session_no = 0
    kill_at = duration / 2 if kill else None
    restart_at = None
    killed = False
    started = time.monotonic()
    next_send = started
    end_send = started + duration
    drain_until = end_send + 30
    sock_rr = 0
    next_scan = started

    def send(n: int, device: int, attrs: list, target: int) -> None:
        nonlocal sent, sock_rr
        ident, secret = devices[device]
        for _ in range(SOCKETS):
            sock_rr = (sock_rr + 1) % SOCKETS
            if free_ids[sock_rr]:
                break
        else:
            return  # every identifier in flight: the NAS waits (never happened at 800/s)
        identifier = free_ids[sock_rr].pop()
        raw = encode_accounting_request(
            [*attrs, ("NAS-Identifier", ident), ("NAS-IP-Address", "127.0.0.1")],
            secret.encode(), identifier,
        )  # fmt: skip
        now = time.monotonic()
        socks[sock_rr].sendto(raw, ("127.0.0.1", listeners[target].port))
        pending[(sock_rr, identifier)] = [n, now, now, 1, target, raw, secret.encode()]
        sent += 1

    while True:
        now = time.monotonic()
        if kill_at is not None and not killed and now - started >= kill_at:
            listeners[1].kill()
            killed, restart_at = True, now + 5
            print(f"  t={now - started:.0f} s: radius-2 killed (SIGKILL)", flush=True)
        if restart_at is not None and now >= restart_at:
            listeners[1].start()
            restart_at = None
            print(f"  t={now - started:.0f} s: radius-2 started again", flush=True)
        # Send what is due at the paced rate: a third of packets start sessions.
        while now < end_send and next_send <= now:
            next_send += 1 / rate
            n = len(packets)
            if open_sessions and (len(open_sessions) > 2000 or rng.random() < 0.66):
                k = rng.randrange(len(open_sessions))
                sid, device, begun = open_sessions[k]
                step = 1 if rng.random() < 0.5 and begun > 0 else 2
                if step == 2:
                    open_sessions[k] = open_sessions[-1]
                    open_sessions.pop()
                else:
                    open_sessions[k] = (sid, device, -1)  # one interim, then only Stop
                status = "Interim-Update" if step == 1 else "Stop"
                attrs = [
                    ("Acct-Status-Type", status),
                    ("Acct-Session-Id", sid),
                    ("User-Name", f"u{device}"),
                    ("Acct-Session-Time", 60 * step),
                    ("Acct-Output-Octets", 100_000 * step),
                    ("Acct-Input-Octets", 9_000 * step),
                ]
                if step == 2:
                    attrs.append(("Acct-Terminate-Cause", "User-Request"))
            else:
                session_no += 1
                device = rng.randrange(len(devices))
                sid = f"soak-{session_no:08d}"
                open_sessions.append((sid, device, 1.0))
                step = 0
                mac = f"02-00-{device >> 8 & 255:02X}-{device & 255:02X}-00-01"
                attrs = [
                    ("Acct-Status-Type", "Start"),
                    ("Acct-Session-Id", sid),
                    ("User-Name", f"u{device}"),
                    ("Calling-Station-Id", mac),
                ]
            packets.append((sid, step))
            send(n, device, attrs, device % 2)
        # Answers.
        for key, _ in sel.select(timeout=0.002):
            s = key.fileobj
            while True:
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    break
                entry = pending.get((key.data, data[1]))
                if entry is None or not _answers(data, entry[5], entry[6]):
                    continue  # a late answer to an earlier packet that had this identifier
                del pending[(key.data, data[1])]
                free_ids[key.data].append(data[1])
                answered += 1
                latencies.append(time.monotonic() - entry[1])
                sid, step = packets[entry[0]]
                answered_steps[sid] = answered_steps.get(sid, 0) | (1 << step)
        # Retransmissions: to the other listener, as a NAS fails over (looked at every 50 ms).
        now = time.monotonic()
        if now >= next_scan:
            next_scan = now + 0.05
            for (sock, identifier), entry in list(pending.items()):
                if now - entry[2] < TIMEOUT:
                    continue
                if entry[3] >= ATTEMPTS:
                    del pending[(sock, identifier)]
                    free_ids[sock].append(identifier)
                    lost += 1
                    continue
                entry[4] = 1 - entry[4]
                entry[2], entry[3] = now, entry[3] + 1
                socks[sock].sendto(entry[5], ("127.0.0.1", listeners[entry[4]].port))
                retransmits += 1
            for listener in listeners:
                listener.sample()
        if now >= end_send and (not pending or now >= drain_until):
            lost += len(pending)
            break
    elapsed = time.monotonic() - started
    for listener in listeners:
        listener.stop()

    from django.db import connection as conn

    conn.connect()
    rows = AccountingSession.objects.filter(acct_session_id__startswith="soak-")
    stored_ids = set(rows.values_list("acct_session_id", flat=True))
    closed_ids = set(rows.filter(status="closed").values_list("acct_session_id", flat=True))
    started_ids = {sid for sid, step in packets if step == 0}
    answered_ids = set(answered_steps)
    stop_answered_ids = {sid for sid, bits in answered_steps.items() if bits & 4}
    ordered = sorted(latencies)
    result = {
        "points": len(devices),
        "rate_asked": rate,
        "duration_s": duration,
        "elapsed_s": round(elapsed, 1),
        "killed_and_restarted": kill,
        "sent": sent,
        "answered": answered,
        "lost": lost,
        "retransmits": retransmits,
        "rate_answered": round(answered / duration, 1),
        "p50_ms": round(1000 * ordered[len(ordered) // 2], 1) if ordered else None,
        "p99_ms": round(1000 * ordered[int(len(ordered) * 0.99)], 1) if ordered else None,
        "max_ms": round(1000 * ordered[-1], 1) if ordered else None,
        "sessions_started": len(started_ids),
        "sessions_answered": len(answered_ids),
        "sessions_stored": len(stored_ids),
        # answered but not stored: must be 0 (an answer means committed)
        "answered_not_stored": len(answered_ids - stored_ids),
        "stops_answered": len(stop_answered_ids),
        "stops_answered_not_closed": len(stop_answered_ids - closed_ids),
        "listeners": {
            lst.name: {
                "cpu_s": round(lst.cpu, 1),
                "peak_rss_mb": round(lst.peak / 2**20, 1),
                "starts": lst.starts,
            }
            for lst in listeners
        },
        "sender_cpu_s": round(sum(os.times()[:2]), 1),
        "mean_latency_ms": round(1000 * statistics.fmean(ordered), 1) if ordered else None,
    }
    print("RESULT " + json.dumps(result), flush=True)
