"""Background work: retries with backoff, the periodic schedule's claims, the admin, and two
listeners with two workers (real processes) on the ORM queue and on RQ."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from threading import Barrier, Thread

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from pracharat.core import jobs
from pracharat.core.models import PeriodicJob

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# -- tasks and jobs the tests run (importable by path, as the workers need) ----------------------

calls: list[str] = []
call_times: list[float] = []


@jobs.task(attempts=3, backoff=0.4)
def flaky(key: str, fail_times: int) -> str:
    """Fails its first ``fail_times`` runs for ``key``, then answers."""
    calls.append(key)
    call_times.append(time.monotonic())
    if calls.count(key) <= fail_times:
        raise ConnectionError(f"run {calls.count(key)} of {key} failed")
    return f"done after {calls.count(key)}"


@jobs.task(attempts=3, backoff=1.5)
def slow_flaky(key: str, fail_times: int) -> str:
    """``flaky`` with a backoff RQ can be seen to honour (it keeps whole seconds)."""
    return flaky.func.__wrapped__(key, fail_times)


def record_run() -> None:
    calls.append("periodic")


@pytest.fixture
def db_queue(transactional_db, settings):
    """The ORM queue. Committed rows: a worker closes a connection found inside a transaction."""
    settings.TASKS = DB_QUEUE
    calls.clear()


def run_ready_tasks() -> None:
    """What a worker does, here and now: every task that is ready, then return."""
    call_command(
        "db_worker", batch=True, interval=0, startup_delay=False, reload=False, verbosity=0
    )


def results(path: str) -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(task_path=path).order_by("enqueued_at"))


# -- retries --------------------------------------------------------------------------------------


def test_a_failed_task_is_retried_with_backoff_and_each_attempt_recorded(db_queue):
    flaky.enqueue("slip-42", fail_times=2)
    run_ready_tasks()
    first, second = results("pracharat.core.tests.test_jobs.flaky")
    assert first.status == TaskResultStatus.FAILED
    assert first.exception_class_path == "builtins.ConnectionError"
    assert "run 1 of slip-42 failed" in first.traceback
    # The retry waits `backoff` seconds; it is not ready yet, so the worker left it.
    assert second.status == TaskResultStatus.READY
    assert second.args_kwargs["kwargs"] == {"fail_times": 2, jobs.ATTEMPT_KWARG: 2}
    delay = (second.run_after - first.started_at).total_seconds()
    assert 0.4 <= delay < 1.4

    time.sleep(delay + 0.1)
    run_ready_tasks()
    _, second, third = results("pracharat.core.tests.test_jobs.flaky")
    assert second.status == TaskResultStatus.FAILED
    # Twice the wait before the third attempt.
    delay = (third.run_after - second.started_at).total_seconds()
    assert 0.8 <= delay < 1.8
    run_ready_tasks()
    assert results("pracharat.core.tests.test_jobs.flaky")[2].status == TaskResultStatus.READY

    time.sleep(delay + 0.1)
    run_ready_tasks()
    statuses = [r.status for r in results("pracharat.core.tests.test_jobs.flaky")]
    assert statuses == [TaskResultStatus.FAILED, TaskResultStatus.FAILED, "SUCCESSFUL"]
    assert results("pracharat.core.tests.test_jobs.flaky")[2].return_value == "done after 3"
    assert calls == ["slip-42"] * 3


def test_a_task_that_keeps_failing_stops_after_its_attempts(db_queue):
    assert [jobs.backoff_delay(n, 0.4) for n in (1, 2, 3)] == [0.4, 0.8, 1.6]
    flaky.enqueue("never", fail_times=99)
    for _ in range(3):
        DBTaskResult.objects.update(run_after=timezone.now())  # no need to wait here
        run_ready_tasks()
    runs = results("pracharat.core.tests.test_jobs.flaky")
    assert [r.status for r in runs] == [TaskResultStatus.FAILED] * 3
    assert [r.args_kwargs["kwargs"].get(jobs.ATTEMPT_KWARG, 1) for r in runs] == [1, 2, 3]
    assert calls == ["never"] * 3


def test_without_a_deferring_backend_a_retry_runs_at_once(db):
    # The tests' immediate backend (conftest) cannot wait: the retry runs inline.
    calls.clear()
    result = flaky.enqueue("inline", fail_times=1)
    assert result.status == TaskResultStatus.FAILED  # the first attempt
    assert calls == ["inline", "inline"]


def test_on_rq_a_retry_waits_its_backoff_in_redis(settings):
    url = _redis_url()
    if not _redis_answers(url):
        pytest.skip(f"no Redis at {url} (TEST_TASKS_REDIS_URL)")
    import django_rq
    import redis
    from django_tasks_rq import Job
    from rq.worker import SimpleWorker

    redis.Redis.from_url(url).flushdb()
    settings.RQ_QUEUES = {"default": {"URL": url}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    calls.clear()
    call_times.clear()
    queue = django_rq.get_queue("default", job_class=Job)
    try:
        slow_flaky.enqueue("rq", fail_times=2)
        deadline = time.monotonic() + 30
        while calls.count("rq") < 3 and time.monotonic() < deadline:
            # What `pracharat worker` runs with RQ, in burst mode (until the queue is empty).
            SimpleWorker([queue], connection=queue.connection, job_class=Job).work(
                burst=True, with_scheduler=True, logging_level="WARNING"
            )
            time.sleep(0.2)
        assert calls == ["rq"] * 3
        first_wait, second_wait = (b - a for a, b in itertools.pairwise(call_times))
        # 1.5 s then 3 s, less what RQ's whole seconds take off.
        assert first_wait >= 0.5 and second_wait >= 2.0
        failed = queue.failed_job_registry
        assert len(failed) == 2  # the two failed attempts, with their tracebacks
    finally:
        redis.Redis.from_url(url).flushdb()


# -- the periodic schedule ------------------------------------------------------------------------


@pytest.fixture
def every_minute(settings):
    settings.PERIODIC_JOBS = {"test.record": ("pracharat.core.tests.test_jobs.record_run", 60)}
    calls.clear()


def test_a_periodic_job_is_claimed_once_per_interval(db, every_minute):
    t0 = datetime(2026, 5, 1, 3, 0, 10, tzinfo=UTC)
    claimed, until = jobs.tick(t0)
    assert claimed == ["test.record"] and calls == ["periodic"]
    assert until == 50  # the next interval starts on the minute
    # Any number of other workers ticking in the same interval find nothing to do.
    for later in (t0, t0 + timedelta(seconds=20), t0 + timedelta(seconds=49.9)):
        assert jobs.tick(later)[0] == []
    assert jobs.tick(t0 + timedelta(seconds=50))[0] == ["test.record"]
    # After a long stop, one catch-up run, not one per missed interval.
    assert jobs.tick(t0 + timedelta(hours=3))[0] == ["test.record"]
    assert jobs.tick(t0 + timedelta(hours=3, seconds=1))[0] == []
    assert calls == ["periodic"] * 3
    row = PeriodicJob.objects.get()
    assert row.runs == 3 and row.due_at == datetime(2026, 5, 1, 6, 1, tzinfo=UTC)


def test_a_run_overtaken_by_the_next_interval_is_dropped(db, every_minute):
    slot = datetime(2026, 5, 1, 3, 0, tzinfo=UTC)
    PeriodicJob.objects.create(name="test.record", due_at=slot + timedelta(minutes=2))
    result = jobs.run_periodic.enqueue("test.record", slot.isoformat())
    assert result.return_value == {"skipped": "overtaken by a later interval"}
    assert calls == []


@pytest.mark.django_db(transaction=True)
def test_racing_tickers_claim_an_interval_once(every_minute, settings):
    if connection.vendor != "postgresql":
        pytest.skip("threads on one in-memory SQLite; the process test below races on SQLite")
    now = timezone.now()
    start = Barrier(8)
    won: list[list[str]] = []

    def ticker():
        start.wait()
        try:
            won.append(jobs.tick(now)[0])
        finally:
            connections.close_all()

    threads = [Thread(target=ticker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(won) == [[]] * 7 + [["test.record"]]
    assert calls == ["periodic"]


# -- the admin ------------------------------------------------------------------------------------


def test_failed_tasks_are_readable_in_the_admin_in_thai(db_queue, admin_client, thai):
    flaky.enqueue("admin-visible", fail_times=99)
    run_ready_tasks()
    failed = DBTaskResult.objects.get(status=TaskResultStatus.FAILED)
    page = admin_client.get("/admin/django_tasks_database/dbtaskresult/?status__exact=FAILED")
    text = page.content.decode()
    assert page.status_code == 200
    assert "งานเบื้องหลัง" in text and "ล้มเหลว" in text and "builtins.ConnectionError" in text
    detail = admin_client.get(f"/admin/django_tasks_database/dbtaskresult/{failed.pk}/change/")
    assert detail.status_code == 200
    assert "run 1 of admin-visible failed" in detail.content.decode()
    assert admin_client.get("/admin/core/periodicjob/").status_code == 200


# -- two listeners and two workers, real processes ------------------------------------------------

ROLLUP_EVERY, HEALTH_EVERY = 2, 3
RUN_SECONDS = 10

COLLECT = """
import itertools
import json
from django_tasks import task_backends
from pracharat.core.models import PeriodicJob
from pracharat.network.models import AccountingSession, DailyUsage
backend = task_backends["default"]
runs = []
if type(backend).__name__ == "DatabaseBackend":
    from django_tasks_db.models import DBTaskResult
    for r in DBTaskResult.objects.filter(task_path="pracharat.core.jobs.run_periodic"):
        runs.append([*r.args_kwargs["args"], r.status, r.return_value])
