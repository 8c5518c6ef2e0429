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
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import caches
from django.db import connection

from pracharat.core.limits import Limit
from pracharat.core.models import RateCounter
from pracharat.market.pages import LOOKUP_PER_CLIENT

#: A Redis database the tests may empty (cache.clear() is FLUSHDB); CI has Redis on 6379.
TEST_REDIS_URL = os.environ.get("PRACHARAT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _redis_or_skip() -> str:
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        if os.environ.get("CI"):
            pytest.fail(f"Redis is missing in CI ({TEST_REDIS_URL}): .ci/run starts it")
        pytest.skip(f"no Redis at {TEST_REDIS_URL}")
    return TEST_REDIS_URL


def _use_redis(settings) -> None:
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _redis_or_skip(),
            "KEY_PREFIX": f"test-{uuid.uuid4().hex}",
        }
    }
    settings.RATE_LIMIT_STORE = "cache"


@pytest.fixture(params=["database", "cache"])
def store(request, settings):
    """Each test that takes it runs on both stores behind Limit: the database and Redis."""
    if request.param == "cache":
        _use_redis(settings)
    else:
        settings.RATE_LIMIT_STORE = "database"
    yield request.param
    if request.param == "cache":
        caches["default"].clear()


@pytest.fixture
def redis_store(settings):
    _use_redis(settings)
    yield
    caches["default"].clear()


def test_a_limit_counts_refunds_and_keeps_no_subject_in_clear(db, store):
    limit = Limit("test.scope", attempts=3, window=600)
    assert [limit.hit("203.0.113.9") for _ in range(4)] == [True, True, True, False]
    assert limit.used("203.0.113.9") == 4
    limit.refund("203.0.113.9")
    assert limit.used("203.0.113.9") == 3
    assert limit.hit("198.51.100.1")  # another subject has its own count
    for _ in range(5):
        limit.refund("198.51.100.1")
    assert limit.used("198.51.100.1") == 0  # never below zero
    if store == "database":
        keys = list(RateCounter.objects.values_list("key", flat=True))
        assert not caches["default"].get(f"limit:{keys[0]}")
    else:
        import redis

        keys = [k.decode() for k in redis.Redis.from_url(TEST_REDIS_URL).keys("*limit:*")]
        assert not RateCounter.objects.exists()  # the database is not touched
    assert keys and not any("203.0.113" in key or "198.51" in key for key in keys)


def test_the_cache_store_keeps_a_window_only_as_long_as_it_lasts(db, redis_store):
    import redis

    Limit("test.ttl", attempts=3, window=60).hit("someone")
    (key,) = redis.Redis.from_url(TEST_REDIS_URL).keys("*limit:*")
    assert 0 < redis.Redis.from_url(TEST_REDIS_URL).ttl(key) <= 61


def test_threads_at_once_get_exactly_the_limit_on_redis(redis_store):
    """50 threads, one attempt each, against a limit of 10: exactly 10 are let through.
    (The database store is raced by real processes below; SQLite's in-memory test database
    cannot be shared by threads.)"""
    limit = Limit("test.race", attempts=10, window=600)

    def attempt(_):
        return limit.hit("203.0.113.50")

    with ThreadPoolExecutor(max_workers=25) as pool:
        results = list(pool.map(attempt, range(50)))
    assert results.count(True) == 10 and limit.used("203.0.113.50") == 50


def test_the_cache_store_refuses_a_cache_that_cannot_count_atomically(db, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.RATE_LIMIT_STORE = "cache"  # with the file cache of the embedded default
    with pytest.raises(ImproperlyConfigured):
        Limit("test.scope", attempts=3, window=60).hit("someone")


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


@pytest.fixture(params=["database", "cache"])
def workers(request, transactional_db, tmp_path):
    """Four gunicorn worker processes on one database, as `pracharat serve` runs them;
    counting in the database (the embedded default) and in Redis (``REDIS_URL``)."""
    env = _server_env(tmp_path)
    if request.param == "cache":
        env["REDIS_URL"] = _redis_or_skip()
        env["CACHE_KEY_PREFIX"] = f"test-{uuid.uuid4().hex}"
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

    # The limit counts in fixed windows aligned on the clock: a burst that straddles the end of
    # one gets a second allowance. Start the burst in a window with a minute left.
    left = LOOKUP_PER_CLIENT.window - time.time() % LOOKUP_PER_CLIENT.window
    if left < 60:
        time.sleep(left + 0.5)
    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(guess, range(100)))
    assert sorted(set(statuses)) == [200, 429], statuses
    assert statuses.count(200) == LOOKUP_PER_CLIENT.attempts  # evaluated, and said "not found"
