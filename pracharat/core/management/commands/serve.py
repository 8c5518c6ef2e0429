"""`pracharat serve`: the whole platform in one process group.

The web app runs under gunicorn; each pillar may add a long-running process with
``core.registry.serve_process``: the RADIUS listener, and core's background worker (queued
tasks and the periodic jobs, ``pracharat worker``). If any child exits, the rest are
stopped and serve exits with its code (a pillar process that ends with 0 has finished its work
and ends alone), so a supervisor (systemd, a container runtime) sees the failure.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from pracharat.core import registry


class Command(BaseCommand):
    help = "Run the web app and every pillar's background process until stopped (Ctrl-C)."

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="host:port (default: settings.PRACHARAT_BIND)")
        parser.add_argument("--workers", type=int, help="web processes (settings.WEB_WORKERS)")
        parser.add_argument("--threads", type=int, help="threads in each (settings.WEB_THREADS)")
        parser.add_argument(
            "--web-only", action="store_true", help="run only the web app, no pillar processes"
        )

    def handle(self, *args, bind, workers, threads, web_only, **options):
        bind = bind or settings.PRACHARAT_BIND
        workers = workers or settings.WEB_WORKERS
        threads = threads or settings.WEB_THREADS
        call_command("collectstatic", interactive=False, verbosity=0)
        python = sys.executable
        commands = [
            [
                python,
                "-m",
                "gunicorn",
                "pracharat.wsgi:application",
                "--bind",
                bind,
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread",
                "--access-logfile",
                "-",
                "--graceful-timeout",
                "10",
            ]
        ]
        if not web_only:
            commands += [[python, "-m", "pracharat", *argv] for argv in registry.serve_processes]
        children = [subprocess.Popen(cmd) for cmd in commands]  # noqa: S603 - our own argv
        self.stdout.write(
            f"pracharat serving on http://{bind}/ "
            f"({len(children)} process{'es' if len(children) > 1 else ''}; Ctrl-C stops)"
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        exit_code = 0
        web, running = children[0], list(children)
        while not stopping:
            for child in list(running):
                if child.poll() is None:
                    continue
                running.remove(child)
                if child is web or child.returncode != 0:
                    # The web app, or a process that failed: stop everything, say why.
                    self.stderr.write(f"{child.args[2:4]} exited with {child.returncode}; stopping")
                    exit_code = child.returncode or 1
                    stopping = True
                # A pillar process that finished its work (exit 0) just ends.
            time.sleep(0.5)
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 15
        for child in children:
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(exit_code)
