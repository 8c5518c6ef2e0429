"""Market pages against django-oscar, side by side (``python -m bench market_vs_oscar``).

The reference is ``../shared/bench/django-oscar/`` used as it is (read its README): run its
``setup.sh`` first (``ANCHOR=/tmp/oscar-anchor bash setup.sh``). This module then

- builds a scratch SQLite database of ours with the same 10,000 Thai products (the words,
  qualifiers, places and 5 categories of the reference's ``load.py``, read from that file;
  the same seed, 2563, and the same draws: title, price 20-1,500 THB, stock 0-199), in one
  producer group, indexed for search;
- for each of ``--runs`` rounds, interleaved: runs the reference's ``bench.sh`` once
  (``RUNS=1``: a fresh gunicorn with 2 sync workers, 3 s warm-up per page, then ``wrk -t2
  -c16 -d20s --latency`` on its catalogue, a product page and ``/search/?q=น้ำพริก``), then
  the same on ours: ``pracharat serve --web-only --workers 2`` (gunicorn, 2 workers x 4
  threads, the production shape), the same warm-up, the same wrk on ``/market/``, a product
  page and ``/market/?q=น้ำพริก``;
- prints every run and the medians, and the ratio of ours to oscar's.

Our side requests a spread of URLs, not one (``--spread``, the default; ``--single`` measures
the reference's three URLs alone, as it measures oscar): each wrk request picks at random
(wrk's Lua ``request`` hook) among ``spread_paths``: for the catalogue 20 listings (pages
1-10 of all products, each of the 5 categories' pages 1-2), for the product page 1,000
different products of the 10,000 (fixed seed), for search ``น้ำพริก`` pages 1-3 and 9 other
product words of the reference's list. So a cached part helps only as often as real
visitors would repeat it, and misses (a product page nobody opened since the last write)
are in the figures.

With ``--orders-per-second R`` (default 1; 0 turns it off) each round measures ours twice:
with no writes, then on a fresh server while a bounded writer places real orders at R per
second through the shop's own pages, as a buyer's phone does (the product page, "add to
cart", the checkout form; a new session, CSRF token and phone number each time): every order
takes stock by the checkout's conditional UPDATE and bumps what the market's cached parts are
keyed by. Each order is for 1 item of a product picked at random among those the page being
measured shows (``shown_products``: the products on the 20 listings, the 1,000 product
pages, the products on the search pages), so every order hits a part that the measurement
reads. The server's per-client checkout limit is raised for the run (every buyer here is
127.0.0.1); the per-phone limit stays, and each order has its own phone.

Each of our measurements also prints what it cost (``Watch``): the CPU seconds per second
of each process under our server (gunicorn's workers; two saturated cores show as ~1.0
each) and the machine's idle and steal time over the run, so a slow run can be told from a
starved one.

Both servers and the writer run on 127.0.0.1 only, for a fixed time. ``--oscar-search
whoosh`` runs the reference's Whoosh variant instead of its default (simple) backend.
"""

from __future__ import annotations

import argparse
import ast
import csv
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlencode

from bench import _django

#: The per-client checkout limit of our server during a run: every buyer of the writer is
#: 127.0.0.1 (the per-phone limit is kept; each order has its own phone number).
CHECKOUTS_PER_CLIENT = 1_000_000

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "bench" / "django-oscar"
PAGES = ("catalogue", "detail", "search")


def reference_lists(load_py: Path) -> dict[str, list[str]]:
    """WORDS, QUALIFIERS, PLACES, CATEGORIES from the reference's load.py (not imported:
    importing it sets up oscar's Django)."""
    tree = ast.parse(load_py.read_text(encoding="utf-8"))
    found = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
            name = node.targets[0].id
            if name in ("WORDS", "QUALIFIERS", "PLACES", "CATEGORIES"):
                found[name] = ast.literal_eval(node.value)
    return found


