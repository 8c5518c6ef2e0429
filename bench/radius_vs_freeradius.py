"""RADIUS accounting against FreeRADIUS the standard way: the reference's own load, interleaved.

``python -m bench radius_vs_freeradius [--rounds 3] [--starts 20000] [--sessions 10000]
[--pg postgresql://postgres@127.0.0.1:5432] [--harness DIR] [--radius-args "…"]
[--radius-args-b "…"] [--root-b DIR] [--latency 10000]
[--targets freeradius,pg,sqlite,pg-b,sqlite-b] [--db-prefix pracharat_bench] [--port-base 0]``

``pg-b`` / ``sqlite-b`` are the listener once more with ``--radius-args-b`` (e.g.
``--processes 2``) and/or from another checkout, ``--root-b DIR`` (e.g. main before a
change: ``git archive main | tar -x -C DIR``), interleaved in the same rounds.
``--db-prefix`` names the scratch PostgreSQL databases (``<prefix>_fr``, ``<prefix>_vs_fr``,
``<prefix>_vs_fr_b``); ``--port-base`` gives the targets consecutive UDP ports from there
(0: any free port).

The load is ``load.sh`` of the FreeRADIUS reference harness (``../shared/bench/
freeradius-accounting/``, or ``--harness DIR``), run unchanged: FreeRADIUS's own ``radclient``,
files of 2,000 packets, 2 lanes × ``-p 50`` (100 requests in flight), ``-r 3 -t 5``. Two loads:
``--starts`` Starts (one session each) and ``--sessions`` sessions of Start, Interim-Update and
Stop interleaved (3 packets each, about 4,000 sessions open at once).

Three targets on this machine, all on loopback, each started once and kept running:

1. FreeRADIUS 3.2 from Debian with rlm_sql → PostgreSQL, configured as the reference's
   ``run.sh`` does it (stock ``radiusd.conf`` and ``sql`` module with the postgresql dialect,
   the stock accounting path ``preprocess, acct_unique, suffix, files`` then ``sql``, ``eap``
   removed, stock ``clients.conf``), on a scratch database of the same PostgreSQL server;
2. ``pracharat radius`` (the real command, its own process) on a scratch PostgreSQL database of
   that same server;
3. the same on a scratch SQLite file.

Each round runs every (load, target) pair once, loads and targets in turn (A B C A B C …), so
the machine's drift spreads evenly; before each run the target's table is emptied, PostgreSQL
checkpoints, ``sync``, 1 s pause (as ``run.sh``). After each run every stored row is checked: a
Start run leaves exactly N open sessions, a mixed run exactly M closed ones with the Stop's
session time, cause and octets (gigawords included). Medians per pair, and each target's
median over FreeRADIUS's. CPU per packet, from /proc: the server's own processes (for
SQLite the database work is inside them), every PostgreSQL server process (one target runs
at a time), and ``radclient`` (``load.sh``'s own figure), which shares the same cores.

Then answer latency at 100 in flight: ``--latency`` Starts from a Python client that keeps
exactly 100 requests outstanding (2 sockets × 50), per-request time from send to answer,
p50 / p99, per target, once per round. Figures in docs/benchmarks.md, "## Network".
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shlex
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._django import drop_database, fresh_database
from bench.network_accounting import _arg, free_port

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PYTHON = sys.executable
FREERADIUS = "/usr/sbin/freeradius"
RADDB = Path("/etc/freeradius/3.0")
SECRET = "testing123"  # noqa: S105 - the reference's (and FreeRADIUS's) localhost secret
NAS_IDENTIFIER = "bench-nas-01"  # what the reference's gen_packets.py sends
DEFAULT_HARNESS = ROOT.parent / "shared" / "bench" / "freeradius-accounting"
FR_DB = "pracharat_bench_fr"
PR_DB = "pracharat_bench_vs_fr"
PORTS: list[int] = []  # --port-base: the ports still to hand out, in order


def _port() -> int:
    return PORTS.pop(0) if PORTS else free_port()


def _start_packet(session_id: str, identifier: int) -> bytes:
    sys.path.insert(0, str(ROOT))
    from pracharat.network.radius import encode_accounting_request

    attrs = [
        ("Acct-Status-Type", "Start"),
        ("Acct-Session-Id", session_id),
        ("User-Name", "user00001"),
        ("NAS-IP-Address", "127.0.0.1"),
        ("NAS-Identifier", NAS_IDENTIFIER),
        ("NAS-Port", identifier),
        ("Calling-Station-Id", "02-00-00-00-00-01"),
        ("Event-Timestamp", int(time.time()) - 60),
    ]
    return encode_accounting_request(attrs, SECRET.encode(), identifier)


def wait_answering(port: int, timeout: float = 60.0) -> None:
    end = time.monotonic() + timeout
    raw = _start_packet(f"probe-{os.getpid()}-{time.time_ns()}", 1)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.settimeout(0.5)
        while time.monotonic() < end:
            s.sendto(raw, ("127.0.0.1", port))
            try:
                s.recv(4096)
                return
            except TimeoutError:
                continue
    raise RuntimeError(f"127.0.0.1:{port} never answered")


# -- targets --------------------------------------------------------------------------------


class Target:
    name = ""
    port = 0
    process: subprocess.Popen | None = None

    def reset(self) -> None:
        raise NotImplementedError

    def stored(self, prefix: str, kind: str, count: int) -> str:
        """'ok' when the rows of the run's sessions are exactly what the load sent."""
        raise NotImplementedError

    def pids(self) -> list[int]:
        return [self.process.pid] if self.process else []

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()


