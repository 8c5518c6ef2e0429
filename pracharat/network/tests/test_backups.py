"""`pracharat backup` / `restore` under load: a backup taken while accounting sessions are being
written, restored, holds every session committed before the backup began (and nothing that was
never committed). On SQLite (the online backup API) and, when the suite runs on PostgreSQL,
pg_dump / pg_restore."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from pracharat.network.models import AccountingSession

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[3]  # the repository

#: Inserts sessions one transaction each until told to stop, printing each key once committed.
WRITER = """
import os, sys, django
django.setup()
from pathlib import Path
from django.utils import timezone
from pracharat.network.models import AccountingSession
point = int(sys.argv[1]); stop = Path(sys.argv[2]); i = 0
while not stop.exists() and i < 20000:
    now = timezone.now(); key = f"load-{i}"
    AccountingSession.objects.create(session_key=key, service_point_id=point, area_code="65060209",
        started_at=now, updated_at=now, ended_at=now)
    print(key, flush=True)  # after the commit (autocommit: the INSERT is its own transaction)
    i += 1
"""


def _committed(log: Path) -> set[str]:
    return {line for line in log.read_text().splitlines() if line.startswith("load-")}


def _env(database_url: str, var: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "PRACHARAT_VAR_DIR": str(var)}
    env["DJANGO_SETTINGS_MODULE"] = "pracharat.settings"
    return env


def _backup_under_load(tmp_path, source_url: str, point_pk: int) -> tuple[set, set, Path]:
    """Start the writer on ``source_url``, back up once it has committed some sessions, stop it.
    Returns (committed before the backup began, committed in all, the backup file)."""
    env = _env(source_url, tmp_path)
    log, stop = tmp_path / "writer.log", tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(point_pk), str(stop)],
        env=env, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        for _ in range(600):  # until it has written a few hundred (bounded: 5 minutes)
            if len(_committed(log)) >= 200 or writer.poll() is not None:
                break
            time.sleep(0.5)
        before = _committed(log)
        assert len(before) >= 200, log.read_text()[-2000:]
        out = tmp_path / "backup.bin"
        subprocess.run(
            [sys.executable, "-m", "pracharat", "backup", str(out)],
            env=env, cwd=ROOT, check=True, timeout=300, capture_output=True,
        )  # fmt: skip
        for _ in range(120):  # and it kept writing after the backup
            if len(_committed(log)) > len(before) + 50 or writer.poll() is not None:
                break
            time.sleep(0.5)
    finally:
        stop.touch()
        writer.wait(timeout=60)
    assert writer.returncode == 0, log.read_text()[-2000:]
    everything = _committed(log)
    assert len(everything) > len(before)
    return before, everything, out


def _restore(tmp_path, target_url: str, backup: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pracharat", "restore", str(backup), "--yes"],
        env=_env(target_url, tmp_path), cwd=ROOT, check=True, timeout=300, capture_output=True,
    )  # fmt: skip


def test_restore_refuses_without_yes(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pracharat", "restore", str(tmp_path / "x"), "--no-color"],
        env=_env("sqlite:///" + str(tmp_path / "db.sqlite3"), tmp_path), cwd=ROOT,
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode != 0 and "--yes" in done.stderr


@pytest.mark.skipif("connection.vendor != 'sqlite'")
def test_sqlite_backup_taken_under_load_loses_no_committed_session(tmp_path, khlong_mem_point):
    # The test database (migrated, with a point) as a file in WAL mode, as production's is.
    source = tmp_path / "live.sqlite3"
    with sqlite3.connect(source) as target:
        connection.ensure_connection()
        connection.connection.backup(target)
    sqlite3.connect(source).execute("PRAGMA journal_mode=WAL").close()
    before, everything, backup = _backup_under_load(
        tmp_path, f"sqlite:///{source}", khlong_mem_point.pk
    )
    restored_file = tmp_path / "restored.sqlite3"
    _restore(tmp_path, f"sqlite:///{restored_file}", backup)
    db = sqlite3.connect(restored_file)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    restored = {k for (k,) in db.execute("SELECT session_key FROM network_accountingsession")}
    assert before <= restored <= everything
    assert db.execute("SELECT code FROM network_servicepoint").fetchone()[0] == "NP-65060209"


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_postgres_backup_taken_under_load_loses_no_committed_session(tmp_path, khlong_mem_point):
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    base = f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    before, everything, backup = _backup_under_load(
        tmp_path, f"{base}/{db['NAME']}", khlong_mem_point.pk
    )
    scratch = f"{db['NAME']}_restore"[:63]
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}"')
        cursor.execute(f'CREATE DATABASE "{scratch}"')
    try:
        _restore(tmp_path, f"{base}/{scratch}", backup)
        import psycopg

        with psycopg.connect(f"{base}/{scratch}") as restored_db:
            restored = {
                k for (k,) in restored_db.execute(
                    "SELECT session_key FROM network_accountingsession"
                )
            }  # fmt: skip
            code = restored_db.execute("SELECT code FROM network_servicepoint").fetchone()[0]
        assert before <= restored <= everything
        assert code == "NP-65060209"
        # A second restore over the restored database (pg_restore --clean) gives the same.
        _restore(tmp_path, f"{base}/{scratch}", backup)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
    assert AccountingSession.objects.filter(session_key__in=before).count() == len(before)
