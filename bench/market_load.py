"""Market: catalogue and search requests per second under load, on loopback.

``python -m bench market_load [DATABASE_URL] [--products N] [--seconds S] [--clients C]``
builds a scratch database with N generated Thai products (as ``market_search``), starts
``pracharat serve --web-only --bind 127.0.0.1:PORT`` on it (gunicorn, 2 workers x 4
threads), and drives each URL for S seconds from C client threads with keep-alive
connections (a bounded load: 127.0.0.1 only, fixed duration). Prints requests/s, latency
p50/p95 and errors per URL, plus the queries each page runs (test client).
"""

from __future__ import annotations

import http.client
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from urllib.parse import quote

from bench import _django

URLS = [
    ("catalogue", "/market/"),
    ("catalogue, page 3", "/market/?page=3"),
    ("search น้ำพริก", "/market/?q=" + quote("น้ำพริก")),
    ("search ผ้าทอ in province 65", "/market/?q=" + quote("ผ้าทอ") + "&area=65"),
    ("API search น้ำพริก", "/api/v1/market/products?q=" + quote("น้ำพริก")),
    ("product page", "/market/products/{pk}/"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/market/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("server did not start")


def drive(port: int, path: str | list[str], seconds: float, clients: int) -> dict:
    """``clients`` keep-alive connections request ``path`` (or each of a list of paths in
    turn, each client starting at its own place in it) for ``seconds``."""
    paths = [path] if isinstance(path, str) else path
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def client(start: int):
        nonlocal errors
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine, bad, turn = [], 0, start
        while time.monotonic() < stop_at:
            path = paths[turn % len(paths)]
            turn += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status != 200:
                    bad += 1
            except OSError:
                bad += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)
            errors += bad

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    latencies.sort()
    return {
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) if latencies else 0.0,
        "p95": latencies[int(len(latencies) * 0.95) - 1] if latencies else 0.0,
        "n": len(latencies),
        "errors": errors,
    }


def main(argv: list[str]) -> None:
    args = list(argv)
    opts = {"--products": 100_000, "--seconds": 15, "--clients": 8}
    for name in list(opts):
        if name in args:
            i = args.index(name)
            opts[name] = int(args[i + 1])
            del args[i : i + 2]
    vendor = _django.setup(args[0] if args else None)
    from bench.market_search import build

    took = build(opts["--products"])
    print(f"{vendor}: {opts['--products']:,} products built in {took:.0f} s", flush=True)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pracharat.market.models import Product

    pk = Product.objects.order_by("pk").values_list("pk", flat=True)[500]
    urls = [(label, path.format(pk=pk)) for label, path in URLS]
    test_client = Client(HTTP_HOST="127.0.0.1")
    queries = {}
    for label, path in urls:
        test_client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = test_client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        queries[label] = (len(captured), len(response.content))
    connection.close()

    port = _free_port()
    env = dict(os.environ)
    server = subprocess.Popen(
        [sys.executable, "-m", "pracharat", "serve", "--web-only", "--bind", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait(port)
        print(
            f"{'URL':32} {'queries':>7} {'KB':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
            f"{'errors':>6}  ({opts['--clients']} clients, {opts['--seconds']} s each)",
            flush=True,
        )
        for label, path in urls:
            drive(port, path, 2, opts["--clients"])  # warm the workers
            result = drive(port, path, opts["--seconds"], opts["--clients"])
            count, size = queries[label]
            print(
                f"{label:32} {count:7d} {size / 1024:6.1f} {result['rps']:7.1f} "
                f"{result['p50']:7.1f} {result['p95']:7.1f} {result['errors']:6d}",
                flush=True,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


if __name__ == "__main__":
    main(sys.argv[1:])
