"""The session cart: plain dict operations, grouped by producer group in one query."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pracharat.market import cart

pytestmark = pytest.mark.django_db


def test_add_update_remove_clear():
    session: dict = {}
    assert cart.add(session, 7, 2) == 2
    assert cart.add(session, 7) == 3
    cart.add(session, "9", 1)
    assert cart.contents(session) == {7: 3, 9: 1} and cart.count(session) == 4
    cart.set_quantity(session, 7, 5)
    cart.remove(session, 9)
    assert cart.contents(session) == {7: 5}
    cart.set_quantity(session, 7, 0)
    assert cart.contents(session) == {}
    cart.add(session, 1, 10_000)
    assert cart.contents(session) == {1: cart.MAX_QUANTITY}
    cart.clear(session)
    assert cart.SESSION_KEY not in session


def test_malformed_session_data_is_ignored():
    session = {cart.SESSION_KEY: {"x": 1, "5": "two", "6": -1, "8": 2}}
    assert cart.contents(session) == {8: 2}


def test_summary_groups_by_producer_in_one_query(chili_products, cloth, django_assert_num_queries):
    session: dict = {}
    cart.add(session, chili_products["pao"].pk, 2)
    cart.add(session, cloth.pk, 1)
    cart.add(session, chili_products["narok"].pk, 3)  # only 1 in stock (added before the check)
    cart.add(session, 999_999, 1)  # deleted meanwhile
    with django_assert_num_queries(1):
        summary = cart.summary(session)
        names = [g.group.code for g in summary.groups]
        lines = [(line.product.title_th, line.quantity) for line in summary.groups[0].lines]
    assert names == ["khlong-mem-chili", "chiangmai-weaving"]  # by Thai name
    # The cart never holds more than the stock: the line is cut down to what is left.
    assert lines == [("น้ำพริกนรก", 1), ("น้ำพริกเผา", 2)]
    assert [(p.pk, asked, kept) for p, asked, kept in summary.reduced] == [
        (chili_products["narok"].pk, 3, 1)
    ]
    assert cart.contents(session)[chili_products["narok"].pk] == 1
    narok = chili_products["narok"].price
    assert summary.groups[0].subtotal == Decimal("310.00") - 2 * narok
    assert summary.count == 4
    assert summary.missing == [999_999] and 999_999 not in cart.contents(session)
    assert summary.all_available
    options = summary.groups[1].shipping_options()
    assert [o[0] for o in options] == ["ems", "registered"]


def test_ids_outside_the_bigint_range_are_dropped():
    big = 2**63
    session = {cart.SESSION_KEY: {str(big): 1, str(2**64): 2, "0": 1, "8": 2}}
    assert cart.contents(session) == {8: 2}
    cart.set_quantity(session, big, 3)
    assert session[cart.SESSION_KEY] == {"8": 2}
