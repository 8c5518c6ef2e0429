"""The buyer's side: cart, checkout (one order per group, a PromptPay QR each), order lookup
by number + phone, the order page, slip upload and the receipt."""

import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from pracharat.market import actions
from pracharat.market.lib import promptpay
from pracharat.market.models import Order, OrderStatus

pytestmark = pytest.mark.django_db


def _add(client, product, quantity=1):
    return client.post(reverse("market:cart_add", args=[product.pk]), {"quantity": quantity})


def _checkout_data(chili_group, weaving_group=None, **extra):
    data = {
        "buyer_name": "สมศรี ใจงาม",
        "buyer_phone": "089-123-4567",
        "buyer_email": "somsri@example.org",
        "address_line1": "99/1 ถ.บรมไตรโลกนารถ",
        "address_search": "65000",
        "subdistrict": "650101",
        f"shipping_{chili_group.pk}": "ems",
    }
    if weaving_group is not None:
        data[f"shipping_{weaving_group.pk}"] = "registered"
    data.update(extra)
    return data


def test_cart_add_update_and_remove(client, chili_products):
    pao = chili_products["pao"]
    assert _add(client, pao, 2).status_code == 302
    body = client.get(reverse("market:cart")).content.decode()
    assert "น้ำพริกเผา" in body and "130.00" in body
    client.post(reverse("market:cart"), {"product": pao.pk, "quantity": 3})
    assert "195.00" in client.get(reverse("market:cart")).content.decode()
    client.post(reverse("market:cart"), {"product": pao.pk, "quantity": 0})
    assert "น้ำพริกเผา" not in client.get(reverse("market:cart")).content.decode()


def test_an_inactive_product_never_gets_into_the_cart(client, chili_products):
    pao, tadaeng = chili_products["pao"], chili_products["tadaeng"]
    tadaeng.active = False
    tadaeng.save()
    _add(client, tadaeng)
    # The cart form changes only lines already in the cart: it cannot slip a product in.
    client.post(reverse("market:cart"), {"product": tadaeng.pk, "quantity": 2})
    client.post(reverse("market:cart"), {"product": 2**63, "quantity": 1})
    body = client.get(reverse("market:cart")).content.decode()
    assert "น้ำพริกตาแดง" not in body
    _add(client, pao)
    pao.group.active = False
    pao.group.save()
    _add(client, pao)
    assert client.session["market_cart"] == {str(pao.pk): 1}


