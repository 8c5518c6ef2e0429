"""Checkout, payments, shipping, tracking and cancelling, as a buyer and a seller live them."""

from __future__ import annotations

import io
import json
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from pracharat.core.errors import Conflict, Invalid
from pracharat.market import actions
from pracharat.market.forms import SlipForm
from pracharat.market.lib import promptpay, s10
from pracharat.market.models import (
    Order,
    OrderEvent,
    OrderStatus,
    Payment,
    PaymentMethod,
    ProducerGroup,
    Product,
    ShippingService,
    TrackingEvent,
)
from pracharat.market.tests.conftest import make_product, product_photo, slip_picture

pytestmark = pytest.mark.django_db
SECRET = "s3cret"


def jpeg(size=(640, 480), colour="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "JPEG")
    return out.getvalue()


def stock(product) -> int:
    return Product.objects.get(pk=product.pk).stock


# --- Checkout ----------------------------------------------------------------------------------


def test_checkout_makes_one_order_per_group_with_postage_and_promptpay(
    chili_products, cloth, buyer_details, django_capture_on_commit_callbacks
):
    pao, tadaeng = chili_products["pao"], chili_products["tadaeng"]
    with django_capture_on_commit_callbacks(execute=True):
        orders = actions.checkout(
            {pao.pk: 2, tadaeng.pk: 1, cloth.pk: 1},
            buyer_details,
            shipping_service=ShippingService.REGISTERED,
        )
    assert len(orders) == 2
    chili = next(o for o in orders if o.group.code == "khlong-mem-chili")
    assert chili.subtotal == Decimal("185.00")  # 2 × 65 + 55
    assert chili.weight_grams == 750
    assert chili.shipping_fee == Decimal("35.00")  # registered parcel up to 1 kg
    assert chili.total == Decimal("220.00")
    assert chili.status == OrderStatus.PENDING_PAYMENT
    assert chili.buyer_phone == "0891234567"
    assert chili.postcode == "65000"
    assert chili.area_code == "65060209"
    assert [(line.title, line.quantity) for line in chili.lines.all()] == [
        ("น้ำพริกตาแดง", 1),
        ("น้ำพริกเผา", 2),
    ]
    decoded = promptpay.parse(chili.promptpay_payload)
    assert decoded.amount == Decimal("220.00")
    assert decoded.proxy.display == "081-234-5678"
    assert stock(pao) == 8 and stock(tadaeng) == 2 and stock(cloth) == 4
    assert chili.events.get().to_status == OrderStatus.PENDING_PAYMENT
    subjects = [m.subject for m in mail.outbox]
    assert any(chili.number in s and "somsri" not in s for s in subjects)
    assert {tuple(m.to) for m in mail.outbox} >= {  # one message per recipient
        ("somsri@example.org",),
        ("chili@example.org",),
        ("malee@example.org",),
    }


def test_shipping_service_can_differ_per_parcel(chili_products, cloth, buyer_details):
    orders = actions.checkout(
        {chili_products["pao"].pk: 1, cloth.pk: 1},
        buyer_details,
        shipping_service=ShippingService.REGISTERED,
        shipping_services={cloth.group_id: ShippingService.EMS},
    )
    services = {o.group_id: (o.shipping_service, o.shipping_fee) for o in orders}
    assert services[cloth.group_id] == ("ems", Decimal("52.00"))  # 400 g by EMS
    assert services[chili_products["pao"].group_id] == ("registered", Decimal("35.00"))
    with pytest.raises(actions.CheckoutError):
        actions.checkout({cloth.pk: 1}, buyer_details, shipping_services={cloth.group_id: "pigeon"})


def test_checkout_is_all_or_nothing_when_one_line_is_out_of_stock(chili_products, buyer_details):
    pao, narok = chili_products["pao"], chili_products["narok"]
    with pytest.raises(actions.OutOfStock) as caught:
        actions.checkout({pao.pk: 2, narok.pk: 2}, buyer_details)
    assert caught.value.available == 1
    assert stock(pao) == 10 and stock(narok) == 1
    assert not Order.objects.exists()


def test_checkout_refuses_inactive_products_empty_carts_and_bad_addresses(
    chili_products, buyer_details
):
    pao = chili_products["pao"]
    with pytest.raises(actions.CheckoutError):
        actions.checkout({}, buyer_details)
    pao.active = False
    actions.save_product(pao)
    with pytest.raises(actions.CheckoutError):
        actions.checkout({pao.pk: 1}, buyer_details)
    buyer_details.phone = "12"
    with pytest.raises(Invalid) as caught:
        actions.checkout({chili_products["narok"].pk: 1}, buyer_details)
    assert set(caught.value.fields) == {"phone"} and caught.value.status == 422


def test_postage_follows_the_rate_table_by_weight(db):
    assert actions.shipping_fee(ShippingService.EMS, 20) == Decimal("32.00")
    assert actions.shipping_fee(ShippingService.EMS, 21) == Decimal("37.00")
    assert actions.shipping_fee(ShippingService.REGISTERED, 1000) == Decimal("35.00")
    assert actions.shipping_fee(ShippingService.REGISTERED, 1001) == Decimal("50.00")
    with pytest.raises(actions.CheckoutError):
        actions.shipping_fee(ShippingService.EMS, 25_000)


# --- Payment -----------------------------------------------------------------------------------


@pytest.fixture
def order(chili_products, buyer_details):
    (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    return order


def test_seller_confirms_payment(order, producer):
    payment = actions.confirm_payment(order, actor=producer)
    order.refresh_from_db()
    assert order.status == OrderStatus.PAID and order.paid_at
    assert payment.method == PaymentMethod.SELLER and payment.amount == order.total
    assert payment.confirmed_by == producer
    with pytest.raises(actions.OrderStateError) as caught:
        actions.confirm_payment(order, actor=producer)
    assert order.number in str(caught.value)


def test_slip_waits_for_the_seller_then_confirms(order, producer):
    slip = actions.record_slip(order, slip_picture(jpeg()))
    order.refresh_from_db()
    assert order.status == OrderStatus.PAYMENT_REVIEW
    assert slip.slip.name.endswith(".jpg") and slip.confirmed_at is None
    confirmed = actions.confirm_payment(order, actor=producer)
    assert confirmed.pk == slip.pk and confirmed.confirmed_at
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID


def test_rejected_slip_puts_the_order_back_to_waiting(order, producer):
    slip = actions.record_slip(order, slip_picture(jpeg()))
    actions.reject_slip(slip, actor=producer, note="ไม่พบยอดโอน")
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PENDING_PAYMENT


def test_a_slip_must_be_a_picture(order):
    fake = SimpleUploadedFile("slip.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    form = SlipForm(files={"slip": fake})
    assert not form.is_valid() and form.errors.as_data()["slip"][0].code == "not_a_picture"
    assert not Payment.objects.exists()


def _webhook(order, reference="TXN-1", amount=None, secret=SECRET):
    body = (
        f'{{"reference": "{reference}", "order": "{order.number}", '
        f'"amount": "{amount or order.total}"}}'
    ).encode()
    return body, actions.sign(body, secret)


def test_webhook_payment_is_signed_and_idempotent(order):
    body, signature = _webhook(order)
    payment, created = actions.record_webhook_payment(body, signature, secret=SECRET)
    assert created and payment.method == PaymentMethod.WEBHOOK
    assert Order.objects.get(pk=order.pk).status == OrderStatus.PAID
    again, created = actions.record_webhook_payment(body, signature, secret=SECRET)
    assert not created and again.pk == payment.pk
    assert Payment.objects.count() == 1
    assert OrderEvent.objects.filter(order=order, to_status=OrderStatus.PAID).count() == 1


def test_webhook_refuses_bad_signatures_and_wrong_amounts(order):
    body, _sig = _webhook(order)
    with pytest.raises(actions.WebhookError) as caught:
        actions.record_webhook_payment(body, actions.sign(body, "other"), secret=SECRET)
    assert caught.value.status == 401
    body, signature = _webhook(order, amount=Decimal("1.00"))
    with pytest.raises(actions.WebhookError) as caught:
        actions.record_webhook_payment(body, signature, secret=SECRET)
    assert caught.value.status == 422
    with pytest.raises(actions.WebhookError) as caught:
        actions.record_webhook_payment(body, signature, secret="")
    assert caught.value.status == 503
    assert not Payment.objects.exists()


def test_webhook_signature_carries_a_timestamp_and_stale_ones_are_refused(order):
    body, _sig = _webhook(order)
    now = int(time.time())
    for when, valid in ((now - 301, False), (now + 301, False), (now - 290, True)):
        signature = actions.sign(body, SECRET, timestamp=when)
        assert actions.verify_signature(body, signature, SECRET)[0] is valid
    stale = actions.sign(body, SECRET, timestamp=now - 3600)
    with pytest.raises(actions.WebhookError, match="timestamp") as caught:
        actions.record_webhook_payment(body, stale, secret=SECRET)
    assert caught.value.status == 401
    # The old scheme (a bare HMAC of the body, replayable for ever) is refused.
    bare = "sha256=" + actions.sign(body, SECRET).split("v1=")[1]
    with pytest.raises(actions.WebhookError, match="timestamp"):
        actions.record_webhook_payment(body, bare, secret=SECRET)
    # A signed time cannot be moved: the HMAC covers it.
    moved = actions.sign(body, SECRET, timestamp=now - 3600).replace(f"t={now - 3600}", f"t={now}")
    with pytest.raises(actions.WebhookError, match="bad signature"):
        actions.record_webhook_payment(body, moved, secret=SECRET)
    assert not Payment.objects.exists()


@pytest.mark.parametrize("amount", ["sNaN", "NaN", "Infinity", "-inf"])
def test_webhook_refuses_an_amount_that_is_not_a_number(order, amount):
    body = json.dumps({"reference": "X", "order": order.number, "amount": amount}).encode()
    with pytest.raises(actions.WebhookError) as caught:
        actions.record_webhook_payment(body, actions.sign(body, SECRET), secret=SECRET)
    assert caught.value.status == 400


def test_webhook_reference_reused_for_another_amount_is_a_conflict(
    order, chili_products, buyer_details
):
    body, signature = _webhook(order)
    actions.record_webhook_payment(body, signature, secret=SECRET)
    (other,) = actions.checkout({chili_products["tadaeng"].pk: 1}, buyer_details)
    body, signature = _webhook(other)
    with pytest.raises(actions.WebhookError) as caught:
        actions.record_webhook_payment(body, signature, secret=SECRET)
    assert caught.value.status == 409


def test_money_for_a_cancelled_order_is_kept_and_flagged(order, producer):
    actions.cancel(order, actor=producer)
    body, signature = _webhook(order)
    payment, created = actions.record_webhook_payment(body, signature, secret=SECRET)
    assert created and payment.confirmed_at
    order.refresh_from_db()
    assert order.status == OrderStatus.CANCELLED
    assert "TXN-1" in order.events.last().note


# --- Shipping, tracking, cancelling ------------------------------------------------------------


def test_ship_validates_the_s10_number(order, producer):
    actions.confirm_payment(order, actor=producer)
    with pytest.raises(Invalid) as caught:
        actions.ship(order, "EF582304178TH", actor=producer)
    assert caught.value.field == "tracking_number"  # wrong check digit
    actions.ship(order, "ef 582304177 th", actor=producer)
    order.refresh_from_db()
    assert order.status == OrderStatus.SHIPPED and order.tracking_number == "EF582304177TH"


def test_one_tracking_number_ships_one_order(order, chili_products, buyer_details, producer):
    (second,) = actions.checkout({chili_products["tadaeng"].pk: 1}, buyer_details)
    for each in (order, second):
        actions.confirm_payment(each, actor=producer)
    actions.ship(order, "EF582304177TH", actor=producer)
    with pytest.raises(Conflict, match=r"another order|คำสั่งซื้ออื่น"):
        actions.ship(second, "EF582304177TH", actor=producer)
    second.refresh_from_db()
    assert second.status == OrderStatus.PAID and second.tracking_number == ""
    # The database refuses it too, whoever writes.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=second.pk).update(tracking_number="EF582304177TH")


def test_unpaid_order_cannot_be_shipped(order, producer):
    with pytest.raises(actions.OrderStateError):
        actions.ship(order, s10.make("EF", 1), actor=producer)


def test_final_delivery_scan_delivers_once(order, producer):
    actions.confirm_payment(order, actor=producer)
    actions.ship(order, s10.make("EF", 58230417), actor=producer)
    at = timezone.now() - timedelta(hours=1)
    event, created = actions.apply_tracking_event(
        barcode=order.tracking_number, status="501", occurred_at=at, description="นำจ่ายสำเร็จ"
    )
    assert created and event.order == order
    order.refresh_from_db()
    assert order.status == OrderStatus.DELIVERED and order.delivered_at == at
    _, created = actions.apply_tracking_event(
        barcode=order.tracking_number, status="501", occurred_at=at
    )
    assert not created
    assert TrackingEvent.objects.count() == 1
    assert order.events.filter(to_status=OrderStatus.DELIVERED).count() == 1


def test_cancel_releases_stock_and_is_final(order, producer, chili_products):
    assert stock(chili_products["pao"]) == 9
    actions.cancel(order, actor=producer, reason="ผู้ซื้อขอยกเลิก")
    assert stock(chili_products["pao"]) == 10
    with pytest.raises(actions.OrderStateError):
        actions.cancel(order, actor=producer)
    assert stock(chili_products["pao"]) == 10


def test_history_records_every_change_with_its_actor(order, producer):
    actions.confirm_payment(order, actor=producer)
    actions.ship(order, s10.make("EF", 58230417), actor=producer)
    history = list(order.events.values_list("from_status", "to_status", "actor"))
    assert history == [
        ("", OrderStatus.PENDING_PAYMENT, None),
        (OrderStatus.PENDING_PAYMENT, OrderStatus.PAID, producer.pk),
        (OrderStatus.PAID, OrderStatus.SHIPPED, producer.pk),
    ]


def test_state_error_speaks_thai(order, producer, thai):
    actions.cancel(order, actor=producer)
    with pytest.raises(actions.OrderStateError) as caught:
        actions.ship(order, s10.make("EF", 1), actor=producer)
    assert "ยกเลิก" in str(caught.value)


# --- Groups and photos -------------------------------------------------------------------------


def test_group_promptpay_id_is_validated_and_normalised(chili_group):
    chili_group.promptpay_id = "+66 81 234 5678"
    actions.save_group(chili_group)
    assert chili_group.promptpay_id == "0812345678" and chili_group.promptpay_type == "mobile"
    chili_group.promptpay_id = "1234567890123"  # bad national-ID check digit
    with pytest.raises(ValidationError) as caught:
        actions.save_group(chili_group)
    assert "promptpay_id" in caught.value.message_dict


def test_community_enterprise_needs_its_registration_number(ban_khlong_mem):
    group = ProducerGroup(
        code="ce", name_th="วิสาหกิจ", kind="community_enterprise", village=ban_khlong_mem
    )
    with pytest.raises(ValidationError) as caught:
        actions.save_group(group)
    assert "registration_number" in caught.value.message_dict


def test_photo_is_resized_with_a_light_thumbnail(chili_products):
    photo = actions.add_photo(
        chili_products["pao"], product_photo(jpeg((4000, 3000))), alt="น้ำพริกเผา"
    )
    assert (photo.width, photo.height) == (1280, 960)
    with Image.open(photo.thumbnail.path) as thumb:
        assert max(thumb.size) == 360 and thumb.format == "JPEG"
    assert photo.thumbnail.size < 30_000
    second = actions.add_photo(chili_products["pao"], product_photo(jpeg(colour="blue")))
    assert second.position == photo.position + 1


def test_an_order_whose_parts_do_not_add_up_in_binary_floats_is_placed(chili_group, buyer_details):
    # SQLite adds decimal columns as floats: the total's CHECK once refused such an order (500)
    fee = actions.shipping_fee(ShippingService.REGISTERED, 250)
    price = next(
        p
        for p in (
            Decimal(f"{baht}.{satang:02d}") for baht in range(20, 200) for satang in range(100)
        )
        if float(p) + float(fee) != float(p + fee)
    )
    product = make_product(chili_group, "น้ำพริกกุ้ง", str(price))
    (order,) = actions.checkout(
        {product.pk: 1}, buyer_details, shipping_service=ShippingService.REGISTERED
    )
    order.refresh_from_db()
    assert order.total == price + fee


def test_an_order_whose_total_is_not_its_parts_is_refused_by_the_database(order):
    with pytest.raises(IntegrityError), transaction.atomic():
        Order.objects.filter(pk=order.pk).update(total=order.total + Decimal("0.01"))
