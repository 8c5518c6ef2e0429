"""Rate limits count atomically across workers: the order look-up under 100 guesses at once."""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from pracharat.core.limits import Limit
from pracharat.core.models import RateCounter
from pracharat.market.pages import LOOKUP_PER_CLIENT


def test_a_limit_counts_refunds_and_keeps_no_subject_in_clear(db):
    limit = Limit("test.scope", attempts=3, window=600)
    assert [limit.hit("203.0.113.9") for _ in range(4)] == [True, True, True, False]
    assert limit.used("203.0.113.9") == 4
    limit.refund("203.0.113.9")
    assert limit.used("203.0.113.9") == 3
    assert limit.hit("198.51.100.1")  # another subject has its own count
    keys = list(RateCounter.objects.values_list("key", flat=True))
    assert keys and not any("203.0.113" in key or "198.51" in key for key in keys)


def test_expired_windows_are_cleared(db):
    RateCounter.objects.create(key="old", count=3, expires="2020-01-01T00:00:00Z")
    Limit("test.scope", attempts=3, window=60).hit("someone")
    assert not RateCounter.objects.filter(key="old").exists()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _server_env(tmp_path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_ALLOW_ASYNC")}
    env["PRACHARAT_VAR_DIR"] = str(tmp_path)
    env["AXES_ENABLED"] = "0"
    if connection.vendor == "postgresql":
        # The test database itself, already migrated; transactional_db empties it afterwards.
        settings = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings['USER']}:{settings['PASSWORD'] or ''}@{settings['HOST']}:"
            f"{settings['PORT'] or 5432}/{settings['NAME']}"
        )
    else:
        # A sqlite:/// URL on purpose: it must get WAL, IMMEDIATE and the busy timeout too.
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
        subprocess.run(
            [sys.executable, "-m", "pracharat", "migrate", "-v0"], env=env, check=True, timeout=300
        )
    return env


@pytest.fixture
def workers(transactional_db, tmp_path):
    """Four gunicorn worker processes on one database, as `pracharat serve` runs them."""
    env = _server_env(tmp_path)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "pracharat.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", "4", "--threads", "8", "--worker-class", "gthread"],
        env=env, stdout=subprocess.DEVNULL, stderr=(tmp_path / "gunicorn.log").open("w"),
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(f"{base}/market/orders/lookup/", server, tmp_path / "gunicorn.log")
        yield base
    finally:  # never leave the workers behind, whatever failed
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_until_up(url: str, server: subprocess.Popen, log) -> None:
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=5)  # noqa: S310 - loopback
            return
        except urllib.error.HTTPError as exc:
            pytest.fail(f"the look-up page answered {exc.code}")
        except OSError:  # not listening yet, or still starting
            if time.monotonic() > deadline or server.poll() is not None:
                pytest.fail(f"gunicorn did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)


def test_100_concurrent_wrong_lookups_evaluate_exactly_the_limit(workers):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    url = f"{workers}/market/orders/lookup/"
    page = opener.open(url, timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def guess(i: int) -> int:
        data = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": token, "number": "PR-2612-0001", "phone": f"08{i:08d}"}
        ).encode()
        request = urllib.request.Request(url, data=data, headers={"Referer": url})  # noqa: S310
        try:
            return opener.open(request, timeout=30).status
        except urllib.error.HTTPError as exc:
            return exc.code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(guess, range(100)))
    assert sorted(set(statuses)) == [200, 429], statuses
    assert statuses.count(200) == LOOKUP_PER_CLIENT.attempts  # evaluated, and said "not found"
