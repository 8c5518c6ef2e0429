"""Unpaid orders hold their stock until their deadline, then the periodic job
``market.expire_orders`` gives it back -- once, also when two runs overlap on PostgreSQL;
checkouts are limited per phone and per client; the last items go to exactly as many
buyers as there are items."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from pracharat.market import actions
from pracharat.market.models import Order, OrderEvent, OrderStatus, Product
from pracharat.market.tests.test_notifications import GROUP_LINE, group_on_line  # noqa: F401

from .conftest import make_product
from .test_concurrency import _run_all


def _buyer(details, n: int):
    """The same address under a different phone (the per-phone limit is not what is tested)."""
    return actions.BuyerDetails(
        name=details.name,
        phone=f"08{n:08d}",
        address_line1=details.address_line1,
        subdistrict=details.subdistrict,
    )


@pytest.mark.django_db
def test_an_unpaid_order_expires_at_its_deadline_and_its_stock_comes_back_once(
    chili_group, buyer_details, mailoutbox, django_capture_on_commit_callbacks
):
    chili_group.payment_hours = 6
    chili_group.save()
    jar = make_product(chili_group, "น้ำพริกเผา", stock=4)
    before = timezone.now()
    (order,) = actions.checkout({jar.pk: 3}, buyer_details)
    assert Product.objects.get(pk=jar.pk).stock == 1  # held by the unpaid order
    deadline = order.payment_deadline
    assert before + timedelta(hours=6) <= deadline <= timezone.now() + timedelta(hours=6)

    assert actions.expire_orders(deadline - timedelta(seconds=1))["expired"] == 0
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT
    assert Product.objects.get(pk=jar.pk).stock == 1

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.expire_orders(deadline)["expired"] == 1
    order.refresh_from_db()
    assert order.status == OrderStatus.EXPIRED and order.expired_at == deadline
    assert Product.objects.get(pk=jar.pk).stock == 4
    # Buyer and group are told (the group's mail is in Thai).
    subjects = {m.to[0]: m.subject for m in mailoutbox}
    assert subjects[chili_group.email] == f"คำสั่งซื้อ {order.number} หมดอายุ ไม่ได้ชำระเงิน"

    for _ in range(3):  # the job runs again: nothing more comes back
        assert actions.expire_orders(deadline + timedelta(days=1))["expired"] == 0
    assert Product.objects.get(pk=jar.pk).stock == 4
    assert OrderEvent.objects.filter(order=order, to_status=OrderStatus.EXPIRED).count() == 1


@pytest.mark.django_db
def test_paid_slip_and_cod_orders_do_not_expire(chili_group, buyer_details):
    chili_group.cod_all_products = True
    chili_group.save()
    jar = make_product(chili_group, "น้ำพริกเผา", stock=10)
    (paid,) = actions.checkout({jar.pk: 1}, _buyer(buyer_details, 1))
    actions.confirm_payment(paid, actor=None)
    (cod,) = actions.checkout({jar.pk: 1}, _buyer(buyer_details, 2), pay_by="cod")
    assert cod.status == OrderStatus.COD and cod.payment_deadline is None
    assert actions.expire_orders(timezone.now() + timedelta(days=30))["expired"] == 0
    assert Product.objects.get(pk=jar.pk).stock == 8


@pytest.mark.django_db
def test_the_group_hears_on_line_once_before_an_order_expires(
    group_on_line,  # noqa: F811
    chili_products,
    buyer_details,
    line_api,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    line_api.delivered.clear()
    soon = order.payment_deadline - timedelta(minutes=settings.MARKET_EXPIRY_WARNING_MINUTES - 5)
    early = order.payment_deadline - timedelta(minutes=settings.MARKET_EXPIRY_WARNING_MINUTES + 5)
    with django_capture_on_commit_callbacks(execute=True):
        assert actions.expire_orders(early) == {"expired": 0, "warned": 0}
    assert line_api.delivered == []
    for _ in range(2):  # every run of the job sees it; the group hears once
        with django_capture_on_commit_callbacks(execute=True):
            assert actions.expire_orders(soon) == {"expired": 0, "warned": 1}
    (push,) = line_api.delivered
    assert push.to == GROUP_LINE
    assert push.texts[0].startswith(f"คำสั่งซื้อ {order.number} ใกล้หมดเวลาชำระเงิน\n")


ORDERS = 30


@pytest.mark.django_db(transaction=True)
def test_two_expiry_runs_at_once_give_the_stock_back_exactly_once(chili_group, buyer_details):
    """On PostgreSQL two runs start together on their own connections (a barrier); each
    takes its batch ``FOR UPDATE SKIP LOCKED``. Elsewhere they run one after the other."""
    jar = make_product(chili_group, "น้ำพริกเผา", stock=ORDERS * 2)
    for n in range(ORDERS):
        actions.checkout({jar.pk: 2}, _buyer(buyer_details, n))
    assert Product.objects.get(pk=jar.pk).stock == 0
    later = timezone.now() + timedelta(hours=chili_group.payment_hours, minutes=1)

    counts: list[int] = []
    errors: list[BaseException] = []
    if connection.vendor == "postgresql":
        barrier = threading.Barrier(2)

        def run():
            try:
                barrier.wait(timeout=30)
                counts.append(actions.expire_orders(later)["expired"])
            except BaseException as exc:  # surfaced below
                errors.append(exc)
            finally:
                connections.close_all()

        threads = [threading.Thread(target=run) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
    else:
        counts = [actions.expire_orders(later)["expired"] for _ in range(2)]

    assert errors == []
    assert sum(counts) == ORDERS and len(counts) == 2
    assert Product.objects.get(pk=jar.pk).stock == ORDERS * 2
    assert Order.objects.filter(status=OrderStatus.EXPIRED).count() == ORDERS
    expired_events = OrderEvent.objects.filter(to_status=OrderStatus.EXPIRED)
    assert expired_events.count() == ORDERS
    assert set(expired_events.values_list("order_id", flat=True)) == set(
        Order.objects.values_list("pk", flat=True)
    )


@pytest.mark.django_db(transaction=True)
def test_fifty_checkouts_at_once_for_the_last_five_items_leave_five_orders(
    chili_group, buyer_details
):
    jar = make_product(chili_group, "น้ำพริกเผา", stock=5)
    jobs = [
        (lambda n=n: actions.checkout({jar.pk: 1}, _buyer(buyer_details, n))) for n in range(50)
    ]
    outcomes = Counter(_run_all(jobs))
    assert outcomes == {"ok": 5, "out": 45}
    assert Order.objects.count() == 5
    assert Product.objects.get(pk=jar.pk).stock == 0


@pytest.mark.django_db
def test_a_burst_of_checkouts_from_one_client_is_refused(chili_group, buyer_details, settings):
    settings.MARKET_CHECKOUTS_PER_CLIENT = 3
    jar = make_product(chili_group, "น้ำพริกเผา", stock=20)
    for n in range(3):
        actions.checkout({jar.pk: 1}, _buyer(buyer_details, n), client="203.0.113.7")
    with pytest.raises(actions.CheckoutLimited) as refused:
        actions.checkout({jar.pk: 1}, _buyer(buyer_details, 9), client="203.0.113.7")
    assert refused.value.status == 429
    assert Product.objects.get(pk=jar.pk).stock == 17  # the refused one took nothing
    # Another client is not held back by this one.
    actions.checkout({jar.pk: 1}, _buyer(buyer_details, 10), client="203.0.113.8")
    assert Order.objects.count() == 4


@pytest.mark.django_db
def test_one_phone_is_limited_and_a_refused_checkout_does_not_count(
    chili_group, buyer_details, settings
):
    settings.MARKET_CHECKOUTS_PER_PHONE = 2
    jar = make_product(chili_group, "น้ำพริกเผา", stock=3)
    with pytest.raises(actions.OutOfStock):
        actions.checkout({jar.pk: 5}, buyer_details)  # refused: not counted
    actions.checkout({jar.pk: 1}, buyer_details)
    actions.checkout({jar.pk: 1}, buyer_details)
    with pytest.raises(actions.CheckoutLimited):
        actions.checkout({jar.pk: 1}, buyer_details)
    assert Product.objects.get(pk=jar.pk).stock == 1


@pytest.mark.django_db
def test_the_platform_schedule_runs_the_expiry(chili_group, buyer_details, settings):
    """``market.expire_orders`` is a periodic job of ``core.jobs``: a tick claims it and the
    run (inline in tests) expires what is past its deadline."""
    from pracharat.core import jobs

    assert settings.PERIODIC_JOBS["market.expire_orders"][0] == (
        "pracharat.market.actions.expire_orders"
    )
    jar = make_product(chili_group, "น้ำพริกเผา", stock=2)
    (order,) = actions.checkout({jar.pk: 2}, buyer_details)
    Order.objects.filter(pk=order.pk).update(payment_deadline=timezone.now() - timedelta(minutes=1))
    settings.PERIODIC_JOBS = {
        "market.expire_orders": settings.PERIODIC_JOBS["market.expire_orders"]
    }
    claimed, _wait = jobs.tick()
    assert claimed == ["market.expire_orders"]
    assert Order.objects.get(pk=order.pk).status == OrderStatus.EXPIRED
    assert Product.objects.get(pk=jar.pk).stock == 2


@pytest.mark.django_db
def test_the_group_hears_on_line_of_a_cod_order_and_of_an_expired_one(
    group_on_line,  # noqa: F811
    chili_products,
    buyer_details,
    line_api,
    django_capture_on_commit_callbacks,
):
    group_on_line.cod_all_products = True
    group_on_line.save()
    with django_capture_on_commit_callbacks(execute=True):
        (cod,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details, pay_by="cod")
    pushes = [p for p in line_api.delivered if p.to == GROUP_LINE]
    assert pushes[-1].texts[0].startswith(f"คำสั่งซื้อใหม่ {cod.number} เก็บเงินปลายทาง")
    assert "เก็บเงินปลายทาง" in pushes[-1].texts[0].split("\n", 1)[1]
    with django_capture_on_commit_callbacks(execute=True):
        (unpaid,) = actions.checkout({chili_products["tadaeng"].pk: 1}, buyer_details)
    line_api.delivered.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.expire_orders(unpaid.payment_deadline)
    (push,) = [p for p in line_api.delivered if p.to == GROUP_LINE]
    assert push.texts[0].startswith(f"คำสั่งซื้อ {unpaid.number} หมดอายุ ไม่ได้ชำระเงิน\n")
