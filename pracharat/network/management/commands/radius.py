"""`pracharat radius`: the RADIUS accounting listener (RFC 2866), also run by `pracharat serve`."""

from __future__ import annotations

import asyncio
import gc
import json
import logging

from django.core.management.base import BaseCommand, CommandError

from pracharat.core.heartbeat import Beat
from pracharat.network.listener import (
    ListenerOptions,
    Supervisor,
    child_command,
    default_bind,
    default_processes,
    free_reusable_port,
    parse_bind,
    run,
)
from pracharat.network.radius.server import ServerConfig


class Command(BaseCommand):
    help = (
        "Receive RADIUS accounting from the service points' access controllers and store it. "
        "Binds RADIUS_BIND (default 127.0.0.1:1813). It only receives and stores: rollups and "
        "health rounds are periodic jobs of `pracharat worker`."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bind", help="host:port, overrides RADIUS_BIND")
        parser.add_argument("--max-batch", type=int, default=200, help="requests per commit")
        parser.add_argument(
            "--max-delay",
            type=float,
            default=0.0,
            help="seconds a request waits for company (0: flush as soon as a writer is free)",
        )
        parser.add_argument(
            "--workers",
            type=int,
            help="writer threads, batches stored at once (default 1; see docs/network.md)",
        )

        parser.add_argument(
            "--processes",
            type=int,
            help="listener processes sharing the port (SO_REUSEPORT) under one supervisor "
            "that restarts a dead one (default RADIUS_PROCESSES, 1)",
        )
        parser.add_argument(
            "--reuse-port",
            action="store_true",
            help="bind with SO_REUSEPORT (what each of --processes does; not needed by hand)",
        )

    def handle(self, *args, bind, max_batch, max_delay, workers, processes, reuse_port, **options):
        logging.basicConfig(
            level=logging.INFO if options["verbosity"] >= 1 else logging.WARNING,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        host, port = parse_bind(bind) if bind else default_bind()
        processes = processes or default_processes()
        if processes < 1:
            raise CommandError("--processes must be at least 1")
        if processes > 1:
            port = port or free_reusable_port(host)
            self.stdout.write(
                f"RADIUS accounting on {host}:{port} in {processes} processes (Ctrl-C stops)"
            )
            self.stdout.flush()
            own = ["--max-batch", str(max_batch), "--max-delay", str(max_delay)]
            own += ["--workers", str(workers)] if workers else []
            own += ["-v", str(options["verbosity"])]
            supervisor = Supervisor(child_command(own, host, port), processes)
            status = supervisor.run()
            if status:
                raise CommandError("a RADIUS listener process did not stop cleanly")
            return
        opts = ListenerOptions(
            host=host,
            port=port,
            reuse_port=reuse_port,
            server=ServerConfig(
                max_batch=max_batch, max_delay=max_delay, workers=workers or ServerConfig().workers
            ),
        )

        async def main():
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            import signal

            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)

            def started(server):
                self.stdout.write(f"RADIUS accounting on {host}:{server.address[1]} (Ctrl-C stops)")
                beats.append(Beat("radius", stats=listener_stats(server)))
                beats[0].start()

            return await run(opts, stop, started)

        beats: list[Beat] = []  # the heartbeat (core.heartbeat): /readyz and /metrics read it
        quiet_collector()
        try:
            server = asyncio.run(main())
        finally:
            for beat in beats:
                beat.stop()
        self.stdout.write(json.dumps(server.stats.as_dict()))


def quiet_collector() -> None:
    """Everything loaded by now (Django, the apps, the settings) lives as long as the process:
    frozen out of the cyclic collector's sight, so its collections walk only what packets
    allocate; and collect young objects less often (a packet makes a few dozen short-lived
    containers, nearly all freed by reference counting). Under load the collector's passes
    over the whole heap were a measurable part of each packet's CPU."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)


def listener_stats(server):
    """The heartbeat's counters: the server's own, plus packets received per second since
    the previous beat."""
    import time

    last = {"at": time.monotonic(), "received": server.stats.received}

    def stats() -> dict:
        now, counters = time.monotonic(), server.stats.as_dict()
        elapsed = max(now - last["at"], 1e-6)
        counters["received_per_second"] = round(
            (counters["received"] - last["received"]) / elapsed, 2
        )
        last.update(at=now, received=counters["received"])
        return counters

    return stats