def test_checkout_page_offers_postage_per_parcel_with_fee(client, chili_products, cloth):
    _add(client, chili_products["pao"])
    _add(client, cloth)
    response = client.get(reverse("market:checkout"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('data-test="parcel"') == 2
    assert "฿42.00" in body  # EMS up to 250 g in the example table
    assert "฿35.00" in body  # registered parcel up to 1 kg


def test_address_search_without_javascript_lists_subdistricts(client, chili_products):
    _add(client, chili_products["pao"])
    response = client.post(
        reverse("market:checkout"), {"address_search": "65150", "find": "1", "buyer_name": "ก"}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'value="650602"' in body  # ท่าช้าง, 65150
    assert "errorlist" not in body  # finding is not submitting
    assert 'value="ก"' in body  # what was typed is kept


def test_address_fragment_for_htmx(client):
    response = client.get(reverse("market:checkout_address"), {"address_search": "ท่าช้าง"})
    assert response.status_code == 200
    assert 'name="subdistrict"' in response.content.decode()


def test_checkout_makes_one_order_per_group_each_with_its_qr(client, chili_products, cloth):
    _add(client, chili_products["pao"], 2)
    _add(client, chili_products["tadaeng"])
    _add(client, cloth)
    chili_group, weaving_group = chili_products["pao"].group, cloth.group
    response = client.post(reverse("market:checkout"), _checkout_data(chili_group, weaving_group))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response.url == reverse("market:checkout_done")
    orders = {o.group_id: o for o in Order.objects.all()}
    assert len(orders) == 2
    chili = orders[chili_group.pk]
    assert chili.shipping_service == "ems" and orders[weaving_group.pk].shipping_service == (
        "registered"
    )
    body = client.get(response.url).content.decode()
    assert body.count("<svg") == 2
    assert chili.number in body and orders[weaving_group.pk].number in body
    assert f"{chili.total:,.2f}" in body
    # the QR carries the order's exact amount for the group's PromptPay ID
    parsed = promptpay.parse(chili.promptpay_payload)
    assert parsed.amount == chili.total
    assert client.get(reverse("market:cart")).context["cart"].is_empty


def test_checkout_errors_are_shown_and_nothing_is_ordered(client, chili_products):
    _add(client, chili_products["pao"])
    group = chili_products["pao"].group
    response = client.post(
        reverse("market:checkout"), _checkout_data(group, buyer_phone="12", subdistrict="")
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "errorlist" in body
    assert not Order.objects.exists()


def test_checkout_refuses_a_name_with_a_direction_override_and_keeps_thai_digits(
    client, chili_products
):
    _add(client, chili_products["pao"])
    group = chili_products["pao"].group
    data = _checkout_data(group, buyer_name="Somchai\u202eliaM")
    response = client.post(reverse("market:checkout"), data)
    assert response.status_code == 200 and "U+202E" in response.content.decode()
    assert not Order.objects.exists()
    data = _checkout_data(group, buyer_phone="๐๘๑-๒๓๔-๕๖๗๘")
    client.post(reverse("market:checkout"), data)
    assert Order.objects.get().buyer_phone == "0812345678"


def test_checkout_out_of_stock_rolls_back_every_group(client, chili_products, cloth):
    narok = chili_products["narok"]  # one left
    _add(client, cloth)
    _add(client, narok)
    narok.stock = 0
    narok.save()
    response = client.post(reverse("market:checkout"), _checkout_data(narok.group, cloth.group))
    assert response.status_code == 200
    assert not Order.objects.exists()
    cloth.refresh_from_db()
    assert cloth.stock == 5


@pytest.fixture
def order(chili_products, buyer_details):
    (placed,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    return placed


def test_lookup_with_number_and_phone_opens_the_order(client, order):
    response = client.post(
        reverse("market:lookup"), {"number": order.number.lower(), "phone": "0891234567"}
    )
    assert response.status_code == 302
    body = client.get(response.url).content.decode()
    assert order.number in body and "<svg" in body
    assert 'data-test="slip-form"' in body


def test_lookup_with_wrong_phone_says_not_found_and_leaks_nothing(client, order):
    wrong = client.post(reverse("market:lookup"), {"number": order.number, "phone": "0811111111"})
    unknown = client.post(
        reverse("market:lookup"), {"number": "PR-AAAAAAAA", "phone": "0811111111"}
    )
    assert wrong.status_code == unknown.status_code == 200
    body = wrong.content.decode()
    assert "สมศรี" not in body and "650101" not in body
    assert _errors(wrong) == _errors(unknown)
    # the order page itself does not open without the lookup
    page = client.get(reverse("market:order", args=[order.number]))
    assert page.status_code == 302 and page.url.startswith(reverse("market:lookup"))


def test_lookup_is_throttled(client, order):
    for _i in range(10):
        client.post(reverse("market:lookup"), {"number": order.number, "phone": "0811111111"})
    response = client.post(
        reverse("market:lookup"), {"number": order.number, "phone": "0891234567"}
    )
    assert response.status_code == 429


def _errors(response):
    return re.findall(r'<ul class="errorlist"[^>]*>(.*?)</ul>', response.content.decode(), re.S)


def _open(client, order):
    session = client.session
    session["market_orders"] = [order.number]
    session.save()


def test_order_page_shows_tracking_once_shipped(client, order, producer):
    actions.confirm_payment(order, actor=producer)
    actions.ship(order, "EE123456785TH", actor=producer)
    _open(client, order)
    body = client.get(reverse("market:order", args=[order.number])).content.decode()
    assert "EE123456785TH" in body
    assert "<svg" not in body  # paid: no QR any more


def test_slip_upload_moves_the_order_to_review(client, order, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    _open(client, order)
    buf = io.BytesIO()
    Image.new("RGB", (400, 700), "white").save(buf, "PNG")
    upload = SimpleUploadedFile("slip.png", buf.getvalue(), content_type="image/png")
    response = client.post(reverse("market:slip", args=[order.number]), {"slip": upload})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYMENT_REVIEW


def test_slip_that_is_not_an_image_is_refused(client, order):
    from django.core.files.uploadedfile import SimpleUploadedFile

    _open(client, order)
    upload = SimpleUploadedFile("slip.png", b"not an image", content_type="image/png")
    client.post(reverse("market:slip", args=[order.number]), {"slip": upload})
    order.refresh_from_db()
    assert order.status == OrderStatus.PENDING_PAYMENT


def test_receipt_is_printable_with_buddhist_era_date(client, order, producer):
    actions.confirm_payment(order, actor=producer)
    _open(client, order)
    response = client.get(reverse("market:receipt", args=[order.number]))
    assert response.status_code == 200
    body = response.content.decode()
    assert str(order.created.year + 543) in body
    assert "data-print" in body and "core/print.js" in body
    assert f"{order.total:,.2f}" in body


def test_receipt_of_someone_elses_order_is_not_found(client, order):
    assert client.get(reverse("market:receipt", args=[order.number])).status_code == 404


def test_checkout_rolls_back_an_earlier_groups_order(chili_products, cloth, buyer_details):
    """The first group's order is made, the second group is out of stock: nothing stays."""
    pao = chili_products["pao"]
    groups = sorted([pao.group_id, cloth.group_id])
    failing = cloth if groups[-1] == cloth.group_id else pao
    failing.stock = 0
    failing.save()
    with pytest.raises(actions.OutOfStock):
        actions.checkout(
            {pao.pk: 2, cloth.pk: 1},
            buyer_details,
            shipping_services={pao.group_id: "ems", cloth.group_id: "registered"},
        )
    assert not Order.objects.exists()
    pao.refresh_from_db()
    cloth.refresh_from_db()
    assert (pao.stock, cloth.stock) == ((10, 0) if failing is cloth else (0, 5))


def test_checkout_uses_each_groups_service(chili_products, cloth, buyer_details):
    pao = chili_products["pao"]
    orders = actions.checkout(
        {pao.pk: 1, cloth.pk: 1},
        buyer_details,
        shipping_services={pao.group_id: "ems", cloth.group_id: "registered"},
    )
    services = {o.group_id: o.shipping_service for o in orders}
    assert services == {pao.group_id: "ems", cloth.group_id: "registered"}
    assert {o.shipping_fee for o in orders} == {Decimal("42.00"), Decimal("35.00")}


def test_logged_in_buyer_gets_the_form_filled_and_owns_the_order(client, buyer, chili_products):
    client.force_login(buyer)
    _add(client, chili_products["pao"])
    form = client.get(reverse("market:checkout")).context["form"]
    assert form["buyer_email"].value() == "buyer@example.org"
    data = _checkout_data(chili_products["pao"].group)
    assert client.post(reverse("market:checkout"), data).status_code == 302
    order = Order.objects.get()
    assert order.buyer == buyer
    # a fresh browser of the same account opens it without the lookup
    other = type(client)()
    other.force_login(buyer)
    assert other.get(reverse("market:order", args=[order.number])).status_code == 200


def test_a_session_with_an_out_of_range_product_id_still_works(client, chili_products):
    """Regression: a cart holding an id >= 2**63 overflowed SQLite's integers (500 on the cart
    and checkout pages for that session)."""
    _add(client, chili_products["pao"])
    client.post(reverse("market:cart"), {"product": 2**63, "quantity": 1})
    session = client.session
    session["market_cart"][str(2**63 + 5)] = 1
    session.save()
    cart_page = client.get(reverse("market:cart"))
    assert cart_page.status_code == 200 and "น้ำพริกเผา" in cart_page.content.decode()
    assert client.get(reverse("market:checkout")).status_code == 200
