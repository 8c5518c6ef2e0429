"""N buyers check out the last jars at the same moment: stock ends at zero, never below.

On PostgreSQL the checkouts run in parallel threads, each on its own connection, released
together by a barrier. SQLite serialises writers by design (IMMEDIATE transactions), so there
the same checkouts run one after another and the test checks the same invariants.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from django.db import connection, connections

from pracharat.market import actions
from pracharat.market.models import Order, OrderLine, Product

from .conftest import make_product

BUYERS = 12
STOCK = 5


def _run_all(jobs):
    """Run ``jobs`` (callables) at once on PostgreSQL, in order elsewhere; return outcomes."""
    outcomes: list[str] = []
    lock = threading.Lock()

    def record(result: str) -> None:
        with lock:
            outcomes.append(result)

    def attempt(job):
        try:
            job()
            record("ok")
        except actions.OutOfStock:
            record("out")
        except Exception as exc:  # surfaced by the assertion below
            record(f"error: {exc!r}")

    if connection.vendor != "postgresql":
        for job in jobs:
            attempt(job)
        return outcomes

    barrier = threading.Barrier(len(jobs))

    def worker(job):
        try:
            barrier.wait(timeout=30)
            attempt(job)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_parallel_checkouts_of_the_last_items_never_oversell(chili_group, buyer_details):
    jar = make_product(chili_group, "น้ำพริกเผา", stock=STOCK)
    jobs = [lambda: actions.checkout({jar.pk: 1}, buyer_details) for _ in range(BUYERS)]
    outcomes = Counter(_run_all(jobs))
    assert outcomes == {"ok": STOCK, "out": BUYERS - STOCK}
    assert Product.objects.get(pk=jar.pk).stock == 0
    assert Order.objects.count() == STOCK
    assert sum(OrderLine.objects.values_list("quantity", flat=True)) == STOCK


@pytest.mark.django_db(transaction=True)
def test_carts_listing_products_in_opposite_orders_do_not_deadlock(chili_group, buyer_details):
    a = make_product(chili_group, "น้ำพริกเผา", stock=STOCK)
    b = make_product(chili_group, "น้ำพริกตาแดง", stock=STOCK)
    carts = [{a.pk: 1, b.pk: 1}, {b.pk: 1, a.pk: 1}] * (BUYERS // 2)
    jobs = [lambda cart=cart: actions.checkout(cart, buyer_details) for cart in carts]
    outcomes = Counter(_run_all(jobs))
    assert outcomes == {"ok": STOCK, "out": BUYERS - STOCK}
    assert Product.objects.get(pk=a.pk).stock == 0 == Product.objects.get(pk=b.pk).stock
