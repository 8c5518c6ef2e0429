"""The market's demo: its orders tell a consistent story (a parcel is scanned after its order
was placed), and it shows a rating, its answer and a cash-on-delivery order."""

import itertools

import pytest

from pracharat.accounts import demo as accounts_demo
from pracharat.geo import demo as geo_demo
from pracharat.market import demo
from pracharat.market.models import Order, OrderStatus, PayBy, Rating

pytestmark = pytest.mark.django_db


def test_the_delivered_order_is_scanned_after_it_was_placed_paid_and_posted(
    geography, fast_hashing, market_reference_data
):
    geo_demo.load()
    accounts_demo.load()
    demo.load()
    delivered = Order.objects.get(status=OrderStatus.DELIVERED)
    scans = list(delivered.tracking_events.order_by("occurred_at"))
    assert len(scans) == 4
    assert delivered.created < delivered.paid_at < delivered.shipped_at < scans[0].occurred_at
    assert scans[-1].occurred_at == delivered.delivered_at
    history = list(delivered.events.order_by("created", "pk"))
    assert [e.to_status for e in history] == ["pending_payment", "paid", "shipped", "delivered"]
    assert all(a.created <= b.created for a, b in itertools.pairwise(history))
    assert history[0].created == delivered.created
    rating = Rating.objects.get(order=delivered)
    assert rating.stars == 5 and rating.reply
    assert Order.objects.filter(pay_by=PayBy.COD, status=OrderStatus.COD).count() == 1
    demo.load()  # idempotent
    assert Rating.objects.count() == 1
