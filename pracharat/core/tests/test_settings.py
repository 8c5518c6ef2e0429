import os
import subprocess
import sys

import pytest

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
    result = run_check(
        tmp_path,
        PRACHARAT_PRODUCTION="1",
        SECRET_KEY_FILE=str(secret),
        ALLOWED_HOSTS="pracharat.example.org",
        DEBUG="0",
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret(tmp_path):
    result = run_check(tmp_path, PRACHARAT_PRODUCTION="1", SECRET_KEY="", SECRET_KEY_FILE="")
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


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
