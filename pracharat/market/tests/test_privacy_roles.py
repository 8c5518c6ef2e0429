"""Least privilege in the market (docs/privacy.md): each role sees the buyer's personal data
its job needs and no more, and reading an order is never enough to change it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from pracharat import testing
from pracharat.core.errors import NotAllowed
from pracharat.market import actions
from pracharat.market.models import MemberRole, Order, OrderStatus, Payment

pytestmark = pytest.mark.django_db

PHONE = "0891234567"
NAME = "สมศรี"
ADDRESS = "99/1"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def order(chili_products, buyer_details, buyer):
    """สมศรี's order from the Ban Khlong Mem chili group (Phitsanulok), under her account."""
    (placed,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details, user=buyer)
    return placed


@pytest.fixture
def weaver(weaving_group):
    """The owner of another group (the Chiang Mai weavers)."""
    user = testing.person("weaver@example.org", name="คำปุน ทอผ้า")
    actions.add_member(weaving_group, user, MemberRole.OWNER)
    return user


def _slip() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 60), (250, 250, 250)).save(buffer, "PNG")
    return SimpleUploadedFile("slip.png", buffer.getvalue(), content_type="image/png")


def _pages(client, order) -> str:
    """Everything the user gets from the order's pages and the orders API."""
    bodies = []
    for url in (
        reverse("market:order", args=[order.number]),
        reverse("market:receipt", args=[order.number]),
        reverse("market:seller_order", args=[order.number]),
        reverse("market:seller_orders"),
        reverse("market:seller_orders_csv"),
        "/api/v1/market/orders",
        f"/api/v1/market/orders/{order.number}",
    ):
        response = client.get(url, follow=True)
        bodies.append(b"".join(response) if response.streaming else response.content)
    return b"".join(bodies).decode()


@pytest.mark.parametrize("role", ["trainer", "nt_officer", "post_officer", "volunteer"])
def test_roles_without_market_work_see_no_buyer_data_by_page_or_api(client, order, role, request):
    client.force_login(request.getfixturevalue(role))
    body = _pages(client, order)
    for secret in (PHONE, NAME, ADDRESS, "somsri@example.org"):
        assert secret not in body
    assert client.get("/api/v1/market/orders").json()["count"] == 0
    assert client.get(f"/api/v1/market/orders/{order.number}").status_code == 404
    assert client.get(reverse("market:receipt", args=[order.number])).status_code == 404


@pytest.mark.parametrize("role", ["trainer", "nt_officer", "post_officer", "phitsanulok_officer"])
def test_only_the_buyer_may_send_a_slip(client, order, role, request):
    client.force_login(request.getfixturevalue(role))
    response = client.post(reverse("market:slip", args=[order.number]), {"slip": _slip()})
    assert response.status_code == 404
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT
    assert not Payment.objects.exists()


def test_the_buyer_sees_her_details_and_sends_a_slip(client, order, buyer):
    client.force_login(buyer)
    page = client.get(reverse("market:order", args=[order.number])).content.decode()
    assert PHONE in page and NAME in page and 'data-test="slip-form"' in page
    response = client.post(reverse("market:slip", args=[order.number]), {"slip": _slip()})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYMENT_REVIEW


@pytest.mark.parametrize("role", ["phitsanulok_officer", "inspector"])
def test_market_overseers_see_the_order_but_not_the_buyer(client, order, role, request):
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("market:order", args=[order.number]))
    assert page.status_code == 200
    body = page.content.decode()
    assert order.number in body and "น้ำพริกเผา" in body  # what, how much, which status
    assert 'data-test="buyer-hidden"' in body and 'data-test="slip-form"' not in body
    receipt = client.get(reverse("market:receipt", args=[order.number])).content.decode()
    for secret in (PHONE, NAME, ADDRESS, "somsri@example.org"):
        assert secret not in body and secret not in receipt
    # The seller's pages and the API are for sellers: nothing there either.
    assert client.get(f"/api/v1/market/orders/{order.number}").status_code == 404


def test_an_officer_of_another_province_does_not_see_the_order(client, order, chiangmai_officer):
    client.force_login(chiangmai_officer)
    response = client.get(reverse("market:order", args=[order.number]))
    assert response.status_code == 302 and "lookup" in response.url


def test_the_groups_seller_sees_what_shipping_needs(client, order, producer):
    client.force_login(producer)
    seller_page = client.get(reverse("market:seller_order", args=[order.number])).content.decode()
    assert PHONE in seller_page and NAME in seller_page and ADDRESS in seller_page
    api = client.get(f"/api/v1/market/orders/{order.number}").json()
    assert api["buyer_phone"] == PHONE
    buyer_page = client.get(reverse("market:order", args=[order.number])).content.decode()
    assert PHONE in buyer_page
    assert 'data-test="slip-form"' not in buyer_page  # the seller confirms, not pays


def test_a_seller_of_another_group_can_neither_see_nor_change_the_order(client, order, weaver):
    client.force_login(weaver)
    assert PHONE not in _pages(client, order)
    assert client.get(reverse("market:seller_order", args=[order.number])).status_code == 404
    confirm = client.post(reverse("market:seller_confirm", args=[order.number]))
    cancel = client.post(reverse("market:seller_cancel", args=[order.number]))
    api = client.post(f"/api/v1/market/orders/{order.number}/confirm-payment")
    slip = client.post(reverse("market:slip", args=[order.number]), {"slip": _slip()})
    assert [confirm.status_code, cancel.status_code, api.status_code, slip.status_code] == [
        404,
        404,
        404,
        404,
    ]
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT and not Payment.objects.exists()


@pytest.mark.parametrize("role", ["weaver", "phitsanulok_officer", "trainer"])
def test_the_actions_check_the_write_right_themselves(order, role, request):
    """Even an action called with an order someone may only read refuses them."""
    person = request.getfixturevalue(role)
    with pytest.raises(NotAllowed):
        actions.confirm_payment(order, actor=person)
    with pytest.raises(NotAllowed):
        actions.cancel(order, actor=person)
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_buyer_details_annotation_matches_the_rule(order, producer, buyer, phitsanulok_officer):
    shown = {
        user.email: Order.objects.with_buyer_details_for(user).get().buyer_details_shown
        for user in (producer, buyer, phitsanulok_officer)
    }
    assert shown == {
        "malee@example.org": True,
        "buyer@example.org": True,
        "officer.phitsanulok@example.org": False,
    }


def test_the_catalogue_and_slip_actions_check_their_right_themselves(
    order, chili_products, chili_group, weaver, phitsanulok_officer, buyer, producer
):
    """The rights the seller's and buyer's pages relied on live in the actions now."""
    from pracharat.core.lib.images import load

    pao = chili_products["pao"]
    pao.price = 1
    with pytest.raises(NotAllowed):
        actions.save_product(pao, actor=weaver)  # another group's owner
    with pytest.raises(NotAllowed):
        actions.delete_product(pao, actor=phitsanulok_officer)  # sees it, may not change it
    with pytest.raises(NotAllowed):
        actions.save_group(chili_group, actor=weaver)
    pao.refresh_from_db()
    assert pao.price != 1 and actions.save_product(pao, actor=producer)
    picture = load(_slip().read(), max_side=1600)
    for stranger in (phitsanulok_officer, producer):  # seeing the order is not paying it
        with pytest.raises(NotAllowed):
            actions.record_slip(order, picture, actor=stranger)
    actions.record_slip(order, picture, actor=buyer)  # placed under her account
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYMENT_REVIEW
