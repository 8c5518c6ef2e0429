"""RADIUS accounting end to end: packets per second from loopback load to committed rows.

``python -m bench network_accounting [--packets N] [--window W] [--pg URL] [--no-freeradius]``

For each target, the same load: N Accounting-Requests (N/4 sessions of Start, two
Interim-Updates and Stop, from 200 devices) sent over loopback with at most W requests
outstanding, retransmitting after 3 s like a NAS. The clock runs from the first packet sent to
the last Accounting-Response received; a response means the row is committed (RFC 2866 §2:
the server answers only after storing). Afterwards the stored sessions are counted.

Targets, all on this machine, one after the other:

1. ``pracharat radius`` (the real command, its own process) on a scratch SQLite file;
2. the same on a scratch PostgreSQL database;
3. FreeRADIUS 3.2 from Debian (``/usr/sbin/freeradius``) with rlm_sql on a scratch PostgreSQL
   database created from Debian's own ``schema.sql``: the configuration is copied to a temp
   directory, the ``sql`` module enabled with the postgresql dialect, a minimal virtual server
   (preprocess, acct_unique, sql) listens on a spare loopback port; it is stopped afterwards.

Figures in docs/benchmarks.md, "## Network".
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from bench._django import drop_database, fresh_database

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
FREERADIUS = "/usr/sbin/freeradius"
RADDB = Path("/etc/freeradius/3.0")
DEVICES = 200
SECRET = "testing123"  # noqa: S105 - FreeRADIUS localhost convention


def _arg(argv, name, default):
    if name in argv:
        return type(default)(argv[argv.index(name) + 1])
    return default


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the load -----------------------------------------------------------------------------


def build_packets(count: int, secrets: dict[str, bytes], sockets: int) -> list[tuple]:
    """(raw, socket index, identifier) in send order; packet i goes out on socket i % k with
    identifier (i // k) % 256, so identifiers in flight on one socket never repeat while
    fewer than 256 are outstanding per socket."""
    sys.path.insert(0, str(ROOT))
    from pracharat.network.radius import encode_accounting_request

    idents = sorted(secrets)
    now = int(time.time()) - 600
    sessions = count // 4
    steps = [("Start", 0), ("Interim-Update", 60), ("Interim-Update", 120), ("Stop", 180)]
    packets = []
    group = 250
    i = 0
    for first in range(0, sessions, group):
        for status, offset in steps:
            for s in range(first, min(first + group, sessions)):
                ident = idents[s % len(idents)]
                attrs = [
                    ("Acct-Status-Type", status),
                    ("Acct-Session-Id", f"bench-{s:08d}"),
                    ("User-Name", f"user{s % 997}"),
                    ("Calling-Station-Id", f"02-00-00-{s % 256:02X}-{(s // 256) % 256:02X}-01"),
                    ("NAS-IP-Address", "127.0.0.1"),
                    ("NAS-Identifier", ident),
                    ("NAS-Port", s % 64),
                    ("Event-Timestamp", now + offset),
                ]
                if status != "Start":
                    attrs += [
                        ("Acct-Session-Time", offset),
                        ("Acct-Input-Octets", 1000 * offset),
                        ("Acct-Output-Octets", 20_000 * offset),
                    ]
                if status == "Stop":
                    attrs.append(("Acct-Terminate-Cause", "User-Request"))
                sock, identifier = i % sockets, (i // sockets) % 256
                raw = encode_accounting_request(attrs, secrets[ident], identifier)
                packets.append((raw, sock, identifier))
                i += 1
    return packets


def blast(
    target: tuple[str, int], packets: list[tuple], window: int, sockets: int, timeout=120.0
) -> dict:
    """Send with at most ``window`` outstanding; return timings once all are answered."""
    socks = []
    sel = selectors.DefaultSelector()
    for index in range(sockets):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        s.setblocking(False)
        s.connect(target)
        sel.register(s, selectors.EVENT_READ, index)
        socks.append(s)
    pending: dict[tuple[int, int], tuple[int, float]] = {}  # (sock, id) -> (packet no, sent)
    answered = [False] * len(packets)
    queue = deque(range(len(packets)))
    done = retransmits = 0
    started = time.perf_counter()
    deadline = started + timeout
    last_answer = started
    while done < len(packets):
        while queue and len(pending) < window:
            n = queue[0]
            raw, sock, identifier = packets[n]
            if (sock, identifier) in pending:
                break  # wait until the earlier packet with this id is answered
            queue.popleft()
            socks[sock].send(raw)
            pending[(sock, identifier)] = (n, time.perf_counter())
        for key, _ in sel.select(timeout=0.2):
            s = key.fileobj
            while True:
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    break
                slot = (key.data, data[1])
                entry = pending.pop(slot, None)
                if entry is not None and not answered[entry[0]]:
                    answered[entry[0]] = True
                    done += 1
                    last_answer = time.perf_counter()
        now = time.perf_counter()
        for slot, (n, sent) in list(pending.items()):
            if now - sent > 3.0:
                socks[slot[0]].send(packets[n][0])
                pending[slot] = (n, now)
                retransmits += 1
        if not queue and now - last_answer > 20.0:
            break  # the rest are not answered even after retransmissions: report them
        if now > deadline:
            raise RuntimeError(f"only {done} of {len(packets)} answered in {timeout:.0f} s")
    elapsed = last_answer - started
    for s in socks:
        s.close()
    return {
        "packets": len(packets),
        "seconds": round(elapsed, 3),
        "pps": round(done / elapsed),
        "retransmits": retransmits,
        "unanswered": len(packets) - done,
    }


def wait_answering(target, raw: bytes, timeout: float = 30.0) -> None:
    end = time.monotonic() + timeout
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        while time.monotonic() < end:
            s.sendto(raw, target)
            try:
                s.recv(4096)
                return
            except TimeoutError:
                continue
    raise RuntimeError(f"{target} never answered")


# -- pracharat ------------------------------------------------------------------------------


def pracharat_child(database_url: str, packets: int, window: int, sockets: int) -> None:
    """Runs in its own process: scratch DB, devices, `pracharat radius`, load, count."""
    sys.path.insert(0, str(ROOT))
    from bench import _django

    vendor = _django.setup(database_url or None)
    from pracharat.geo.actions import load_geography
    from pracharat.network import simulate
    from pracharat.network.models import AccountingSession, Nas
    from pracharat.network.radius import encode_accounting_request

    load_geography()
    simulate.create_points(["65"], DEVICES, seed=1)
    secrets = {
        ident: s.encode() for ident, s in Nas.objects.values_list("nas_identifier", "secret")
    }
    load = build_packets(packets, secrets, sockets)
    port = free_port()
    env = dict(os.environ)
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "pracharat",
            "radius",
            "--bind",
            f"127.0.0.1:{port}",
            "-v",
            "0",
        ],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        ident = sorted(secrets)[0]
        probe = encode_accounting_request(
            [("Acct-Status-Type", "Accounting-On"), ("NAS-Identifier", ident)], secrets[ident], 0
        )
        wait_answering(("127.0.0.1", port), probe)
        result = blast(("127.0.0.1", port), load, window, sockets)
    finally:
        server.send_signal(signal.SIGTERM)
        out, _ = server.communicate(timeout=60)
    stats = json.loads(out.strip().splitlines()[-1])
    result.update(
        target=f"pracharat radius ({vendor})",
        sessions=AccountingSession.objects.count(),
        closed=AccountingSession.objects.closed().count(),
        batches=stats["batches"],
        server_stats={k: v for k, v in stats.items() if v},
    )
    print("RESULT " + json.dumps(result), flush=True)


# -- FreeRADIUS -----------------------------------------------------------------------------


def freeradius_config(tmp: Path, port: int, dbname: str) -> Path:
    raddb = tmp / "raddb"
    shutil.copytree(RADDB, raddb, symlinks=True)
    for link in (raddb / "sites-enabled").iterdir():
        link.unlink()
    keep = {"always", "expr", "preprocess", "attr_filter", "unpack", "utf8"}
    for link in (raddb / "mods-enabled").iterdir():
        if link.name not in keep:
            link.unlink()
    (raddb / "sites-enabled" / "bench").write_text(
        f"""server bench {{
    listen {{
        type = acct
        ipaddr = 127.0.0.1
        port = {port}
    }}
    preacct {{
        preprocess
        acct_unique
    }}
    accounting {{
        sql
    }}
}}
"""
    )
    (raddb / "clients.conf").write_text(
        f"client localhost {{\n    ipaddr = 127.0.0.1\n    secret = {SECRET}\n}}\n"
    )
    sql = (raddb / "mods-available" / "sql").read_text()
    sql = sql.replace('dialect = "sqlite"', 'dialect = "postgresql"')
    sql = sql.replace('driver = "rlm_sql_null"', 'driver = "rlm_sql_${dialect}"')
    sql = sql.replace('#\tserver = "localhost"', '\tserver = "127.0.0.1"')
    sql = sql.replace("#\tport = 3306", "\tport = 5432")
    sql = sql.replace('#\tlogin = "radius"', '\tlogin = "postgres"')
    sql = sql.replace('#\tpassword = "radpass"', '\tpassword = ""')
    sql = sql.replace('radius_db = "radius"', f'radius_db = "{dbname}"')
    (raddb / "mods-enabled" / "sql").write_text(sql)
    conf = (raddb / "radiusd.conf").read_text()
    conf = conf.replace("logdir = /var/log/freeradius", f"logdir = {tmp}")
    conf = conf.replace("run_dir = ${localstatedir}/run/${name}", f"run_dir = {tmp}")
    conf = conf.replace("\tuser = freerad\n", "").replace("\tgroup = freerad\n", "")
    conf = conf.replace("raddbdir = /etc/freeradius/3.0", f"raddbdir = {raddb}")
    (raddb / "radiusd.conf").write_text(conf)
    return raddb


def run_freeradius(pg_base: str, packets: int, window: int, sockets: int) -> dict:
    import psycopg

    sys.path.insert(0, str(ROOT))
    from pracharat.network.radius import encode_accounting_request

    dbname = "radius_bench"
    fresh_database(pg_base, dbname)
    schema = (RADDB / "mods-config/sql/main/postgresql/schema.sql").read_text()
    with psycopg.connect(f"{pg_base}/{dbname}", autocommit=True) as conn:
        conn.execute(schema)
    idents = {f"sim-nas-{n:03d}": SECRET.encode() for n in range(DEVICES)}
    load = build_packets(packets, idents, sockets)
    port = free_port()
    tmp = Path(tempfile.mkdtemp(prefix="pracharat-freeradius-"))
    raddb = freeradius_config(tmp, port, dbname)
    server = subprocess.Popen(
        [FREERADIUS, "-f", "-d", str(raddb), "-l", str(tmp / "radius.log")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        probe = encode_accounting_request(
            [("Acct-Status-Type", "Start"), ("Acct-Session-Id", "probe"), ("User-Name", "p")],
            SECRET.encode(),
            0,
        )
        try:
            wait_answering(("127.0.0.1", port), probe)
        except RuntimeError:
            server.kill()
            log = (tmp / "radius.log").read_text() if (tmp / "radius.log").exists() else ""
            output = server.stdout.read() or ""
            raise RuntimeError("FreeRADIUS did not start:\n" + output + log) from None
        result = blast(("127.0.0.1", port), load, window, sockets)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
    with psycopg.connect(f"{pg_base}/{dbname}") as conn:
        total = conn.execute(
            "SELECT count(*) FROM radacct WHERE acctsessionid LIKE 'bench-%'"
        ).fetchone()[0]
        closed = conn.execute(
            "SELECT count(*) FROM radacct WHERE acctsessionid LIKE 'bench-%' "
            "AND acctstoptime IS NOT NULL"
        ).fetchone()[0]
    drop_database(pg_base, dbname)
    shutil.rmtree(tmp, ignore_errors=True)
    result.update(target="FreeRADIUS 3.2.1 + rlm_sql (postgresql)", sessions=total, closed=closed)
    return result


# -- driver --------------------------------------------------------------------------------


def _child(database_url: str, packets: int, window: int, sockets: int) -> dict:
    code = (
        "import sys; sys.path.insert(0, '.'); import bench.network_accounting as b; "
        f"b.pracharat_child({database_url!r}, {packets}, {window}, {sockets})"
    )
    proc = subprocess.run([PYTHON, "-c", code], cwd=ROOT, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line[7:])
    raise RuntimeError(f"pracharat run failed:\n{proc.stdout}\n{proc.stderr}")


def main(argv: list[str]) -> None:
    packets = _arg(argv, "--packets", 20_000)
    window = _arg(argv, "--window", 256)
    pg = _arg(argv, "--pg", "postgresql://postgres@127.0.0.1:5432")
    # One source port per 256 packets, so no (port, identifier) pair is ever reused in a run:
    # FreeRADIUS, like any RFC 5080 server, treats a reused pair as a possible duplicate.
    sockets = -(-packets // 256)
    results = []
    print(
        f"{packets} packets, window {window}, {DEVICES} devices, {os.cpu_count()} CPUs", flush=True
    )
    # FreeRADIUS first, on a quiet machine, then pracharat on SQLite and PostgreSQL.
    if "--no-freeradius" not in argv and os.path.exists(FREERADIUS):
        results.append(run_freeradius(pg, packets, window, sockets))
        print(json.dumps(results[-1]), flush=True)
    results.append(_child("", packets, window, sockets))
    print(json.dumps(results[-1]), flush=True)
    dbname = "pracharat_bench_accounting"
    fresh_database(pg, dbname)
    try:
        results.append(_child(f"{pg}/{dbname}", packets, window, sockets))
        print(json.dumps(results[-1]), flush=True)
    finally:
        drop_database(pg, dbname)
    print()
    print(
        "| target | packets | seconds | answered/s | sessions (closed) | retransmits | unanswered |"
    )
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for r in results:
        print(
            f"| {r['target']} | {r['packets']:,} | {r['seconds']:.2f} | {r['pps']:,} | "
            f"{r['sessions']:,} ({r['closed']:,}) | {r['retransmits']} | {r['unanswered']} |"
        )
    freeradius = next((r for r in results if r["target"].startswith("FreeRADIUS")), None)
    if freeradius:
        for r in results:
            if r is not freeradius:
                print(f"{r['target']} / FreeRADIUS = {r['pps'] / freeradius['pps']:.2f}")


if __name__ == "__main__":
    main(sys.argv[1:])