def build(n: int, lists: dict[str, list[str]]) -> int:
    """Our copy of the reference catalogue; returns the pk of the 5,000th product."""
    from django.db import connection, transaction

    from pracharat.geo.actions import load_geography
    from pracharat.geo.models import SubDistrict, Village
    from pracharat.market import search
    from pracharat.market.models import Category, ProducerGroup, Product

    load_geography()
    sub = SubDistrict.objects.order_by("code").values_list("code", flat=True).first()
    village, _ = Village.objects.get_or_create(
        code=f"{sub}01", defaults={"subdistrict_id": sub, "moo": 1, "name_th": "บ้านคลองเม็ง"}
    )
    group = ProducerGroup.objects.create(
        code="klong-meng",
        name_th="กลุ่มวิสาหกิจชุมชนบ้านคลองเม็ง",
        village=village,
        area_code=village.code,
    )
    # The reference's 5 categories, on ours of the same kind.
    categories = [
        Category.objects.get(slug=s) for s in ("food", "textiles", "rice", "crafts", "herbal")
    ]
    rng = random.Random(2563)
    products = []
    for i in range(n):  # the reference's draws, in its order
        word = rng.choice(lists["WORDS"])
        place = rng.choice(lists["PLACES"])
        title = f"{word} {rng.choice(lists['QUALIFIERS'])} {place}"
        price = Decimal(rng.randrange(2000, 150000)) / 100
        stock = rng.randrange(0, 200)
        products.append(
            Product(
                group=group,
                category=categories[i % len(categories)],
                sku=f"TH-{i:05d}",
                title_th=title,
                description_th=f"{title} ผลิตโดยกลุ่มวิสาหกิจชุมชน{place} สินค้าคุณภาพจากชุมชน",
                price=price,
                stock=stock,
                weight_grams=500,
                unit="ชิ้น",
            )
        )
    with transaction.atomic():
        Product.objects.bulk_create(products, batch_size=1000)
        saved = list(Product.objects.select_related("group", "category").order_by("pk"))
        search.index_products(saved)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return saved[4999].pk


def parse_wrk(text: str) -> dict:
    def ms(v, u):
        return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[u]

    lat = {
        p: ms(v, u) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M)
    }
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)),
        "p50": lat.get("50", 0.0),
        "p99": lat.get("99", 0.0),
        "errors": (int(non2xx.group(1)) if non2xx else 0)
        + (sum(map(int, sock.groups())) if sock else 0),
    }


def spread_paths(pks: list[int], words: list[str]) -> dict[str, list[str]]:
    """The URLs each page's wrk run picks from (see the module's doc)."""
    rng = random.Random(2569)
    slugs = ("food", "textiles", "rice", "crafts", "herbal")
    catalogue = [f"/market/?page={n}" for n in range(1, 11)]
    catalogue += [f"/market/?category={slug}&page={n}" for slug in slugs for n in (1, 2)]
    others = [w for w in words if not w.startswith("น้ำพริก")]
    search = [f"/market/?q={quote('น้ำพริก')}&page={n}" for n in (1, 2, 3)]
    search += [f"/market/?q={quote(w)}" for w in rng.sample(others, 9)]
    return {
        "catalogue": catalogue,
        "detail": [f"/market/products/{pk}/" for pk in rng.sample(pks, 1000)],
        "search": search,
    }


def lua_script(paths: list[str], folder: Path) -> Path:
    """A wrk script that sends each request to one of ``paths`` at random."""
    script = folder / f"paths-{abs(hash(tuple(paths)))}.lua"
    listed = ",\n".join('  "' + p.replace('"', '\\"') + '"' for p in paths)
    script.write_text(
        "local paths = {\n" + listed + "\n}\n"
        "local counter = 0\n"
        "function setup(thread) counter = counter + 1; thread:set('id', counter) end\n"
        "function init(args) math.randomseed(os.time() * 1000 + (id or 0)) end\n"
        "function request() return wrk.format('GET', paths[math.random(#paths)]) end\n",
        encoding="utf-8",
    )
    return script


def shown_products(paths: dict[str, list[str]]) -> dict[str, list[int]]:
    """For each page, the products its URLs show that are in stock (what the writer orders
    from): the cards of the listings and search pages, read as the pages read them (ORM,
    ``search_products``), and the product pages' own products."""
    from urllib.parse import parse_qs, urlsplit

    from pracharat.market.models import Product
    from pracharat.market.pages import PAGE_SIZE
    from pracharat.market.search import search_products

    shown: dict[str, list[int]] = {}
    for page, urls in paths.items():
        pks: set[int] = set()
        for url in urls:
            parts = urlsplit(url)
            if page == "detail":
                pks.add(int(parts.path.rstrip("/").rsplit("/", 1)[1]))
                continue
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            n = int(query.get("page", 1))
            listed = search_products(query.get("q", ""), category=query.get("category"))
            pks.update(
                listed.prefetch_related(None).values_list("pk", flat=True)[
                    (n - 1) * PAGE_SIZE : n * PAGE_SIZE
                ]
            )
        shown[page] = sorted(
            Product.objects.filter(pk__in=pks, stock__gt=0).values_list("pk", flat=True)
        )
    return shown


