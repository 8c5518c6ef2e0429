"""The production topology of docs/deploy.md on one machine, tested through its front doors.

Run by .ci/run after the production smoke (``make production-topology``), on an empty
PostgreSQL database (DATABASE_URL) and Redis (REDIS_URL). It makes the secrets as files, runs
the release step (migrate, collectstatic, check --deploy) and the demo, then starts, as the
systemd units do:

- two web processes: ``gunicorn -c deploy/gunicorn.conf.py`` on two ports (Prometheus
  multiprocess directory each);
- two RADIUS listeners (``pracharat radius --bind``), a NAS's primary and secondary;
- one task worker (``pracharat worker --no-schedule``) and the scheduler (``pracharat worker``),
  on RQ in Redis.

Then, through them: ``/readyz`` green on both web processes (database, cache, queue, both
listeners beating); pages and the API on both; an accounting Start sent to the first listener
and the Stop to the second (radclient when installed, else the project's own encoder), the
session stored once and closed; the scheduler's rollup job run by the worker (the session's
day rolled up); ``/metrics`` saying two listeners, a worker and a scheduler. Everything is
stopped at the end whatever happened, and the whole run is bounded (``DEADLINE`` seconds).
Only 127.0.0.1 is contacted.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import production_smoke as smoke  # its helpers: fetch, free ports, pages, API

ROOT = smoke.ROOT
PRACHARAT = smoke.PRACHARAT
DEADLINE = 900  # seconds for the whole run, start to teardown
SECRET = "testing123"  # the demo NAS's (network/demo.py: FreeRADIUS's localhost convention)
POINT = "NP-65060209"  # the demo's Ban Khlong Mem point, behind that NAS

SESSION_SCRIPT = """
import json
from pracharat.network.models import AccountingSession, DailyUsage, RollupMark
s = AccountingSession.objects.filter(acct_session_id={sid!r})
row = s.values("status", "output_octets", "session_time", "service_point__code",
               "service_point_id", "started_at").first()
out = {{"count": s.count(), "row": None, "marks": None, "rolled": None}}
if row:
    from django.utils import timezone
    day = timezone.localtime(row["started_at"]).date()
    out["row"] = {{k: str(v) for k, v in row.items()}}
    out["marks"] = RollupMark.objects.filter(service_point_id=row["service_point_id"]).count()
    d = DailyUsage.objects.filter(service_point_id=row["service_point_id"], day=day).first()
    out["rolled"] = d.computed_at.isoformat() if d else None
