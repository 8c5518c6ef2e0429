"""The RADIUS accounting listener wired to the database: what ``pracharat radius`` runs.

The pure server core (:mod:`.radius.server`) verifies, batches, dedupes and answers; this
module gives it the NAS table (:class:`~.accounting.NasDirectory`, reloaded every few seconds
so a new device works without a restart) and the handler that commits each batch. It only
receives and stores: rollups and health rounds are periodic jobs that the background worker
runs (``settings.PERIODIC_JOBS``, ``core.jobs``), however many listeners there are.

:class:`ListenerThread` runs the same thing in a background thread, for tests and benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import ctypes
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connections

from pracharat.core.lib.env import ConfigError
from pracharat.network.accounting import NasDirectory, RequestHandler
from pracharat.network.radius.server import AccountingServer, ServerConfig

logger = logging.getLogger(__name__)


def parse_bind(value: str) -> tuple[str, int]:
    """``host:port`` (``[v6]:port`` for IPv6) into a pair; fails fast on nonsense."""
    host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"RADIUS_BIND={value!r} is not host:port")
    return host.strip("[]") or "127.0.0.1", int(port)


def default_bind() -> tuple[str, int]:
    """``settings.RADIUS_BIND``, read now."""
    return parse_bind(settings.RADIUS_BIND)


@dataclass
class ListenerOptions:
    host: str = "127.0.0.1"
    port: int = 1813
    refresh_interval: float = 10.0  # seconds between NAS table reloads
    server: ServerConfig | None = None
    reuse_port: bool = False  # SO_REUSEPORT: one of several processes on the port (supervise)


async def run(options: ListenerOptions, stop: asyncio.Event, started=None) -> AccountingServer:
    """Serve until ``stop`` is set; ``started(server)`` is called once the socket is bound."""
    directory = NasDirectory()
    background = ThreadPoolExecutor(1, thread_name_prefix="radius-nas-reload")
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(background, directory.refresh)
    handler = RequestHandler(directory)
    config = options.server or ServerConfig()
    # One writer thread (and so one database connection) per batch in flight, each storing
    # and then answering its batches itself; its connection is closed on the way out.
    server = AccountingServer(directory.lookup_secret, handler, config)
    server.on_writer_exit = connections.close_all
    await server.start(options.host, options.port, reuse_port=options.reuse_port)
    logger.info("%d RADIUS devices known", len(directory))

    async def every(interval: float, job, name: str) -> None:
        while True:
            await asyncio.sleep(interval)
            try:
                await loop.run_in_executor(background, job)
            except Exception:
                logger.exception("%s failed; trying again in %.0f s", name, interval)

    def reload_devices() -> None:
        close_old_connections()
        directory.refresh()
        server.forget_secrets()

    tasks = [asyncio.create_task(every(options.refresh_interval, reload_devices, "NAS reload"))]
    try:
        if started is not None:
            started(server)
        await stop.wait()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await server.stop()

        def close() -> None:
            connections.close_all()

        await loop.run_in_executor(background, close)
        background.shutdown(wait=True)
    return server


class ListenerThread:
    """The listener in a background thread: ``start()`` returns the bound address."""

    def __init__(self, options: ListenerOptions) -> None:
        self.options = options
        self.server: AccountingServer | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._main, name="radius-listener", daemon=True)
        self.error: BaseException | None = None

    def _main(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()

            def started(server: AccountingServer) -> None:
                self.server = server
                self._ready.set()

            await run(self.options, self._stop, started)

        try:
            asyncio.run(main())
        except BaseException as exc:  # reported to the caller of start()
            self.error = exc
            self._ready.set()

    def start(self, timeout: float = 10.0) -> tuple[str, int]:
        self._thread.start()
        if not self._ready.wait(timeout) or self.server is None:
            raise RuntimeError(f"RADIUS listener did not start: {self.error!r}")
        return self.server.address

    def stop(self, timeout: float = 15.0) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)


# -- several listener processes on one port ------------------------------------------------


def free_reusable_port(host: str) -> int:
    """A port for ``--bind host:0`` with several processes: they must all bind the same one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_DGRAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:  # pragma: no cover - runs in the child before exec
    """Linux: the child gets SIGTERM (a graceful stop) if the supervisor dies, even by kill -9."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Supervisor:
    """``pracharat radius --processes N``: N listener processes on one UDP port (SO_REUSEPORT),
    each with its own event loop, NAS table, writers and database connections, so one GIL is
    no longer the limit. Each child answers only what it has committed, as a single listener
    does; a child that dies is started again (after ``restart_delay`` seconds, so one that
    cannot start does not spin); SIGTERM / SIGINT are passed to the children, which store
    and answer what they have queued, and the supervisor exits once they have."""

    def __init__(
        self,
        command: list[str],
        processes: int,
        *,
        restart_delay: float = 1.0,
        stop_timeout: float = 30.0,
    ) -> None:
        self.command = command
        self.processes = processes
        self.restart_delay = restart_delay
        self.stop_timeout = stop_timeout
        self.children: dict[int, subprocess.Popen] = {}  # slot -> process
        self.restarts = 0
        self._stopping = threading.Event()

    def _spawn(self, slot: int) -> None:
        # our own command line (child_command), not input
        child = subprocess.Popen(self.command, preexec_fn=_die_with_parent)  # noqa: S603
        self.children[slot] = child
        logger.info("RADIUS listener process %d started (pid %d)", slot, child.pid)

    def stop(self, *_args) -> None:
        self._stopping.set()

    def run(self) -> int:
        """Start the children and keep them running until SIGTERM / SIGINT; return the exit
        status (0 when every child stopped cleanly)."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self.stop)
        for slot in range(self.processes):
            self._spawn(slot)
        due: dict[int, float] = {}  # slot -> when to start it again
        while not self._stopping.wait(0.2):
            for slot, child in list(self.children.items()):
                if slot in due or child.poll() is None:
                    continue
                logger.error(
                    "RADIUS listener process %d (pid %d) exited with %s; starting it again",
                    slot,
                    child.pid,
                    child.returncode,
                )
                due[slot] = time.monotonic() + self.restart_delay
            for slot, when in list(due.items()):
                if time.monotonic() >= when:
                    del due[slot]
                    self.restarts += 1
                    self._spawn(slot)
        return self._stop_children()

    def _stop_children(self) -> int:
        running = [c for c in self.children.values() if c.poll() is None]
        for child in running:
            child.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.stop_timeout
        status = 0
        for child in running:
            try:
                child.wait(max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                logger.error("RADIUS listener pid %d did not stop; killing it", child.pid)
                child.kill()
                child.wait()
            status = status or (child.returncode != 0)
        return int(status)


def child_command(options: list[str], host: str, port: int) -> list[str]:
    """The command line of one supervised listener: the supervisor's options, on the resolved
    port, as one of the processes sharing it."""
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return [
        sys.executable,
        "-m",
        "pracharat",
        "radius",
        *options,
        "--bind",
        bind,
        "--processes",
        "1",
        "--reuse-port",
    ]


def default_processes() -> int:
    """``settings.RADIUS_PROCESSES``, read now."""
    return int(getattr(settings, "RADIUS_PROCESSES", 1))