class Writer(threading.Thread):
    """A bounded writer on 127.0.0.1: real orders at ``rate`` per second, each by a new
    buyer through the shop's pages (product page for the CSRF token, add 1 to the cart,
    checkout), for a product drawn from ``products``. An order that takes longer than the
    interval delays the next one (no bursts to catch up)."""

    def __init__(self, port: int, rate: float, products: list[int], subdistrict: str, seed: int):
        super().__init__(daemon=True)
        self.port, self.interval, self.products = port, 1.0 / rate, products
        self.subdistrict = subdistrict
        self.rng = random.Random(seed)
        self.stopping = threading.Event()
        self.placed = 0
        self.refused = 0  # the checkout answered with its form again (e.g. out of stock)
        self.errors = 0
        self.failures: list[str] = []  # what each error was: a step's status, an exception
        self.seconds: list[float] = []

    def _request(self, method: str, path: str, cookies: dict, data: dict | None = None):
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for cookie in response.msg.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                cookies[name.strip()] = value
            return response.status, response.getheader("Location") or "", text
        finally:
            conn.close()

    def order(self, pk: int) -> None:
        cookies: dict[str, str] = {}
        status, _, page = self._request("GET", f"/market/products/{pk}/", cookies)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if status != 200 or not token:
            self.refused += 1  # sold out meanwhile: the page has no cart form
            return
        csrf = {"csrfmiddlewaretoken": token.group(1)}
        status, _, _ = self._request(
            "POST", f"/market/cart/add/{pk}/", cookies, {**csrf, "quantity": 1}
        )
        if status != 302:
            self._failed(f"add to cart {status}")
            return
        status, _, form = self._request("GET", "/market/checkout/", cookies)
        shipping = re.findall(r'name="(shipping_\d+)" value="([a-z]+)"', form)
        phone = "08" + "".join(str(self.rng.randrange(10)) for _ in range(8))
        data = {
            **csrf,
            "buyer_name": "ผู้ซื้อ ทดสอบ",
            "buyer_phone": phone,
            "buyer_email": "",
            "address_line1": "99/1 หมู่ 1",
            "address_search": self.subdistrict,
            "subdistrict": self.subdistrict,
            **dict(shipping[:1]),
        }
        status, location, _ = self._request("POST", "/market/checkout/", cookies, data)
        if status == 302 and location.endswith("/checkout/done/"):
            self.placed += 1
        elif status == 200:
            self.refused += 1
        else:
            self._failed(f"checkout {status} {location}")

    def _failed(self, what: str) -> None:
        self.errors += 1
        self.failures.append(what)

    def run(self) -> None:
        due = time.monotonic()
        while not self.stopping.wait(max(0.0, due - time.monotonic())):
            started = time.monotonic()
            try:
                self.order(self.rng.choice(self.products))
            except OSError as error:
                self._failed(repr(error))
            self.seconds.append(time.monotonic() - started)
            due = max(due + self.interval, time.monotonic())

    def stop(self) -> dict:
        self.stopping.set()
        self.join(timeout=120)
        return {
            "orders": self.placed,
            "refused": self.refused,
            "order_errors": self.errors,
            "order_failures": self.failures[:3],
            "order_p50": statistics.median(self.seconds) * 1000 if self.seconds else 0.0,
        }


def wrk(url: str, seconds: int, script: Path | None = None) -> str:
    done = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "--timeout", "60s", "--latency"]
        + (["-s", str(script)] if script else [])
        + [url],
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def _descendants(pid: int) -> list[int]:
    """The processes under ``pid`` (gunicorn's master and workers under ``pracharat serve``)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of ``pid`` so far (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine() -> tuple[int, int, int]:
    """The machine's CPU ticks so far from /proc/stat: (idle + iowait, steal, all)."""
    ticks = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return ticks[3] + ticks[4], ticks[7], sum(ticks[:8])


class Watch:
    """What a measurement cost the machine: each process under the server in CPU seconds per
    second, and the machine's idle and steal time (a figure is only as good as its CPU)."""

    def __init__(self, server: int) -> None:
        self.pids = _descendants(server)
        self.cpu = {pid: _cpu_seconds(pid) for pid in self.pids}
        self.ticks = _machine()
        self.started = time.monotonic()

    def stop(self) -> dict:
        seconds = time.monotonic() - self.started
        idle, steal, every = (b - a for a, b in zip(self.ticks, _machine(), strict=True))
        busy = sorted(
            ((_cpu_seconds(pid) - self.cpu[pid]) / seconds for pid in self.pids), reverse=True
        )
        return {
            "server_cpu": [round(c, 2) for c in busy if c >= 0.01],
            "idle_pct": 100 * idle / every if every else 0.0,
            "steal_pct": 100 * steal / every if every else 0.0,
        }


