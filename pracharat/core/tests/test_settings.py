import os
import subprocess
import sys
from pathlib import Path

import pytest

from pracharat.core.keys import generate_pem
from pracharat.core.lib.env import ConfigError, env_bool, env_int, env_str


def clean_env() -> dict[str, str]:
    """The environment minus what the test session itself set for Django."""
    return {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW_ASYNC")}


def run_check(tmp_path, **env):
    return subprocess.run(
        [sys.executable, "-m", "pracharat", "check", "--deploy", "--fail-level", "WARNING"],
        env={**clean_env(), "PRACHARAT_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_check_deploy(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("x" * 20 + "a-long-random-production-secret-key-0123456789")
    signing = tmp_path / "signing.pem"
    signing.write_bytes(generate_pem())
    result = run_check(
        tmp_path,
        PRACHARAT_PRODUCTION="1",
        SECRET_KEY_FILE=str(secret),
        PLATFORM_SIGNING_KEY_FILE=str(signing),
        ALLOWED_HOSTS="pracharat.example.org",
        DEBUG="0",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret(tmp_path):
    result = run_check(tmp_path, PRACHARAT_PRODUCTION="1", SECRET_KEY="", SECRET_KEY_FILE="")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_a_signing_key(tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("x" * 20 + "a-long-random-production-secret-key-0123456789")
    result = run_check(
        tmp_path,
        PRACHARAT_PRODUCTION="1",
        SECRET_KEY_FILE=str(secret),
        ALLOWED_HOSTS="pracharat.example.org",
        PLATFORM_SIGNING_KEY="",
        PLATFORM_SIGNING_KEY_FILE="",
    )
    assert result.returncode != 0 and "PLATFORM_SIGNING_KEY" in result.stderr


def test_a_signing_key_that_is_not_ed25519_fails_the_check(tmp_path):
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = (
        ec.generate_private_key(ec.SECP256R1())
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )
    result = run_check(tmp_path, PLATFORM_SIGNING_KEY=pem)
    assert result.returncode != 0 and "pracharat.E004" in result.stderr + result.stdout


def test_env_readers_fail_fast(monkeypatch, tmp_path):
    monkeypatch.setenv("X_FLAG", "perhaps")
    with pytest.raises(ConfigError, match="X_FLAG"):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ConfigError, match="X_NUM"):
        env_int("X_NUM", 1)
    (tmp_path / "key").write_text("from-a-file\n")
    monkeypatch.setenv("X_KEY_FILE", str(tmp_path / "key"))
    assert env_str("X_KEY") == "from-a-file"


@pytest.mark.parametrize("url", [None, "sqlite:///{dir}/by-url.sqlite3"])
def test_sqlite_gets_wal_immediate_and_a_busy_timeout_however_configured(tmp_path, url):
    env = {**clean_env(), "PRACHARAT_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    if url:
        env["DATABASE_URL"] = url.format(dir=tmp_path)
    script = (
        "import django; django.setup();"
        "from django.db import connection as c;"
        "cur = c.cursor();"
        "print(cur.execute('PRAGMA journal_mode').fetchone()[0],"
        " cur.execute('PRAGMA busy_timeout').fetchone()[0],"
        " c.transaction_mode)"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "pracharat.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", "20000", "IMMEDIATE"]


def test_a_bad_trusted_proxy_stops_the_start(tmp_path):
    result = run_check(tmp_path, TRUSTED_PROXIES="10.0.0.0/8,not-an-address")
    assert result.returncode != 0 and "TRUSTED_PROXIES" in result.stderr


# --- Configuration is read in settings.py only ---------------------------------------------

#: Modules that may read the environment, and why.
ENV_READERS = {
    "settings.py": "reads every setting from the environment",
    "core/lib/env.py": "the typed readers themselves",
    "__main__.py": "points DJANGO_SETTINGS_MODULE at settings before they exist",
    "wsgi.py": "likewise, for gunicorn",
    "conftest.py": "test runner only: CI makes a missing Chromium a failure",
    "core/backups.py": "hands the environment (PGSSLMODE, PGPASSFILE…) and PGPASSWORD to pg_dump",
}
ENV_READER_NAMES = {"env_str", "env_int", "env_bool", "env_list"}


def _reads_environment(path) -> list[str]:
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "putenv"):
            if isinstance(node.value, ast.Name) and node.value.id == "os":
                found.append(f"line {node.lineno}: os.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "pracharat.core.lib.env":
            names = {alias.name for alias in node.names} & ENV_READER_NAMES
            if names:
                found.append(f"line {node.lineno}: imports {', '.join(sorted(names))}")
        elif (
            isinstance(node, ast.ImportFrom)
            and node.module == "os"
            and {alias.name for alias in node.names} & {"environ", "getenv"}
        ):
            found.append(f"line {node.lineno}: from os import environ/getenv")
    return found


def test_only_settings_reads_the_environment():
    """Every knob is a setting (documented in docs/configuration.md), read by the code at call
    time through ``django.conf.settings``, so ``override_settings`` and the environment are
    one path. Tests may read the environment; application modules may not."""
    root = Path(__file__).resolve().parents[2]
    readers = {}
    for path in sorted(root.rglob("*.py")):
        relative = path.relative_to(root).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in relative:
            continue
        found = _reads_environment(path)
        if found:
            readers[relative] = found
    unexpected = {name: found for name, found in readers.items() if name not in ENV_READERS}
    assert not unexpected, f"read these from django.conf.settings instead: {unexpected}"
    stale = sorted(set(ENV_READERS) - set(readers))
    assert not stale, f"no longer read the environment; remove from ENV_READERS: {stale}"


def test_the_scan_sees_each_way_of_reading(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import os\nfrom os import getenv\n"
        "from pracharat.core.lib.env import ConfigError, env_int\n"
        "a = os.environ.get('A')\nb = os.getenv('B')\n",
        encoding="utf-8",
    )
    assert len(_reads_environment(sample)) == 4
    clean = tmp_path / "clean.py"
    clean.write_text("from pracharat.core.lib.env import ConfigError\n", encoding="utf-8")
    assert _reads_environment(clean) == []
