"""Shared pytest fixtures: the real geography once per test database, and named people."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from pracharat import testing
from pracharat.geo.actions import load_geography
from pracharat.geo.models import Province


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_geography()


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _tasks_run_inline(settings):
    """Background tasks (notifications, periodic runs) run in the test's thread when enqueued
    (django-tasks' immediate backend); a test of the queue itself sets its own TASKS
    (pracharat/core/tests/test_jobs.py: the ORM queue and RQ)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
            "QUEUES": settings.TASK_QUEUES,
        }
    }


@pytest.fixture(autouse=True)
def uploads(settings, tmp_path):
    """Public media and the private root of every test in a temporary directory:
    ``uploads / "media"`` and ``uploads / "private"``."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {**settings.STORAGES["private"], "OPTIONS": {"location": tmp_path / "private"}},
    }
    return tmp_path


@pytest.fixture
def line_api(settings):
    """A local server answering as the LINE Messaging API (core/tests/line_api.py), with
    the settings pointing at it and a channel access token set."""
    from pracharat.core.tests.line_api import LineApiServer

    server = LineApiServer(token="test-channel-token").start()  # noqa: S106 - test only
    settings.LINE_API_URL = server.url
    settings.LINE_CHANNEL_ACCESS_TOKEN = server.token
    yield server
    server.stop()


@pytest.fixture
def geography(db):
    """The national geography (already loaded for `db` tests; reloaded after a flush)."""
    if not Province.objects.exists():
        load_geography()


@pytest.fixture
def ban_khlong_mem(geography):
    return testing.village_ban_khlong_mem()


@pytest.fixture
def phitsanulok_officer(geography):
    return testing.phitsanulok_officer()


@pytest.fixture
def chiangmai_officer(geography):
    return testing.chiangmai_officer()


@pytest.fixture
def inspector(geography):
    return testing.inspector()


@pytest.fixture
def nt_officer(geography):
    return testing.nt_officer()


@pytest.fixture
def post_officer(geography):
    return testing.post_officer()


@pytest.fixture
def trainer(geography):
    return testing.trainer()


@pytest.fixture
def volunteer(geography):
    return testing.volunteer()


@pytest.fixture
def buyer(geography):
    return testing.buyer()


@pytest.fixture
def thai(settings):
    """Requests in Thai (the default language)."""
    from django.utils import translation

    with translation.override("th"):
        yield


@pytest.fixture
def fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def pixel_decodes(monkeypatch):
    """Every pixel decoding Pillow starts during the test, as ``(format, size)``.

    Pillow decodes in ``ImageFile.load`` (through ``Image._getdecoder``), which every lazy
    ``Image.open`` result calls on first pixel access; ``Image.Image.load`` is spied on too.
    (tracemalloc cannot prove this: Pillow's pixel buffers are C allocations it never sees.)"""
    from PIL import Image, ImageFile

    calls: list[tuple[str | None, tuple[int, int]]] = []

    def spying(original):
        def load(self, *args, **kwargs):
            calls.append((getattr(self, "format", None), self.size))
            return original(self, *args, **kwargs)

        return load

    monkeypatch.setattr(ImageFile.ImageFile, "load", spying(ImageFile.ImageFile.load))
    monkeypatch.setattr(Image.Image, "load", spying(Image.Image.load))
    original_decoder = Image._getdecoder

    def getdecoder(mode, decoder_name, *args, **kwargs):
        calls.append((decoder_name, (0, 0)))
        return original_decoder(mode, decoder_name, *args, **kwargs)

    monkeypatch.setattr(Image, "_getdecoder", getdecoder)
    return calls


CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright (no browser download needed).

    Skipped where Chromium is not installed, except in CI, where that is a failure."""
    import os
    import shutil

    path = shutil.which("chromium") or (CHROMIUM if os.path.exists(CHROMIUM) else None)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing in CI: .ci/run installs it with apt-get")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the
    # fixtures are still plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server, transactional_db):
    """A fresh phone-sized browser page against the live server, with the geography loaded."""
    if not Province.objects.exists():
        load_geography()
    with testing.phone(browser, live_server.url) as tab:
        yield tab


@pytest.fixture
def wsgi_keeps_test_connection(db):
    """Let tests call the real WSGI app (schemathesis does) inside the test transaction:
    Django's request signals would otherwise close the connection the test is using."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def rmutl_trainer(geography):
    """The RMUTL trainer (the same person as ``trainer``), named for the learning stories."""
    return testing.trainer()


@pytest.fixture
def school_trainer(geography):
    return testing.school_trainer()


@pytest.fixture
def volunteer_record(volunteer):
    """บุญมี registered as the active volunteer of Ban Khlong Mem."""
    return testing.volunteer_record(volunteer)
