"""`pracharat worker`: run queued tasks and tick the periodic schedule (`pracharat serve` runs one).

The engine is the one ``settings.TASKS`` names: django-tasks-db's ``db_worker`` for the ORM
queue, django-rq's ``rqworker`` (with its scheduler, which deferred retries need) for RQ.
Beside it a thread ticks ``settings.PERIODIC_JOBS`` (``core.jobs.Ticker``). Run as many
workers as you like: each task runs once, each periodic job once per interval.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django_tasks import task_backends

from pracharat.core import jobs
from pracharat.core.heartbeat import Beat


class Command(BaseCommand):
    help = "Run background tasks from the configured queue and tick the periodic schedule."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds between looks at an empty ORM queue (default 1)",
        )
        parser.add_argument(
            "--no-schedule", action="store_true", help="run tasks only, do not tick the schedule"
        )

    def handle(self, *args, interval, no_schedule, **options):
        from django_tasks_db import DatabaseBackend

        backend = task_backends["default"]
        verbosity = options["verbosity"]
        ticker = None if no_schedule else jobs.Ticker()
        if ticker:
            ticker.start()
        beat = Beat("scheduler" if ticker else "worker")  # core.heartbeat: seen by /metrics
        beat.start()
        self.stdout.write(
            f"worker for {type(backend).__name__}; "
            + ("not ticking the schedule" if no_schedule else "ticking the periodic schedule")
        )
        self.stdout.flush()
        try:
            if isinstance(backend, DatabaseBackend):
                call_command(
                    "db_worker",
                    queue_name=",".join(sorted(backend.queues)) or "*",
                    interval=interval,
                    reload=False,
                    verbosity=verbosity,
                )
            elif type(backend).__name__ == "RQBackend":
                call_command(
                    "rqworker",
                    *sorted(backend.queues),
                    job_class="django_tasks_rq.Job",
                    # In this process, beside the ticker thread: no fork with threads and
                    # open database connections.
                    worker_class="rq.worker.SimpleWorker",
                    with_scheduler=True,
                    verbosity=verbosity,
                )
            else:
                raise CommandError(
                    f"TASKS' backend {type(backend).__name__} runs its tasks without a worker"
                )
        finally:
            beat.stop()
            if ticker:
                ticker.stop()