def _verdict(rows: int, good: int, count: int) -> str:
    return "ok" if rows == count and good == count else f"rows {rows}, good {good} of {count}"


def _octets_ok(session_id: str, octets: int) -> bool:
    k = int(session_id.rsplit("-", 1)[1])
    return octets == ((k % 2) << 32) + 2000 + k


class FreeRadius(Target):
    def __init__(self, pg: str) -> None:
        import psycopg

        self.name = "FreeRADIUS 3.2 + rlm_sql → PostgreSQL"
        self.pg = pg
        fresh_database(pg, FR_DB)
        schema = (RADDB / "mods-config/sql/main/postgresql/schema.sql").read_text()
        with psycopg.connect(f"{pg}/{FR_DB}", autocommit=True) as conn:
            conn.execute(schema)
        self.tmp = Path(tempfile.mkdtemp(prefix="pracharat-vs-freeradius-"))
        self.port = _port()
        raddb = self._config()
        self.log = self.tmp / "log" / "radius.log"
        self.process = subprocess.Popen(
            [FREERADIUS, "-f", "-d", str(raddb)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_answering(self.port)
        except RuntimeError:
            self.stop()
            log = self.log.read_text() if self.log.exists() else ""
            raise RuntimeError("FreeRADIUS did not start:\n" + log[-3000:]) from None

    def _config(self) -> Path:
        """The reference's run.sh configuration, pointed at a scratch database and port."""
        host, port, user = _pg_parts(self.pg)
        raddb = self.tmp / "raddb"
        # cp -a as run.sh: FreeRADIUS reads its files as freerad, through their group
        subprocess.run(["cp", "-a", str(RADDB), str(raddb)], check=True)
        for sub in ("log", "run"):
            (self.tmp / sub).mkdir()
            shutil.chown(self.tmp / sub, "freerad", "freerad")
        self.tmp.chmod(0o755)
        conf = (raddb / "radiusd.conf").read_text()
        conf = re.sub(r"(?m)^logdir = .*$", f"logdir = {self.tmp / 'log'}", conf)
        conf = re.sub(r"(?m)^run_dir = .*$", f"run_dir = {self.tmp / 'run'}", conf)
        (raddb / "radiusd.conf").write_text(conf)
        sql = (raddb / "mods-available" / "sql").read_text()
        for old, new in [
            ('\tdialect = "sqlite"', '\tdialect = "postgresql"'),
            ('\tdriver = "rlm_sql_null"', '\tdriver = "rlm_sql_${dialect}"'),
            ('#\tserver = "localhost"', f'\tserver = "{host}"'),
            ("#\tport = 3306", f"\tport = {port}"),
            ('#\tlogin = "radius"', f'\tlogin = "{user}"'),
            ('#\tpassword = "radpass"', '\tpassword = ""'),
            ('\tradius_db = "radius"', f'\tradius_db = "{FR_DB}"'),
        ]:
            if old not in sql:
                raise RuntimeError(f"the stock sql module has no {old!r}")
            sql = sql.replace(old, new, 1)
        (raddb / "mods-available" / "sql").write_text(sql)
        for link in (raddb / "sites-enabled").iterdir():
            link.unlink()
        (raddb / "sites-enabled" / "bench-acct").write_text(
            "server bench-acct {\n"
            f"\tlisten {{\n\t\ttype = acct\n\t\tipaddr = 127.0.0.1\n\t\tport = {self.port}\n\t}}\n"
            "\tpreacct {\n\t\tpreprocess\n\t\tacct_unique\n\t\tsuffix\n\t\tfiles\n\t}\n"
            "\taccounting {\n\t\tsql\n\t}\n}\n"
        )
        enabled = raddb / "mods-enabled"
        if not (enabled / "sql").exists():
            (enabled / "sql").symlink_to("../mods-available/sql")
        (enabled / "eap").unlink(missing_ok=True)
        return raddb

    def reset(self) -> None:
        import psycopg

        with psycopg.connect(f"{self.pg}/{FR_DB}", autocommit=True) as conn:
            conn.execute("TRUNCATE radacct RESTART IDENTITY")
            conn.execute("CHECKPOINT")

    def stored(self, prefix: str, kind: str, count: int) -> str:
        import psycopg

        with psycopg.connect(f"{self.pg}/{FR_DB}") as conn:
            rows = conn.execute(
                "SELECT acctsessionid, acctstarttime IS NOT NULL, acctstoptime IS NOT NULL,"
                " acctupdatetime = acctstoptime, acctsessiontime, acctterminatecause,"
                " acctinputoctets FROM radacct WHERE acctsessionid LIKE %s",
                [prefix + "-%"],
            ).fetchall()
        if kind == "start":
            good = sum(1 for r in rows if r[1] and not r[2])
        else:
            good = sum(
                1
                for sid, _, stopped, same, secs, cause, octets in rows
                if stopped and same and secs == 600 and cause == "User-Request"
                if _octets_ok(sid, octets)
            )
        return _verdict(len(rows), good, count)

    def stop(self) -> None:

        super().stop()
        drop_database(self.pg, FR_DB)
        shutil.rmtree(self.tmp, ignore_errors=True)


def _pg_parts(base: str) -> tuple[str, int, str]:
    m = re.match(r"postgres(?:ql)?://(?:([^@:/]+)@)?([^:/]+)(?::(\d+))?", base)
    if not m:
        raise ValueError(f"--pg must look like postgresql://user@host:port, not {base}")
    return m.group(2), int(m.group(3) or 5432), m.group(1) or "postgres"


SETUP = """
import json, os, sys
sys.path.insert(0, '.')
from bench import _django
_django.setup(os.environ.get('DATABASE_URL') or None, os.environ['PRACHARAT_VAR_DIR'])
from pracharat.geo.actions import load_geography
from pracharat.network import simulate
from pracharat.network.models import AccountingSession, Nas, RollupMark
load_geography()
point = simulate.create_points(['65'], 1, seed=7)[0]
Nas.objects.filter(service_point=point).update(
    nas_ip='127.0.0.1', nas_identifier=%(ident)r, secret=%(secret)r)
print('TABLES ' + json.dumps([AccountingSession._meta.db_table, RollupMark._meta.db_table]))
"""


class Pracharat(Target):
    def __init__(
        self, pg: str | None, radius_args: list[str], database: str = "", root: Path = ROOT
    ) -> None:

        self.pg = pg
        self.database = database or PR_DB
        self.var = tempfile.mkdtemp(prefix="pracharat-vs-fr-var-")
        self.env = dict(os.environ, PRACHARAT_VAR_DIR=self.var, PYTHONPATH=str(root))
        self.env.pop("DATABASE_URL", None)
        self.root = root
        command = " ".join(["pracharat radius", *radius_args])
        if root != ROOT:
            command += f" ({root})"
        if pg:
            self.name = f"{command} → PostgreSQL"
            self.env["DATABASE_URL"] = fresh_database(pg, self.database)
        else:
            self.name = f"{command} → SQLite"
        code = SETUP % {"ident": NAS_IDENTIFIER, "secret": SECRET}
        done = subprocess.run(
            [PYTHON, "-c", code],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
        )
        line = next((x for x in done.stdout.splitlines() if x.startswith("TABLES ")), None)
        if done.returncode or not line:
            raise RuntimeError(f"set-up failed:\n{done.stdout}\n{done.stderr}")
        self.sessions_table, self.marks_table = json.loads(line[7:])
        self.port = _port()
        self.process = subprocess.Popen(
            [
                PYTHON,
                "-m",
                "pracharat",
                "radius",
                "--bind",
                f"127.0.0.1:{self.port}",
                "-v",
                "0",
                *radius_args,
            ],
            cwd=self.root,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_answering(self.port)

    def _sql(self, statements: list[str], query: str | None = None, params=()):
        if self.pg:
            import psycopg

            with psycopg.connect(self.env["DATABASE_URL"], autocommit=True) as conn:
                for s in statements:
                    conn.execute(s)
                return conn.execute(query, params).fetchall() if query else None
        conn = sqlite3.connect(os.path.join(self.var, "pracharat.sqlite3"), timeout=60)
        try:
            for s in statements:
                conn.execute(s)
            conn.commit()
            return conn.execute(query.replace("%s", "?"), params).fetchall() if query else None
        finally:
            conn.close()

    def reset(self) -> None:
        # table names come from the models' _meta, not from input
        statements = [f"DELETE FROM {t}" for t in (self.sessions_table, self.marks_table)]  # noqa: S608
        if self.pg:
            statements.append("CHECKPOINT")
        self._sql(statements)

    def stored(self, prefix: str, kind: str, count: int) -> str:
        rows = self._sql(
            [],
            "SELECT acct_session_id, started_at IS NOT NULL, stopped_at IS NOT NULL,"  # noqa: S608
            " session_time, terminate_cause, input_octets"
            f" FROM {self.sessions_table} WHERE acct_session_id LIKE %s",
            [prefix + "-%"],
        )
        if kind == "start":
            good = sum(1 for r in rows if r[1] and not r[2])
        else:
            good = sum(
                1
                for sid, _, stopped, secs, cause, octets in rows
                if stopped and secs == 600 and cause == "User-Request" and _octets_ok(sid, octets)
            )
        return _verdict(len(rows), good, count)

    def pids(self) -> list[int]:
        """The listener and any worker processes it started (``--processes``)."""
        found = super().pids()
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    ppid = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError):
                    continue
                if found and ppid == found[0]:
                    found.append(int(pid))
        return found

    def stop(self) -> None:

        super().stop()
        if self.pg:
            drop_database(self.pg, self.database)
        shutil.rmtree(self.var, ignore_errors=True)


# -- measuring ------------------------------------------------------------------------------


def cpu_seconds(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])
    return total / tick


def postgres_pids() -> list[int]:
    """Every PostgreSQL server process on the machine (one target runs at a time, so their
    CPU during a run is that run's database work)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def load_run(harness: Path, target: Target, kind: str, count: int, prefix: str) -> dict:
    target.reset()
    subprocess.run(["sync"], check=False)
    time.sleep(1)
    cpu0 = cpu_seconds(target.pids())
    db_pids = postgres_pids()
    db0 = cpu_seconds(db_pids)
    line = subprocess.run(
        [
            "bash",
            str(harness / "load.sh"),
            "--target",
            f"127.0.0.1:{target.port}",
            "--secret",
            SECRET,
            "--kind",
            kind,
            "--count",
            str(count),
            "--lanes",
            "2",
            "--par",
            "50",
            "--chunk",
            "2000",
            "--prefix",
            prefix,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    cpu = cpu_seconds(target.pids()) - cpu0
    db = cpu_seconds(db_pids) - db0  # (a backend started or ended meanwhile is not counted)
    packets, wall, pps, lost, rc, client_cpu, drops = line.split("\t")
    return {
        "packets": int(packets),
        "wall_s": float(wall),
        "pps": float(pps),
        "lost": int(lost),
        "rc": int(rc),
        "server_cpu_ms_per_packet": 1000 * cpu / int(packets),
        "postgres_cpu_ms_per_packet": 1000 * db / int(packets),
        "client_cpu_ms_per_packet": 1000 * float(client_cpu) / int(packets),
        "udp_drops": int(drops),
        "stored": target.stored(prefix, kind, count),
    }


def latency_run(target: Target, count: int, prefix: str, in_flight: int = 100) -> dict:
    """Starts with ``in_flight`` outstanding (2 sockets × half each, a new one sent as each
    answer arrives); milliseconds from send to answer. Packet n goes out on socket n % 2 with
    identifier (n // 2) % 256, so ids in flight on one socket never repeat."""
    target.reset()
    socks, sel = [], selectors.DefaultSelector()
    for index in range(2):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setblocking(False)
        s.connect(("127.0.0.1", target.port))
        sel.register(s, selectors.EVENT_READ, index)
        socks.append(s)
    queues = [
        [_start_packet(f"{prefix}-{n:08d}", (n // 2) % 256) for n in range(i, count, 2)]
        for i in range(2)
    ]
    position = [0, 0]
    sent: dict[tuple[int, int], float] = {}
    times: list[float] = []

    def send(index: int) -> None:
        n = position[index]
        if n < len(queues[index]) and (index, n % 256) not in sent:
            socks[index].send(queues[index][n])
            sent[(index, n % 256)] = time.perf_counter()
            position[index] = n + 1

    for index in range(2):
        for _ in range(in_flight // 2):
            send(index)
    while sent:
        events = sel.select(timeout=3.0)
        if not events:
            break  # nothing answered for 3 s: what is outstanding is lost
        for key, _ in events:
            while True:
                try:
                    data = key.fileobj.recv(4096)
                except BlockingIOError:
                    break
                started = sent.pop((key.data, data[1]), None)
                if started is not None:
                    times.append((time.perf_counter() - started) * 1000)
                    send(key.data)
    for s in socks:
        s.close()
    times.sort()
    return {
        "answered": len(times),
        "lost": count - len(times),
        "p50_ms": statistics.median(times),
        "p99_ms": times[max(0, int(len(times) * 0.99) - 1)],
        "stored": target.stored(prefix, "start", count),
    }


def main(argv: list[str]) -> None:
    global FR_DB, PR_DB
    if "--help" in argv or "-h" in argv:
        print(__doc__)
        return
    prefix = _arg(argv, "--db-prefix", "pracharat_bench")
    FR_DB, PR_DB = f"{prefix}_fr", f"{prefix}_vs_fr"
    base = _arg(argv, "--port-base", 0)
    PORTS[:] = list(range(base, base + 5)) if base else []
    radius_args_b = shlex.split(_arg(argv, "--radius-args-b", ""))
    root_b = Path(_arg(argv, "--root-b", str(ROOT))).resolve()
    rounds = _arg(argv, "--rounds", 3)
    starts = _arg(argv, "--starts", 20_000)
    sessions = _arg(argv, "--sessions", 10_000)
    latency = _arg(argv, "--latency", 10_000)
    pg = _arg(argv, "--pg", "postgresql://postgres@127.0.0.1:5432")
    harness = Path(_arg(argv, "--harness", str(DEFAULT_HARNESS)))
    radius_args = shlex.split(_arg(argv, "--radius-args", ""))
    wanted = _arg(argv, "--targets", "freeradius,pg,sqlite").split(",")
    if not (harness / "load.sh").exists():
        sys.exit(f"no load.sh in {harness}: pass --harness DIR (the FreeRADIUS reference)")
    if not shutil.which("radclient"):
        sys.exit("needs radclient: apt-get install freeradius-utils")
    if "freeradius" in wanted and not os.path.exists(FREERADIUS):
        sys.exit("needs FreeRADIUS: apt-get install freeradius freeradius-postgresql")
    targets: list[Target] = []
    try:
        for key in wanted:
            if key == "freeradius":
                targets.append(FreeRadius(pg))
            elif key == "pg":
                targets.append(Pracharat(pg, radius_args))
            elif key == "sqlite":
                targets.append(Pracharat(None, radius_args))
            elif key == "pg-b":
                targets.append(Pracharat(pg, radius_args_b, f"{PR_DB}_b", root_b))
            elif key == "sqlite-b":
                targets.append(Pracharat(None, radius_args_b, root=root_b))
        print(
            f"{os.cpu_count()} CPUs; load.sh from {harness}: files of 2000, 2 lanes × -p 50; "
            f"{starts} Starts, {sessions} sessions × 3; {rounds} rounds; "
            f"pracharat radius {' '.join(radius_args) or '(defaults)'}"
            f"{'; and ' + ' '.join(radius_args_b) if radius_args_b else ''}",
            flush=True,
        )
        for t in targets:  # warm-up as run.sh: 4,000 Starts, untimed
            load_run(harness, t, "start", 4000, f"warm-{os.getpid()}-{targets.index(t)}")
        results: dict[tuple[str, str], list[dict]] = {}
        for r in range(1, rounds + 1):
            for kind, count in (("start", starts), ("mix", sessions)):
                for i, t in enumerate(targets):
                    prefix = f"r{r}-{kind}-{i}-{os.getpid()}"
                    run = load_run(harness, t, kind, count, prefix)
                    results.setdefault((t.name, kind), []).append(run)
                    print(f"round {r} {kind:5} {t.name}: {json.dumps(run)}", flush=True)
            for i, t in enumerate(targets):
                run = latency_run(t, latency, f"r{r}-lat-{i}-{os.getpid()}")
                results.setdefault((t.name, "latency"), []).append(run)
                print(f"round {r} latency {t.name}: {json.dumps(run)}", flush=True)
    finally:
        for t in targets:
            t.stop()
    report(targets, results)


def report(targets: list[Target], results: dict) -> None:
    base = {kind: results.get((targets[0].name, kind)) for kind in ("start", "mix")}
    print()
    print(
        "| target | load | median pkt/s (runs) | × FreeRADIUS | lost | rows checked |"
        " server CPU ms/packet | PostgreSQL CPU ms/packet | radclient CPU ms/packet |"
    )
    print("| --- | --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |")
    for t in targets:
        for kind in ("start", "mix"):
            runs = results[(t.name, kind)]
            med = statistics.median(r["pps"] for r in runs)
            ratio = ""
            if base[kind] and isinstance(targets[0], FreeRadius):
                ratio = f"{med / statistics.median(r['pps'] for r in base[kind]):.2f}×"
            ok = sum(r["stored"] == "ok" for r in runs)
            cpu = statistics.median(r["server_cpu_ms_per_packet"] for r in runs)
            db = statistics.median(r["postgres_cpu_ms_per_packet"] for r in runs)
            client = statistics.median(r["client_cpu_ms_per_packet"] for r in runs)
            label = "Start only" if kind == "start" else "Start+Interim+Stop"
            each = " / ".join(f"{r['pps']:,.0f}" for r in runs)
            lost = sum(r["lost"] for r in runs)
            print(
                f"| {t.name} | {label} | {med:,.0f} ({each}) | {ratio} | {lost} |"
                f" {ok}/{len(runs)} exact | {cpu:.3f} | {db:.3f} | {client:.3f} |"
            )
    print()
    print("| target | answers (runs) | p50 ms (median of runs) | p99 ms | lost | rows checked |")
    print("| --- | ---: | ---: | ---: | ---: | --- |")
    for t in targets:
        runs = results[(t.name, "latency")]
        print(
            f"| {t.name} | {sum(r['answered'] for r in runs):,} ({len(runs)}) |"
            f" {statistics.median(r['p50_ms'] for r in runs):.1f} |"
            f" {statistics.median(r['p99_ms'] for r in runs):.1f} |"
            f" {sum(r['lost'] for r in runs)} |"
            f" {sum(r['stored'] == 'ok' for r in runs)}/{len(runs)} exact |"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
