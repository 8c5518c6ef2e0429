"""Background work: Django's Tasks API (the django-tasks backport), retries, periodic jobs.

- ``task``: declare a task. It is a django-tasks ``Task`` (``.enqueue(...)``, ``.using(...)``)
  whose failed run is enqueued again ``backoff``, 2 x ``backoff``, 4 x ``backoff``… seconds
  later, up to ``attempts`` runs; each run is a task result of its own (the admin lists the
  failed ones with their traceback), its attempt number in its keyword arguments.
- ``settings.PERIODIC_JOBS``: the one schedule, ``name -> (function path, seconds)``.
  ``tick()`` claims every job that is due with a conditional UPDATE of its ``PeriodicJob``
  row and enqueues that interval's run (``run_periodic``) in the same transaction, so each
  job runs once per interval however many workers tick. ``pracharat worker`` ticks in a
  thread beside the engine's own worker; nothing else runs jobs on a timer.

Which engine runs the tasks is ``settings.TASKS``: the ORM queue (django-tasks-db) by
default, RQ on Redis (django-tasks-rq) when a Redis URL is configured.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import close_old_connections, connections, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task as django_task

logger = logging.getLogger(__name__)

ATTEMPTS = 5  # runs in all, the first included
BACKOFF = 30.0  # seconds before the first retry; doubled for each one after
ATTEMPT_KWARG = "_attempt"  # the keyword argument that carries a retry's attempt number
TICK_AT_MOST_EVERY = 5.0  # seconds a ticker sleeps at most (it notices a new job that soon)


def backoff_delay(attempt: int, backoff: float, factor: float = 2) -> float:
    """Seconds before the run after ``attempt`` (1-based): backoff, factor x backoff,
    factor² x backoff …"""
    return backoff * factor ** (attempt - 1)


def enqueue_retry(the_task, run_at: datetime, *args, **kwargs):
    """The one way a retry is queued: ``the_task`` again at ``run_at``, or at once on a backend
    that cannot defer (the immediate one the tests use). Returns the task result."""
    if the_task.get_backend().supports_defer:
        return the_task.using(run_after=run_at).enqueue(*args, **kwargs)
    return the_task.enqueue(*args, **kwargs)


def task(
    function: Callable | None = None,
    *,
    attempts: int = ATTEMPTS,
    backoff: float = BACKOFF,
    **options: Any,
):
    """``@jobs.task`` (or ``@jobs.task(attempts=3, backoff=10, queue_name=...)``): a
    django-tasks task retried with exponential backoff. ``options`` go to django-tasks'
    ``@task``. A backend that cannot defer (the immediate one the tests use) retries at once.
    """
    if attempts < 1:
        raise ValueError("attempts must be at least 1")

    def decorate(fn: Callable):
        @functools.wraps(fn)
        def run(*args, **kwargs):
            attempt = int(kwargs.pop(ATTEMPT_KWARG, 1))
            try:
                return fn(*args, **kwargs)
            except Exception:
                if attempt >= attempts:
                    logger.exception(
                        "%s failed on its last attempt (%d of %d)", the_task.name, attempt, attempts
                    )
                    raise
                delay = backoff_delay(attempt, backoff)
                if not the_task.get_backend().supports_defer:
                    delay = 0
                logger.warning(
                    "%s failed (attempt %d of %d); again in %.1f s",
                    the_task.name,
                    attempt,
                    attempts,
                    delay,
                    exc_info=True,
                )
                enqueue_retry(
                    the_task,
                    timezone.now() + timedelta(seconds=delay),
                    *args,
                    **kwargs,
                    **{ATTEMPT_KWARG: attempt + 1},
                )
                raise  # this attempt is recorded as failed; the retry is a result of its own

        the_task = django_task(**options)(run)
        return the_task

    return decorate(function) if function is not None else decorate


# -- periodic jobs ---------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class PeriodicSpec:
    name: str
    path: str
    every: int  # seconds

    def slot(self, now: datetime) -> datetime:
        """Start of the interval ``now`` is in (intervals are aligned on the epoch)."""
        seconds = int(now.timestamp()) // self.every * self.every
        return datetime.fromtimestamp(seconds, tz=UTC)


def schedule() -> dict[str, PeriodicSpec]:
    """``settings.PERIODIC_JOBS``, read now."""
    return {
        name: PeriodicSpec(name, path, int(every))
        for name, (path, every) in settings.PERIODIC_JOBS.items()
    }


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    if value is None or isinstance(value, str | int | float | bool | list | dict):
        return value
    return repr(value)


@task(attempts=3, backoff=5)
def run_periodic(name: str, slot: str):
    """One interval's run of a periodic job (enqueued by ``tick``, never by hand).

    A run whose interval has been overtaken (the next one was claimed while this one waited
    or waited to be retried) is dropped: the newer run does the work."""
    from pracharat.core.models import PeriodicJob

    spec = schedule().get(name)
    if spec is None:
        return {"skipped": "no longer scheduled"}
    started = datetime.fromisoformat(slot)
    if PeriodicJob.objects.filter(
        name=name, due_at__gt=started + timedelta(seconds=spec.every)
    ).exists():
        return {"skipped": "overtaken by a later interval"}
    result = _jsonable(import_string(spec.path)())
    PeriodicJob.objects.filter(name=name).update(finished_at=timezone.now(), runs=F("runs") + 1)
    logger.info("%s (interval from %s): %s", name, slot, result)
    return result


def tick(now: datetime | None = None) -> tuple[list[str], float]:
    """Claim and enqueue every periodic job that is due; returns the names claimed and the
    seconds until the next one is due. Safe to call from any number of processes at once."""
    from pracharat.core.models import PeriodicJob

    now = now or timezone.now()
    jobs = schedule()
    due = dict(PeriodicJob.objects.filter(name__in=jobs).values_list("name", "due_at"))
    missing = [name for name in jobs if name not in due]
    if missing:
        # A new job is due at once; two tickers creating it together is harmless.
        PeriodicJob.objects.bulk_create(
            [PeriodicJob(name=name, due_at=jobs[name].slot(now)) for name in missing],
            ignore_conflicts=True,
        )
        due.update(PeriodicJob.objects.filter(name__in=missing).values_list("name", "due_at"))
    claimed = []
    for name, spec in jobs.items():
        if due[name] > now:
            continue
        slot = spec.slot(now)
        with transaction.atomic():
            won = PeriodicJob.objects.filter(name=name, due_at__lte=now).update(
                due_at=slot + timedelta(seconds=spec.every), claimed_at=now
            )
            if won:
                # In the claim's transaction: if the enqueue fails, the claim is undone.
                run_periodic.enqueue(name, slot.isoformat())
                claimed.append(name)
        due[name] = slot + timedelta(seconds=spec.every)
    until = min((at - now).total_seconds() for at in due.values()) if due else TICK_AT_MOST_EVERY
    return claimed, max(0.0, until)


class Ticker(threading.Thread):
    """Ticks the schedule until stopped, sleeping until the next job is due (at most
    ``TICK_AT_MOST_EVERY``); what ``pracharat worker`` runs beside the engine's worker."""

    def __init__(self) -> None:
        super().__init__(name="periodic-jobs", daemon=True)
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopping.is_set():
                close_old_connections()
                try:
                    claimed, until = tick()
                except Exception:
                    logger.exception("the periodic schedule could not be ticked; trying again")
                    claimed, until = [], TICK_AT_MOST_EVERY
                if claimed:
                    logger.info("periodic jobs enqueued: %s", ", ".join(claimed))
                # A hair past the due time, so the clock has really passed it.
                self.stopping.wait(min(until, TICK_AT_MOST_EVERY) + 0.01)
        finally:
            connections.close_all()

    def stop(self, timeout: float = 10.0) -> None:
        self.stopping.set()
        self.join(timeout)
