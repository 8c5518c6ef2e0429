"""Where a market page's server time goes (``python -m bench market_profile``).

Builds the same 10,000 Thai products as ``bench market_vs_oscar`` (the reference's
``load.py`` lists, seed 2563) in a scratch SQLite database (or ``--database-url``), then, in
one process through Django's test client (anonymous, no cookies, the whole middleware
stack): warms each page, times ``--repeat`` requests of the catalogue ``/market/``, the
product page of the 5,000th product, the search ``/market/?q=น้ำพริก`` and a trivial view
(``/healthz`` if routed, else the robots page) for the middleware floor, and then profiles
the same requests with cProfile, printing the top functions by cumulative time per page.

``--top N`` sets how many rows to print (default 25); ``--page NAME`` restricts to one of
catalogue, detail, search, trivial; ``--var-dir DIR`` keeps the scratch SQLite database in DIR
and reuses it when it is already built there. Nothing is listened on; no network.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
from urllib.parse import quote

from bench import _django
from bench.market_vs_oscar import REFERENCE, build, reference_lists


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="bench market_profile")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--page", default=None)
    parser.add_argument("--var-dir", default=None)
    args = parser.parse_args(argv)

    vendor = _django.setup(args.database_url, args.var_dir)
    from django.conf import settings
    from django.test import Client
    from django.urls import NoReverseMatch, reverse

    settings.ALLOWED_HOSTS = ["*"]
    from pracharat.market.models import Product

    if Product.objects.filter(sku="TH-04999").exists():  # built before in --var-dir
        detail_pk = Product.objects.get(sku="TH-04999").pk
    else:
        detail_pk = build(10_000, reference_lists(REFERENCE / "load.py"))
    try:
        trivial = reverse("healthz")
    except NoReverseMatch:
        trivial = "/robots.txt"
    urls = {
        "catalogue": "/market/",
        "detail": reverse("market:product", args=[detail_pk]),
        "search": "/market/?q=" + quote("น้ำพริก"),
        "trivial": trivial,
    }
    if args.page:
        urls = {args.page: urls[args.page]}
    client = Client()
    print(f"{vendor}, 10,000 products, {args.repeat} requests per page, test client")
    rows = _django.measure_pages(client, list(urls.values()), args.repeat)
    for name, (url, queries, size, t) in zip(urls, rows, strict=True):
        print(
            f"{name:10} {url[:40]:40} queries {queries:3}  {size / 1024:6.1f} KB  "
            f"p50 {t['p50']:7.2f} ms  p95 {t['p95']:7.2f} ms"
        )
    for name, url in urls.items():
        profile = cProfile.Profile()
        profile.enable()
        for _ in range(args.repeat):
            client.get(url)
        profile.disable()
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.sort_stats("cumulative").print_stats(r"pracharat|template|db/models", args.top)
        stats.sort_stats("tottime").print_stats(args.top)
        print(f"\n== {name} {url}  (cProfile, {args.repeat} requests)")
        print(out.getvalue())
