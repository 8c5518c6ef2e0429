"""Foundation: loading the national geography, and server time + queries of the geo pages
and API (Django test client, no network), on a scratch SQLite database."""

from __future__ import annotations

import time

from bench import _django


def main(argv: list[str]) -> None:
    vendor = _django.setup(argv[0] if argv else None)
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pracharat.accounts import demo as accounts_demo
    from pracharat.geo import demo as geo_demo
    from pracharat.geo.actions import load_geography

    started = time.perf_counter()
    counts = load_geography()
    first = time.perf_counter() - started
    started = time.perf_counter()
    load_geography()
    again = time.perf_counter() - started
    print(
        f"{vendor}: load_geography {counts.subdistricts} sub-districts: first {first:.2f} s, "
        f"again (idempotent) {again:.2f} s"
    )
    geo_demo.load()
    accounts_demo.load()

    from django.core import signals
    from django.db import reset_queries

    signals.request_started.disconnect(reset_queries)  # or each request hides its queries
    client = Client(HTTP_HOST="127.0.0.1")
    urls = [
        "/",
        "/geo/",
        "/geo/65/",
        "/geo/6506/",
        "/geo/650602/",
        "/geo/65060209/",
        "/api/v1/geo/provinces",
        "/api/v1/geo/subdistricts?postcode=65150",
        "/api/v1/geo/address?q=ท่าช้าง",
        "/api/v1/geo/address?q=65",
    ]
    print(f"{'url':45} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'bytes':>8}")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        query_count = len(queries)
        stats = _django.timed(lambda url=url: client.get(url), repeat=50)
        print(
            f"{url:45} {stats['p50']:8.1f} {stats['p95']:8.1f} {query_count:8d} "
            f"{len(response.content):8d}"
        )
