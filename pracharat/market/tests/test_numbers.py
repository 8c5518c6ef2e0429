"""The market's numbers per area and period: right figures at every level, three queries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from pracharat.core.numbers import Period
from pracharat.market import actions, numbers
from pracharat.market.models import MemberRole, Order, ProducerGroup, Product
from pracharat.market.tests.conftest import make_product
from pracharat.network.tests.conftest import bangkok

pytestmark = pytest.mark.django_db

NOVEMBER = Period.month(2026, 11)


def paid_order(items, buyer, seller, paid_at):
    (order,) = actions.checkout(items, buyer)
    actions.confirm_payment(order, actor=seller)
    Order.objects.filter(pk=order.pk).update(paid_at=paid_at)
    return order


@pytest.fixture
def market(chili_products, chili_group, producer, cloth, weaving_group, buyer_details):
    """Ban Khlong Mem's chili group (three products, one withdrawn) and the Chiang Mai
    weavers; orders paid in November and October, one unpaid, one paid then cancelled."""
    make_product(chili_group, "น้ำพริกเก่า", "40.00", active=False)
    pao, tadaeng = chili_products["pao"], chili_products["tadaeng"]
    paid_order({pao.pk: 2}, buyer_details, producer, bangkok(2026, 11, 3, 10, 0))  # 130.00
    paid_order({tadaeng.pk: 1}, buyer_details, producer, bangkok(2026, 11, 30, 23, 59))  # 55.00
    paid_order({pao.pk: 1}, buyer_details, producer, bangkok(2026, 10, 31, 23, 59))  # October
    actions.checkout({pao.pk: 1}, buyer_details)  # waiting for payment: not a sale
    refunded = paid_order({pao.pk: 1}, buyer_details, producer, bangkok(2026, 11, 5, 9, 0))
    actions.cancel(refunded, actor=producer, reason="out of chilies")
    actions.add_member(weaving_group, producer, MemberRole.OWNER)  # sells for both
    paid_order({cloth.pk: 1}, buyer_details, producer, bangkok(2026, 11, 12, 9, 0))  # 650.00
    # Every group and product was made today; the figures take them as there all along.
    early = bangkok(2020, 1, 1, 0, 0)
    ProducerGroup.objects.update(created=early)
    Product.objects.update(created=early)


def figures(code: str, period: Period = NOVEMBER) -> dict:
    return {n.key: n.value for n in numbers.area_numbers(code, period)}


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("", {"groups": 2, "products": 4, "orders": 3, "revenue": Decimal("835.00")}),
        ("65", {"groups": 1, "products": 3, "orders": 2, "revenue": Decimal("185.00")}),
        ("6506", {"groups": 1, "products": 3, "orders": 2, "revenue": Decimal("185.00")}),
        ("650602", {"groups": 1, "products": 3, "orders": 2, "revenue": Decimal("185.00")}),
        ("65060209", {"groups": 1, "products": 3, "orders": 2, "revenue": Decimal("185.00")}),
        ("50", {"groups": 1, "products": 1, "orders": 1, "revenue": Decimal("650.00")}),
        ("6501", {"groups": 0, "products": 0, "orders": 0, "revenue": Decimal("0.00")}),
    ],
)
def test_figures_at_every_level(market, code, expected):
    assert figures(code) == expected


def test_groups_and_products_count_from_when_they_existed(market, chili_group):
    ProducerGroup.objects.filter(pk=chili_group.pk).update(created=bangkok(2026, 12, 1, 8, 0))
    assert figures("65")["groups"] == 0 and figures("", Period.month(2026, 12))["groups"] == 2
    october = figures("65060209", Period.month(2026, 10))
    assert (october["orders"], october["revenue"]) == (1, Decimal("65.00"))


@pytest.mark.parametrize("code", ["", "65", "6506", "650602", "65060209"])
def test_three_queries_whatever_the_area(market, code, django_assert_num_queries):
    with django_assert_num_queries(3):
        numbers.area_numbers(code, Period(date(2026, 10, 1), date(2026, 11, 30)))


def test_by_province_is_area_numbers_for_each_in_three_queries(market, django_assert_num_queries):
    codes = ["65", "50", "96"]
    period = Period(date(2026, 10, 1), date(2026, 11, 30))
    with django_assert_num_queries(3):
        batched = numbers.by_province(period, codes)
    for code in codes:
        assert batched[code] == numbers.area_numbers(code, period)
