"""Heartbeats of long-running processes: a ``core.ProcessBeat`` row per process.

``Beat(kind, stats=callable).start()`` writes the row at once and then every
``settings.HEARTBEAT_SECONDS`` from a daemon thread (one small UPSERT: nothing on the hot
path of the process it reports on); ``stop()`` deletes it, so a process shut down cleanly
is not counted as alive. A process that dies leaves a row that goes stale, which is what
``/readyz`` (``core.health``) notices. Rows stale for a day are deleted by the periodic job
``core.heartbeat_forget`` (:func:`forget_stale`), so the table stays as small as the fleet.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

logger = logging.getLogger(__name__)

FORGET_AFTER = timedelta(days=1)


def fresh(kind: str | None = None):
    """The rows (of ``kind``, else of every kind) that beat within
    ``settings.HEARTBEAT_STALE_SECONDS``."""
    from pracharat.core.models import ProcessBeat

    since = timezone.now() - timedelta(seconds=settings.HEARTBEAT_STALE_SECONDS)
    beats = ProcessBeat.objects.filter(beat_at__gte=since)
    return beats.filter(kind=kind) if kind else beats


def forget_stale() -> int:
    """Delete the rows of processes gone for more than ``FORGET_AFTER`` (a periodic job)."""
    from pracharat.core.models import ProcessBeat

    deleted, _ = ProcessBeat.objects.filter(beat_at__lt=timezone.now() - FORGET_AFTER).delete()
    return deleted


class Beat(threading.Thread):
    def __init__(self, kind: str, stats: Callable[[], dict] | None = None) -> None:
        super().__init__(name=f"heartbeat-{kind}", daemon=True)
        self.kind = kind
        self.stats = stats or dict
        self.host = socket.gethostname()[:100]
        self.pid = os.getpid()
        self.process = f"{kind}@{self.host}:{self.pid}"[:200]
        self.started_at = timezone.now()
        self.stopping = threading.Event()
        self.first_written = threading.Event()

    def beat(self) -> None:
        from pracharat.core.models import ProcessBeat

        ProcessBeat.objects.update_or_create(
            process=self.process,
            defaults={
                "kind": self.kind,
                "host": self.host,
                "pid": self.pid,
                "started_at": self.started_at,
                "beat_at": timezone.now(),
                "stats": self.stats(),
            },
        )

    def run(self) -> None:
        try:
            self._beat_safely()
            self.first_written.set()
            while not self.stopping.wait(settings.HEARTBEAT_SECONDS):
                self._beat_safely()
        finally:
            connections.close_all()

    def _beat_safely(self) -> None:
        close_old_connections()
        try:
            self.beat()
        except Exception:  # the database is away: the row goes stale, which is the signal
            logger.warning("%s: heartbeat not written", self.process, exc_info=True)

    def start(self) -> None:
        # The first beat before returning, so the process is known as soon as it runs; written
        # by the beat's own thread, since the caller may be an event loop (the RADIUS listener),
        # where Django refuses synchronous database calls.
        super().start()
        self.first_written.wait(30)

    def stop(self, timeout: float = 10.0) -> None:
        from pracharat.core.models import ProcessBeat

        self.stopping.set()
        self.join(timeout)
        try:
            ProcessBeat.objects.filter(process=self.process).delete()
        except Exception:
            logger.warning("%s: heartbeat row not removed", self.process, exc_info=True)
