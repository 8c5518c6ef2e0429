"""Who sees which orders and products: members their groups', officers their area's,
buyers their own -- or one order by number and phone without an account."""

from __future__ import annotations

import pytest

from pracharat import testing
from pracharat.market import actions
from pracharat.market.models import Order, OrderLine, ProducerGroup, Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(chili_products, cloth, buyer_details, buyer):
    chili, weaving = actions.checkout(
        {chili_products["pao"].pk: 1, cloth.pk: 1}, buyer_details, user=buyer
    )
    return chili, weaving


def numbers(qs) -> set[str]:
    return set(qs.values_list("number", flat=True))


def test_producer_sees_only_their_groups_orders(orders, producer):
    chili, _weaving = orders
    assert numbers(Order.objects.visible_to(producer)) == {chili.number}


def test_provincial_officer_sees_orders_of_groups_in_their_province(
    orders, phitsanulok_officer, chiangmai_officer, inspector
):
    chili, weaving = orders
    assert numbers(Order.objects.visible_to(phitsanulok_officer)) == {chili.number}
    assert numbers(Order.objects.visible_to(chiangmai_officer)) == {weaving.number}
    assert numbers(Order.objects.visible_to(inspector)) == {chili.number, weaving.number}


def test_buyer_sees_own_orders_and_strangers_none(orders, buyer, volunteer, client):
    assert numbers(Order.objects.visible_to(buyer)) == {o.number for o in orders}
    assert not Order.objects.visible_to(volunteer).exists()
    from django.contrib.auth.models import AnonymousUser

    assert not Order.objects.visible_to(AnonymousUser()).exists()


def test_lookup_by_number_and_phone(orders):
    chili, _ = orders
    assert Order.objects.for_buyer(chili.number.lower(), "+66 89 123 4567").get() == chili
    assert not Order.objects.for_buyer(chili.number, "0899999999").exists()
    assert not Order.objects.for_buyer(chili.number, "not a phone").exists()


def test_inactive_products_are_visible_to_their_group_only(chili_products, producer, buyer):
    pao = chili_products["pao"]
    pao.active = False
    actions.save_product(pao)
    assert pao not in Product.objects.visible_to(buyer)
    assert pao in Product.objects.visible_to(producer)
    assert pao in Product.objects.managed_by(producer)
    assert not Product.objects.managed_by(buyer).exists()


def test_group_management_rights(chili_group, producer, buyer):
    assert list(ProducerGroup.objects.owned_by(producer)) == [chili_group]
    member = testing.person("member@example.org")
    actions.add_member(chili_group, member)
    assert list(ProducerGroup.objects.managed_by(member)) == [chili_group]
    assert not ProducerGroup.objects.owned_by(member).exists()
    assert not ProducerGroup.objects.managed_by(buyer).exists()


def test_seller_figures(orders, producer):
    chili, _ = orders
    actions.confirm_payment(chili, actor=producer)
    months = list(Order.objects.of_group(chili.group).income_by_month())
    assert len(months) == 1 and months[0]["income"] == chili.subtotal
    best = list(OrderLine.objects.filter(order__group=chili.group).best_sellers())
    assert best[0]["title"] == "น้ำพริกเผา" and best[0]["units"] == 1
    assert list(Order.objects.of_group(chili.group).to_fulfil()) == [chili]