def run_ours(
    port: int,
    paths: dict[str, list[str]],
    seconds: int,
    log: Path,
    orders: tuple[float, dict[str, list[int]], str] | None = None,
    tree: Path | None = None,
) -> dict[str, dict]:
    """One round of ours on a fresh server; ``orders`` = ``(rate, products per page,
    sub-district)`` runs a ``Writer`` during each page's measurement; ``tree``: the source
    tree the server runs from (default this one)."""
    from bench.market_load import _wait

    env = dict(os.environ, MARKET_CHECKOUTS_PER_CLIENT=str(CHECKOUTS_PER_CLIENT))
    if tree is not None:
        env["PYTHONPATH"] = str(tree)

    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pracharat",
            "serve",
            "--web-only",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
        ],
        env=env,
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=log.open("a"),
    )
    try:
        _wait(port)
        base = f"http://127.0.0.1:{port}"

        def run(page, seconds):
            urls = paths[page]
            if len(urls) == 1:
                return wrk(base + urls[0], seconds)
            return wrk(base + "/", seconds, lua_script(urls, log.parent))

        for page in PAGES:  # warm-up, as bench.sh
            run(page, 3)
            time.sleep(1)
        results = {}
        for n, page in enumerate(PAGES):
            writer = None
            if orders:
                rate, products, subdistrict = orders
                writer = Writer(port, rate, products[page], subdistrict, seed=port + n)
                writer.start()
            watch = Watch(server.pid)
            try:
                text = run(page, seconds)
            finally:
                watched = watch.stop()
                written = writer.stop() if writer else {}
            results[page] = {**parse_wrk(text), **written, **watched}
            time.sleep(1)
        return results
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def run_oscar(anchor: str, port: int, variant: str, out: Path, guards: int = 0) -> dict[str, dict]:
    """The reference's ``bench.sh``, once. ``guards`` > 0 keeps its own guards on: it waits
    up to that many seconds for a >= 90 % idle machine before each measurement and measures
    again (up to 2 attempts) one disturbed by more than 5 % other CPU."""
    env = dict(
        os.environ,
        ANCHOR=anchor,
        RUNS="1",
        PORT=str(port),
        OUT=str(out),
        OSCAR_ANCHOR_SEARCH=variant,
        # A shared machine that is never 90 % idle: one 3 s look, then measure (and report
        # other_cpu_pct), no re-runs.
        QUIET_WAIT=str(guards) if guards else "1",
        ATTEMPTS="2" if guards else "1",
    )
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("DATABASE_URL", None)
    subprocess.run(
        ["bash", str(REFERENCE / "bench.sh")],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=(out.parent / "oscar-bench.log").open("a"),
    )
    rows = list(csv.DictReader((out / "runs.tsv").open(), delimiter="\t"))
    return {
        r["page"]: {
            "rps": float(r["rps"]),
            "p50": float(r["p50_ms"]),
            "p99": float(r["p99_ms"]),
            "errors": int(r["non2xx"]) + int(r["socket_errors"]),
            "other_cpu_pct": float(r["other_cpu_pct"]),
        }
        for r in rows
    }


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench market_vs_oscar")
    parser.add_argument("--anchor", default=os.environ.get("ANCHOR", "/tmp/oscar-anchor"))  # noqa: S108
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--port", type=int, default=8102, help="ours; oscar's is port + 1")
    parser.add_argument("--oscar-search", default="simple", choices=("simple", "whoosh"))
    parser.add_argument(
        "--guards",
        type=int,
        default=0,
        metavar="SECONDS",
        help="keep the reference's quiet-machine guards on, waiting up to SECONDS for a quiet "
        "machine per measurement, 2 attempts (default 0: guards off)",
    )
    parser.add_argument(
        "--orders-per-second",
        type=float,
        default=1.0,
        metavar="R",
        help="each round also measures ours while a writer places R orders per second "
        "(default 1; 0: no writes only)",
    )
    parser.add_argument(
        "--tree",
        type=Path,
        default=None,
        help="the source tree our server runs from (default this one), e.g. another "
        "branch's worktree for a before/after on the same data",
    )
    parser.add_argument(
        "--single",
        action="store_true",
        help="our side on the reference's three URLs alone, not the spread",
    )
    args = parser.parse_args(argv)
    if not Path(args.anchor, "shop", "db.sqlite3").exists():
        sys.exit(f"no oscar shop in {args.anchor}: run {REFERENCE / 'setup.sh'} first")

    _django.setup(None)  # SQLite, as the reference
    lists = reference_lists(REFERENCE / "load.py")
    pk = build(10_000, lists)
    from django.db import connection

    from pracharat.market.models import Product

    pks = sorted(Product.objects.values_list("pk", flat=True))
    if args.single:
        paths = {
            "catalogue": ["/market/"],
            "detail": [f"/market/products/{pk}/"],
            "search": ["/market/?q=" + quote("น้ำพริก")],
        }
    else:
        paths = spread_paths(pks, lists["WORDS"])
    from django.core.cache import cache

    from pracharat.geo.models import SubDistrict

    orders = None
    if args.orders_per_second > 0:
        products = shown_products(paths)
        subdistrict = SubDistrict.objects.order_by("code").values_list("code", flat=True)[0]
        orders = (args.orders_per_second, products, subdistrict)
        print(
            f"writer: {args.orders_per_second:g} orders/s, for products in stock shown by "
            f"each page: { {page: len(p) for page, p in products.items()} }",
            flush=True,
        )
    cache.clear()  # round 1 starts from an empty cache (the rankings read above included)
    connection.close()
    scratch = Path(tempfile.mkdtemp(prefix="pracharat-vs-oscar-"))
    shown = {page: urls[:3] + (["..."] if len(urls) > 3 else []) for page, urls in paths.items()}
    counts = {page: len(urls) for page, urls in paths.items()}
    print(f"ours: 10,000 products, URLs {counts}: {shown}; logs in {scratch}", flush=True)
    print(
        f"{'run':>3} {'page':<10} {'side':<6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6}"
    )
    table: dict[tuple[str, str], list[dict]] = {}
    for run in range(1, args.runs + 1):
        sides = (
            (
                "oscar",
                lambda run=run: run_oscar(
                    args.anchor,
                    args.port + 1,
                    args.oscar_search,
                    scratch / f"oscar-run{run}",
                    args.guards,
                ),
            ),
            (
                "ours",
                lambda: run_ours(
                    args.port, paths, args.seconds, scratch / "ours.log", None, args.tree
                ),
            ),
        )
        if orders:
            sides += (
                (
                    "ours+w",
                    lambda: run_ours(
                        args.port, paths, args.seconds, scratch / "ours.log", orders, args.tree
                    ),
                ),
            )
        for side, fn in sides:
            for page, r in fn().items():
                table.setdefault((page, side), []).append(r)
                extra = f"  other_cpu {r['other_cpu_pct']:.0f} %" if "other_cpu_pct" in r else ""
                if "orders" in r:
                    failures = f" {r['order_failures']}" if r["order_errors"] else ""
                    extra = (
                        f"  orders {r['orders']} (refused {r['refused']}, errors "
                        f"{r['order_errors']}{failures}, p50 {r['order_p50']:.0f} ms)"
                    )
                if "server_cpu" in r:
                    extra += (
                        f"  server CPU s/s {r['server_cpu']}, machine idle "
                        f"{r['idle_pct']:.0f} % steal {r['steal_pct']:.0f} %"
                    )
                print(
                    f"{run:3d} {page:<10} {side:<6} {r['rps']:8.1f} {r['p50']:8.1f} "
                    f"{r['p99']:8.1f} {r['errors']:6d}{extra}",
                    flush=True,
                )
    print(f"\nmedians of {args.runs} interleaved runs (oscar: {args.oscar_search} backend)")
    print(
        f"{'page':<10} {'side':<6} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'÷ oscar median':>14} {'÷ oscar best':>12} {'worst run ÷ best':>16}"
    )
    for page in PAGES:
        o = table[(page, "oscar")]
        best = max(r["rps"] for r in o)
        orps = statistics.median(r["rps"] for r in o)
        for side in ("oscar", "ours", "ours+w"):
            u = table.get((page, side))
            if not u:
                continue
            urps = statistics.median(r["rps"] for r in u)
            worst = min(r["rps"] for r in u)
            print(
                f"{page:<10} {side:<6} {urps:8.1f} {statistics.median(r['p50'] for r in u):8.1f} "
                f"{statistics.median(r['p99'] for r in u):8.1f} {urps / orps:14.1f} "
                f"{urps / best:12.1f} {worst / best:16.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main(sys.argv[1:])