print(json.dumps(out))
"""


def main() -> int:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("production topology: DATABASE_URL must point at PostgreSQL", file=sys.stderr)
        return 2
    if not os.environ.get("REDIS_URL"):
        print("production topology: REDIS_URL is required (cache, limits, RQ)", file=sys.stderr)
        return 2
    started = time.monotonic()
    var = Path(tempfile.mkdtemp(prefix="pracharat-topology-"))
    web_ports = [smoke.free_port(), smoke.free_port()]
    radius_ports = [smoke.free_udp_port(), smoke.free_udp_port()]
    env = smoke.production_env(
        var,
        ("secret_key", "pdpa_hash_key"),
        TASKS_REDIS_URL=os.environ.get("TASKS_REDIS_URL", os.environ["REDIS_URL"]),
        RADIUS_BIND=f"127.0.0.1:{radius_ports[0]}",
        WEB_WORKERS="1",
        WEB_THREADS="4",
        # quick beats and rollups, so the checks below do not wait long
        HEARTBEAT_SECONDS="2",
        ROLLUP_EVERY_SECONDS="5",
        READY_MIN_LISTENERS="2",
    )

    def run(*argv: str, capture: bool = False) -> str:
        return smoke.pracharat(env, *argv, who="topology", capture=capture, timeout=600)

    # The release step, as pracharat-release.service runs it, then the demo's data.
    run("migrate", "--noinput", "-v0")
    run("collectstatic", "--noinput", "-v0")
    run("check", "--deploy", "--fail-level", "WARNING")
    run("load_geography")
    run("demo")
    token = smoke.api_token(env, "topology")

    logs: dict[str, Path] = {}
    processes: dict[str, subprocess.Popen] = {}

    def start(name: str, argv: list[str], **extra: str) -> None:
        logs[name] = var / f"{name}.log"
        processes[name] = subprocess.Popen(
            argv, env={**env, **extra}, cwd=ROOT, stdout=logs[name].open("w"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    gunicorn = [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "deploy/gunicorn.conf.py")]
    for i, port in enumerate(web_ports, 1):
        start(
            f"web-{i}", gunicorn, PRACHARAT_BIND=f"127.0.0.1:{port}",
            PROMETHEUS_MULTIPROC_DIR=str(var / f"prometheus-{i}"),
        )  # fmt: skip
    for i, port in enumerate(radius_ports, 1):
        start(f"radius-{i}", [*PRACHARAT, "radius", "--bind", f"127.0.0.1:{port}"])
    start("worker", [*PRACHARAT, "worker", "--no-schedule"])
    start("scheduler", [*PRACHARAT, "worker"])
    bases = [f"http://127.0.0.1:{port}" for port in web_ports]
    failures: list[str] = []

    def left() -> float:
        return DEADLINE - (time.monotonic() - started)

    def wait_for(what: str, test, limit: float = 120) -> bool:
        until = time.monotonic() + min(limit, max(1.0, left()))
        while time.monotonic() < until:
            dead = [n for n, p in processes.items() if p.poll() is not None]
            if dead:
                failures.append(f"{', '.join(dead)} exited while waiting for {what}")
                return False
            try:
                if test():
                    return True
            except OSError:
                pass
            time.sleep(0.5)
        failures.append(f"timed out waiting for {what}")
        return False

    try:
        for base in bases:
            if not wait_for(
                f"{base}/readyz", lambda b=base: smoke.fetch(b, "/readyz", https=False)[0] == 200
            ):
                if failures and "timed out" in failures[-1]:
                    failures.append(smoke.fetch(base, "/readyz", https=False)[2].decode()[:2000])
                raise RuntimeError
        print(f"  /readyz green on {len(bases)} web processes (db, cache, queue, 2 listeners)")

        for base in bases:
            for path in [*smoke.PAGES, *smoke.API]:
                status, _, _ = smoke.fetch(base, path)
                if status != 200:
                    failures.append(f"{base}{path}: {status}")
            status, _, _ = smoke.fetch(base, "/api/v1/network/incidents", token=token)
            if status != 200:
                failures.append(f"{base} /api/v1/network/incidents with a token: {status}")
        n = len(smoke.PAGES) + len(smoke.API) + 1
        print(f"  {n} pages and API paths fetched from each of the {len(bases)} web processes")

        # RADIUS: Start to the primary listener, Stop to the secondary (a NAS failing over).
        sid = f"topology-{uuid.uuid4().hex[:12]}"
        common = {
            "Acct-Session-Id": sid,
            "User-Name": "somchai@village",
            "Calling-Station-Id": "AA-BB-CC-00-11-22",
            "NAS-IP-Address": "127.0.0.1",
            "NAS-Port": "1",
        }
        stop = {
            **common, "Acct-Status-Type": "Stop", "Acct-Session-Time": "600",
            "Acct-Output-Octets": "123456789", "Acct-Input-Octets": "1234567",
            "Acct-Terminate-Cause": "User-Request",
        }  # fmt: skip
        for port, attrs in ((radius_ports[0], {**common, "Acct-Status-Type": "Start"}),
                            (radius_ports[1], stop)):  # fmt: skip
            sent_at = time.time()  # the Stop's, at the end: the rollup must come after it
            answer = send_accounting(port, attrs)
            if answer:
                failures.append(f"RADIUS {attrs['Acct-Status-Type']} to :{port}: {answer}")
        print(f"  RADIUS Start answered by :{radius_ports[0]}, Stop by :{radius_ports[1]}")

        state: dict = {}

        def stored() -> bool:
            state.update(json.loads(run("shell", "-c", SESSION_SCRIPT.format(sid=sid),
                                        capture=True).strip().splitlines()[-1]))  # fmt: skip
            return bool(state["row"]) and state["row"]["status"] == "closed"

        if wait_for("the session stored and closed", stored, 60):
            row = state["row"]
            if state["count"] != 1 or row["output_octets"] != "123456789":
                failures.append(f"session stored as {state}")
            if row["service_point__code"] != POINT:
                failures.append(f"session at {row['service_point__code']}, not {POINT}")
            print(f"  session stored once, closed, at {row['service_point__code']}")

            def rolled() -> bool:
                stored()
                return (
                    state["marks"] == 0
                    and state["rolled"] is not None
                    and (_epoch(state["rolled"]) > sent_at)
                )

            if wait_for("the scheduler's rollup job run by a worker", rolled, 90):
                ran = [
                    n
                    for n in ("worker", "scheduler")
                    if "Successfully completed" in logs[n].read_text(errors="replace")
                ]
                print(
                    f"  the scheduler's rollup job ran on RQ ({' and '.join(ran)}): day rolled up"
                )

        status, _, body = smoke.fetch(bases[1], "/metrics", https=False)
        text = body.decode()
        for line in (
            "pracharat_radius_listeners_up 2.0",
            'pracharat_processes_up{kind="worker"} 1.0',
            'pracharat_processes_up{kind="scheduler"} 1.0',
        ):
            if line not in text:
                failures.append(f"/metrics lacks {line!r}")
        if "pracharat_http_requests_total" not in text:
            failures.append("/metrics counts no request")
        print(f"  /metrics: {status}, {len(text.splitlines())} lines, 2 listeners up")
    except RuntimeError:
        pass
    finally:
        for proc in processes.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        until = time.monotonic() + 30
        for name, proc in processes.items():
            try:
                proc.wait(max(0.1, until - time.monotonic()))
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                failures.append(f"{name} did not stop within 30 s of SIGTERM")
    for name, path in logs.items():
        text = path.read_text(errors="replace")
        if smoke.holds_traceback(text):
            failures.append(f"{name}'s log holds a traceback:\n{text[-3000:]}")
    if failures:
        for name, path in logs.items():
            print(f"--- {name} (last lines)\n{path.read_text(errors='replace')[-1500:]}")
        print("production topology FAILED:\n- " + "\n- ".join(failures), file=sys.stderr)
        return 1
    shutil.rmtree(var, ignore_errors=True)
    print(f"production topology: passed in {time.monotonic() - started:.0f} s")
    return 0


def _epoch(iso: str) -> float:
    from datetime import datetime

    return datetime.fromisoformat(iso).timestamp()


def send_accounting(port: int, attrs: dict[str, str]) -> str:
    """One Accounting-Request to 127.0.0.1:port; "" when answered, else what went wrong.
    radclient when it is installed (as an operator would test), else the project's encoder."""
    if shutil.which("radclient"):
        body = "\n".join(f"{k} = {_quoted(v)}" for k, v in attrs.items()) + "\n"
        done = subprocess.run(
            ["radclient", "-x", "-r", "3", "-t", "3", f"127.0.0.1:{port}", "acct", SECRET],
            input=body, capture_output=True, text=True, timeout=30,
        )  # fmt: skip
        if done.returncode == 0 and "Accounting-Response" in done.stdout:
            return ""
        return f"radclient {done.returncode}: {done.stdout[-500:]} {done.stderr[-500:]}"
    import socket

    sys.path.insert(0, str(ROOT))
    from pracharat.network.radius import encode_accounting_request

    raw = encode_accounting_request(
        [(k, int(v) if v.isdigit() else v) for k, v in attrs.items()], SECRET.encode(), 7
    )
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.settimeout(3)
        for _ in range(3):
            sock.sendto(raw, ("127.0.0.1", port))
            try:
                if sock.recv(4096)[0] == 5:  # Accounting-Response
                    return ""
            except TimeoutError:
                continue
    return "no Accounting-Response"


def _quoted(value: str) -> str:
    return value if value.isdigit() or value in ("Start", "Stop", "User-Request") else f'"{value}"'


if __name__ == "__main__":
    sys.exit(main())