else:
    import django_rq
    from rq.job import Job
    from rq.registry import FailedJobRegistry, FinishedJobRegistry, StartedJobRegistry
    queue = django_rq.get_queue("default")
    ids = set(queue.job_ids)
    for registry in (FinishedJobRegistry, FailedJobRegistry, StartedJobRegistry):
        ids.update(registry(queue=queue).get_job_ids())
    status = {"finished": "SUCCESSFUL", "failed": "FAILED"}
    for job in Job.fetch_many(sorted(ids), connection=queue.connection):
        if job is not None and job.func_name == "pracharat.core.jobs.run_periodic":
            runs.append([*job.args, status.get(job.get_status(), "READY"), job.return_value()])
print(json.dumps({
    "runs": runs,
    "finished": dict(PeriodicJob.objects.values_list("name", "runs")),
    "sessions": AccountingSession.objects.count(),
    "daily_usage": DailyUsage.objects.count(),
}))
"""


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_url() -> str:
    return os.environ.get("TEST_TASKS_REDIS_URL", "redis://127.0.0.1:6379/3")


def _redis_answers(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


@pytest.fixture(scope="module")
def sqlite_template(tmp_path_factory):
    """A migrated SQLite file with the geography and four simulated points, made once."""
    path = tmp_path_factory.mktemp("jobs-template") / "db.sqlite3"
    env = _environment(path.parent, "db", database=path)
    _pracharat(env, "migrate", "-v0")
    _pracharat(env, "load_geography", "-v0")
    _pracharat(env, "simulate", "--province", "65", "--points", "4", "--days", "0")
    return path


def _environment(tmp_path, engine: str, database=None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW_ASYNC")}
    env.update(
        PRACHARAT_VAR_DIR=str(tmp_path),
        ROLLUP_EVERY_SECONDS=str(ROLLUP_EVERY),
        HEALTH_CHECK_EVERY_SECONDS=str(HEALTH_EVERY),
        REDIS_URL="",
        TASKS_REDIS_URL=_redis_url() if engine == "rq" else "",
    )
    if connection.vendor == "postgresql":
        db = connection.settings_dict  # the test database; transactional_db empties it after
        env["DATABASE_URL"] = (
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:"
            f"{db['PORT'] or 5432}/{db['NAME']}"
        )
    else:
        env["DATABASE_URL"] = f"sqlite:///{database or tmp_path / 'db.sqlite3'}"
    return env


def _pracharat(env, *argv, timeout=300) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "pracharat", *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _wait_for(logs, text: str, processes, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not all(text in log.read_text() for log in logs):
        assert time.monotonic() < deadline, f"{logs} never said {text!r}"
        assert all(p.poll() is None for p in processes), f"a process died: see {logs}"
        time.sleep(0.2)


def _consecutive(slots: list[str], every: int) -> bool:
    times = sorted(datetime.fromisoformat(s) for s in slots)
    return all((b - a).total_seconds() == every for a, b in itertools.pairwise(times))


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("engine", ["db", "rq"])
def test_two_listeners_and_two_workers_run_each_periodic_job_once_per_interval(
    engine, tmp_path, geography, request
):
    if engine == "rq":
        if not _redis_answers(_redis_url()):
            pytest.skip(f"no Redis at {_redis_url()} (TEST_TASKS_REDIS_URL)")
        import redis

        redis.Redis.from_url(_redis_url()).flushdb()
    env = _environment(tmp_path, engine)
    if connection.vendor == "postgresql":
        _pracharat(env, "simulate", "--province", "65", "--points", "4", "--days", "0")
    else:
        shutil.copy(request.getfixturevalue("sqlite_template"), tmp_path / "db.sqlite3")

    logs = []
    processes: list[subprocess.Popen] = []

    def start(name, *argv):
        log = (tmp_path / f"{name}.log").open("w")
        logs.append(tmp_path / f"{name}.log")
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "pracharat", *argv],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )

    ports = [_free_udp_port(), _free_udp_port()]
    try:
        for n, port in enumerate(ports):
            start(f"listener-{n}", "radius", "--bind", f"127.0.0.1:{port}")
        for n in range(2):
            start(f"worker-{n}", "worker")
        # The clock starts once all four are up (a start-up takes seconds on a busy machine).
        _wait_for(logs[:2], "RADIUS accounting on", processes)
        _wait_for(logs[2:], "ticking the periodic schedule", processes)
        started = time.monotonic()
        # --steady: the village day's curve would send almost nothing in the small hours.
        live = ["simulate", "--province", "65", "--points", "4", "--days", "0", "--live",
                "--steady", "--duration", str(RUN_SECONDS - 2), "--rate", "4",
                "--interim", "2"]  # fmt: skip
        senders = [
            subprocess.Popen(
                [sys.executable, "-m", "pracharat", *live, "--target", f"127.0.0.1:{port}"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for port in ports
        ]
        for sender in senders:
            sender.wait(RUN_SECONDS + 60)
        time.sleep(max(0.0, RUN_SECONDS - (time.monotonic() - started)))
        for process in processes:
            assert process.poll() is None, f"{process.args} died: see {logs}"
    finally:
        stopped = time.monotonic()
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
    ticking = stopped - started  # both workers ticked all that time
    seen = json.loads(_pracharat(env, "shell", "-c", COLLECT, timeout=120).strip().splitlines()[-1])
    if engine == "rq":
        import redis

        redis.Redis.from_url(_redis_url()).flushdb()

    assert seen["sessions"] > 0, "the listeners stored no accounting"
    assert seen["daily_usage"] > 0, "the workers' rollups did not advance"
    for name, every in (("network.rollups", ROLLUP_EVERY), ("network.health", HEALTH_EVERY)):
        slots = [slot for job, slot, *_ in seen["runs"] if job == name]
        assert len(slots) == len(set(slots)), f"{name}: an interval was claimed twice: {slots}"
        assert _consecutive(slots, every), f"{name}: an interval was missed: {sorted(slots)}"
        finished = [r for r in seen["runs"] if r[0] == name and r[2] == "SUCCESSFUL"]
        # Every interval while they ran had its run (give or take the first and the last).
        assert len(finished) >= ticking // every - 1, (name, ticking, finished)
        assert seen["finished"][name] == len([r for r in finished if "skipped" not in (r[3] or {})])


def test_serve_runs_one_worker_beside_the_web_app_and_the_listener():
    from pracharat.core import registry

    assert registry.serve_processes.count(["worker"]) == 1
    assert ["radius"] in registry.serve_processes
