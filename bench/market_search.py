"""Market: Thai product search latency at 100,000 products, on SQLite or PostgreSQL.

``python -m bench market_search [DATABASE_URL] [--products N]`` builds a scratch database
with N generated Thai listings (``thaisearch_bench.generate``: village product types with
modifiers, places, sizes, English fragments) spread over 300 producer groups in villages of
300 sub-districts all over Thailand, indexes them through ``search.index_products``, then
times ``search_products`` the way a results page uses it: ``count()`` for the pager plus the
first 24 results with their group, category and photo (``for_listing``) -- cold (ranking
computed, as after any product edit) and cached (the ranking of a repeated query).

Then over HTTP, as buyers meet it: ``pracharat serve --web-only`` (gunicorn, the production
shape: 2 workers x 4 threads by default) on 127.0.0.1 serves the search page
``/market/?q=…`` (HTML, the results page a buyer sees) for each query of ``QUERIES`` in
rotation, driven by 1 and by 16 keep-alive connections (``market_load.drive``) for
``--seconds`` each (bounded: loopback only, fixed duration); p50 / p95 per connection count.
The first round of a query ranks it, the rest read the ranking from the shared cache, as
popular queries do. ``--no-http`` skips this part.
"""

from __future__ import annotations

import random
import sys
import time
from decimal import Decimal

from bench import _django

QUERIES = [
    ("น้ำพริก", {}),
    ("น้ำพริกเผา", {}),
    ("ผ้าทอ", {}),
    ("ข้าวหอมมะลิ", {}),
    ("กล้วยตาก", {}),
    ("สบู่ สมุนไพร", {}),
    ("coffee", {}),
    ("OTOP น้ำพริก", {}),
    ("handmade", {}),
    ("ไม่มีสินค้านี้", {}),
    ("น้ำพริก", {"area": "65"}),
    ("ผ้า", {"category": "textiles", "max_price": Decimal("300")}),
    ("", {}),
    ("", {"area": "50", "category": "food"}),
]
PAGE = 24


def build(n: int) -> float:
    from django.db import transaction

    from pracharat.geo.actions import load_geography
    from pracharat.geo.models import SubDistrict, Village
    from pracharat.market import search
    from pracharat.market.lib.thaisearch_bench import PRODUCTS, generate
    from pracharat.market.models import Category, ProducerGroup, Product

    load_geography()
    rng = random.Random(2568)
    subs = list(SubDistrict.objects.order_by("code").values_list("code", flat=True))
    chosen = sorted(rng.sample(subs, 300))
    villages = [
        Village(code=f"{code}01", subdistrict_id=code, moo=1, name_th=f"บ้านทดสอบ {code}")
        for code in chosen
    ]
    Village.objects.bulk_create(villages, ignore_conflicts=True)
    groups = ProducerGroup.objects.bulk_create(
        ProducerGroup(
            code=f"bench-{i}",
            name_th=f"กลุ่มวิสาหกิจชุมชนทดสอบ {i}",
            village_id=v.code,
            area_code=v.code,
        )
        for i, v in enumerate(villages)
    )
    categories = list(Category.objects.all())
    by_kind = {
        "ผ้า": "textiles",
        "ข้าว": "rice",
        "สบู่": "herbal",
        "ครีม": "herbal",
        "กาแฟ": "drinks",
        "ชา": "drinks",
        "กล้วย": "snacks",
        "กระติบ": "crafts",
    }
    slug_of = {c.slug: c for c in categories}

    def category_for(name: str):
        for prefix, slug in by_kind.items():
            if name.startswith(prefix):
                return slug_of[slug]
        return slug_of["food"]

    listings = generate(n)
    started = time.perf_counter()
    with transaction.atomic():
        for start in range(0, n, 5000):
            batch = [
                Product(
                    group=groups[(start + i) % len(groups)],
                    category=category_for(PRODUCTS[item.product][0]),
                    title_th=item.title[:200],
                    description_th=item.description,
                    price=Decimal(rng.randrange(2000, 150000)) / 100,
                    weight_grams=rng.randrange(50, 3000),
                    stock=rng.randrange(0, 100),
                    unit="ชิ้น",
                )
                for i, item in enumerate(listings[start : start + 5000])
            ]
            Product.objects.bulk_create(batch, batch_size=1000)
            search.index_products(batch)
    took = time.perf_counter() - started
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give
    return took


def _search_path(q: str, filters: dict) -> str:
    from urllib.parse import urlencode

    params = {"q": q, **{k: str(v) for k, v in filters.items()}}
    return "/market/?" + urlencode({k: v for k, v in params.items() if v})


def over_http(seconds: int) -> None:
    import os
    import subprocess

    from django.db import connection

    from bench.market_load import _free_port, _wait, drive

    connection.close()
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "pracharat", "serve", "--web-only", "--bind", f"127.0.0.1:{port}"],
        env=dict(os.environ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    paths = [_search_path(q, f) for q, f in QUERIES]
    try:
        _wait(port)
        drive(port, paths, 3, 4)  # warm both workers: templates, connections, rankings
        print(
            f"HTTP search page, {len(paths)} queries in rotation, {seconds} s per row: "
            f"{'connections':>11} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'errors':>6}",
            flush=True,
        )
        for clients in (1, 16):
            result = drive(port, paths, seconds, clients)
            print(
                f"{'':59}{clients:11d} {result['rps']:7.1f} {result['p50']:7.1f} "
                f"{result['p95']:7.1f} {result['errors']:6d}",
                flush=True,
            )
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def main(argv: list[str]) -> None:
    args = list(argv)
    n, seconds, http = 100_000, 20, True
    if "--products" in args:
        i = args.index("--products")
        n = int(args[i + 1])
        del args[i : i + 2]
    if "--seconds" in args:
        i = args.index("--seconds")
        seconds = int(args[i + 1])
        del args[i : i + 2]
    if "--no-http" in args:
        args.remove("--no-http")
        http = False
    vendor = _django.setup(args[0] if args else None)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from pracharat.market import search

    took = build(n)
    print(
        f"{vendor}: {n:,} products created and indexed in {took:.1f} s "
        f"({n / took:,.0f} products/s)",
        flush=True,
    )

    def page(q, filters):
        results = search.search_products(q, **filters)
        total = results.count()
        rows = list(results[:PAGE])
        for product in rows:
            _ = product.group.name, product.category.name, product.first_photo
        return total

    def cold(q, filters):
        search.invalidate_cache()  # as after any product edit: rank again
        return page(q, filters)

    print(
        f"{'query':26} {'filters':32} {'hits':>7} {'cold p50':>9} {'cold p95':>9} "
        f"{'cached p50':>10} {'cached p95':>10} {'queries':>7}"
    )
    for q, filters in QUERIES:
        hits = cold(q, filters)  # warm the connection and the database's buffers
        with CaptureQueriesContext(connection) as queries:
            cold(q, filters)
        cold_stats = _django.timed(lambda q=q, f=filters: cold(q, f), repeat=30)
        page(q, filters)
        warm_stats = _django.timed(lambda q=q, f=filters: page(q, f), repeat=30)
        shown = ",".join(f"{k}={v}" for k, v in filters.items()) or "-"
        print(
            f"{q or '(all)':26} {shown:32} {hits:7,d} {cold_stats['p50']:9.1f} "
            f"{cold_stats['p95']:9.1f} {warm_stats['p50']:10.1f} {warm_stats['p95']:10.1f} "
            f"{len(queries):7d}",
            flush=True,
        )
    if http:
        over_http(seconds)


if __name__ == "__main__":
    main(sys.argv[1:])
