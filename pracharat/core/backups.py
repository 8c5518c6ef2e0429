"""Backups of the platform's database, PostgreSQL or SQLite (`pracharat backup` / `restore`).

- **PostgreSQL**: ``pg_dump --format=custom`` (one consistent snapshot: every transaction
  committed before the dump began is in it, none that commits after), restored by
  ``pg_restore`` as SQL into ``psql --single-transaction`` after emptying the schema (all of it
  or nothing; ``pg_restore --clean`` cannot drop the partitioned session table's inherited
  constraints). The client tools must be of the server's major version or newer.
- **SQLite**: the online backup API (``sqlite3.Connection.backup``) in one step: a consistent
  copy of the database file while the listener and the web keep writing (WAL mode), never a
  file copy of a live database. Restored with the same API into the configured file.

The connection comes from ``settings.DATABASES["default"]`` (so from ``DATABASE_URL``); the
password is handed to the tools as ``PGPASSWORD``, never on a command line. Files under
``MEDIA_ROOT`` / ``PRIVATE_MEDIA_ROOT`` and the secrets are not in a database backup: copy
them too (docs/deploy.md, "Backups").
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

from django.conf import settings


class BackupError(RuntimeError):
    pass


def _database() -> dict:
    return settings.DATABASES["default"]


def engine() -> str:
    name = _database()["ENGINE"]
    if name.endswith("postgresql"):
        return "postgresql"
    if name.endswith("sqlite3"):
        return "sqlite"
    raise BackupError(f"no backup for {name}")


def _pg_env_and_args() -> tuple[dict, list[str]]:
    db = _database()
    env = {**os.environ}  # the tools' own PG* variables (PGSSLMODE, PGPASSFILE) still apply
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    args = []
    if db.get("HOST"):
        args += ["--host", str(db["HOST"])]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", str(db["USER"])]
    return env, [*args, "--dbname", str(db["NAME"])]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise BackupError(f"{name} is not installed (Debian: apt-get install postgresql-client)")
    return path


def _run(argv: list[str], env: dict) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603 - ours
    if done.returncode != 0:
        raise BackupError(f"{Path(argv[0]).name} failed ({done.returncode}): {done.stderr[-2000:]}")


def backup(path: Path) -> Path:
    """Write a backup of the default database to ``path``; returns it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    if engine() == "postgresql":
        env, args = _pg_env_and_args()
        _run([_tool("pg_dump"), "--format=custom", "--no-owner", "--no-privileges",
              "--file", str(partial), *args], env)  # fmt: skip
    else:
        source = sqlite3.connect(str(_database()["NAME"]), timeout=60)
        target = sqlite3.connect(str(partial))
        try:
            with target:
                source.backup(target)  # pages=-1: the whole database in one consistent step
        finally:
            target.close()
            source.close()
    partial.replace(path)  # a backup file is whole or absent
    return path


# What a restore runs first, in its one transaction: the schema emptied. (pg_restore --clean
# cannot drop a partitioned table's inherited constraints partition by partition.)
_EMPTY_SCHEMA = b"DROP SCHEMA IF EXISTS public CASCADE;\nCREATE SCHEMA public;\n"


def _pg_restore(path: Path) -> None:
    """The backup as SQL (``pg_restore`` to a script) piped into ``psql`` in one transaction
    behind :data:`_EMPTY_SCHEMA`: all of it or, on any error, nothing."""
    env, args = _pg_env_and_args()
    script = subprocess.Popen(  # noqa: S603 - our own tools and arguments
        [_tool("pg_restore"), "--no-owner", "--no-privileges", "--file", "-", str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    psql = subprocess.Popen(  # noqa: S603
        [
            _tool("psql"),
            "--no-psqlrc",
            "--quiet",
            "--single-transaction",
            "--set",
            "ON_ERROR_STOP=1",
            "--output",
            os.devnull,
            *args,
        ],
        stdin=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        psql.stdin.write(_EMPTY_SCHEMA)
        shutil.copyfileobj(script.stdout, psql.stdin, 1 << 20)
    except BrokenPipeError:
        pass  # psql stopped at an error: its stderr says which
    finally:
        psql.stdin.close()
    script_err = script.stderr.read().decode(errors="replace")
    psql_err = psql.stderr.read().decode(errors="replace")
    if script.wait() != 0:
        psql.kill()
        psql.wait()
        raise BackupError(f"pg_restore failed ({script.returncode}): {script_err[-2000:]}")
    if psql.wait() != 0:
        raise BackupError(f"psql failed ({psql.returncode}): {psql_err[-2000:]}")


def restore(path: Path) -> None:
    """Replace the default database's contents with the backup at ``path``."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path}: no such backup")
    if engine() == "postgresql":
        _pg_restore(path)
    else:
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(str(_database()["NAME"]), timeout=60)
        try:
            if source.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{path}: not a sound SQLite database")
            source.backup(target)
        finally:
            target.close()
            source.close()
