"""Issue 13, second round, on the pages: the cart held to the stock with its header link,
paying from one phone (payee, masked PromptPay ID, amount, number, a PNG that decodes to the
same payload), cash on delivery at checkout and on the label, the day's sheet of labels, the
income split and ratings after delivery."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from PIL import Image

from pracharat.core.tests.pdf_tools import page_count, pdf_text, words
from pracharat.market import actions, pages
from pracharat.market.lib import s10
from pracharat.market.models import (
    DELIVERED_STATUS,
    Order,
    OrderStatus,
    PayBy,
    Payment,
    PaymentMethod,
    Rating,
)

from .test_views_orders import _add, _checkout_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thai", "fast_hashing")]


# --- Cart ------------------------------------------------------------------------------------


def test_the_cart_never_holds_more_than_the_stock_and_says_so(client, chili_products):
    narok = chili_products["narok"]  # 1 left
    response = _add(client, narok, 5)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert f"“{narok.title_th}” เหลือเพียง 1 ชิ้น ในตะกร้าจึงใส่ได้ 1 ชิ้น" in page
    body = client.get(reverse("market:cart")).content.decode()
    assert 'data-test="cart-count">1<' in body  # the header link counts what is held
    client.post(reverse("market:cart"), {"product": narok.pk, "quantity": 9})
    assert client.session["market_cart"] == {str(narok.pk): 1}
    # Sold meanwhile: the cart is cut to what is left and says it plainly.
    narok.stock = 0
    narok.save()
    body = client.get(reverse("market:cart")).content.decode()
    assert f"“{narok.title_th}” ขายหมดแล้ว จึงเอาออกจากตะกร้าให้" in body
    assert client.session["market_cart"] == {}


def test_the_remove_button_takes_the_line_out(client, chili_products):
    pao = chili_products["pao"]
    _add(client, pao, 2)
    body = client.get(reverse("market:cart")).content.decode()
    assert 'data-test="remove"' in body and "เอาออก" in body
    client.post(reverse("market:cart"), {"product": pao.pk, "quantity": 0})
    body = client.get(reverse("market:cart")).content.decode()
    assert pao.title_th not in body and 'data-test="cart-count"' not in body


# --- Paying from one phone -------------------------------------------------------------------


@pytest.fixture
def placed(client, chili_products):
    _add(client, chili_products["pao"], 2)
    response = client.post(reverse("market:checkout"), _checkout_data(chili_products["pao"].group))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Order.objects.get()


def test_beside_the_qr_the_payee_masked_id_amount_number_and_deadline(client, placed):
    body = client.get(reverse("market:order", args=[placed.number])).content.decode()
    assert 'data-test="payee-name">กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม<' in body
    assert placed.promptpay_id and placed.promptpay_id not in body  # only the masked form
    masked = f"xxx-xxx-{placed.promptpay_id[-4:]}"
    assert f'data-test="payee-id">{masked}<' in body
    assert f'data-test="pay-amount">{placed.total:,.2f}<' in body
    assert f'data-test="pay-number">{placed.number}<' in body
    assert 'data-test="pay-deadline"' in body
    assert abs(placed.payment_deadline - placed.created - timedelta(hours=24)) < timedelta(
        minutes=1
    )
    # the copy button waits for the static script; no inline script anywhere
    assert f'data-copy="{placed.total:.2f}"' in body and " hidden>" in body
    assert "market/copy.js" in body and "<script>" not in body


def test_the_saved_qr_is_a_png_that_decodes_to_the_same_payload(client, placed):
    response = client.get(reverse("market:qr_png", args=[placed.number]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == (
        f'attachment; filename="promptpay-{placed.number}.png"'
    )
    assert response.content[:8] == b"\x89PNG\r\n\x1a\n"
    image = Image.open(io.BytesIO(response.content))
    (found,) = zxingcpp.read_barcodes(image)
    assert found.format.name == "QRCode"
    assert found.text == placed.promptpay_payload


def test_only_the_buyer_gets_the_qr_image(client, placed):
    client.cookies.clear()
    assert client.get(reverse("market:qr_png", args=[placed.number])).status_code == 404


# --- Cash on delivery ------------------------------------------------------------------------


@pytest.fixture
def cod_group(chili_group):
    chili_group.cod_all_products = True
    chili_group.cod_fee = Decimal("25.00")
    chili_group.save()
    return chili_group


def test_cod_is_chosen_at_checkout_with_its_fee_and_no_deadline(client, cod_group, chili_products):
    _add(client, chili_products["pao"], 1)
    page = client.get(reverse("market:checkout")).content.decode()
    assert "เก็บเงินปลายทาง จ่ายเงินสดกับบุรุษไปรษณีย์ · ค่าธรรมเนียม ฿25.00" in page
    data = _checkout_data(cod_group, **{f"pay_{cod_group.pk}": PayBy.COD})
    assert client.post(reverse("market:checkout"), data).status_code == 302
    order = Order.objects.get()
    assert order.status == OrderStatus.COD and order.pay_by == PayBy.COD
    assert order.cod_fee == Decimal("25.00") and order.payment_deadline is None
    assert order.total == order.subtotal + order.shipping_fee + Decimal("25.00")
    assert order.promptpay_payload == ""
    done = client.get(reverse("market:checkout_done")).content.decode()
    assert "เก็บเงินปลายทาง: จ่ายเงินสด" in done and "<svg" not in done


def test_cod_is_refused_for_a_product_that_does_not_offer_it(chili_products, buyer_details):
    with pytest.raises(actions.CheckoutError, match="ไม่รับเก็บเงินปลายทาง"):
        actions.checkout({chili_products["pao"].pk: 1}, buyer_details, pay_by=PayBy.COD)
    assert not Order.objects.exists()
    pao = chili_products["pao"]
    pao.cod = True  # per product
    pao.save()
    (order,) = actions.checkout({pao.pk: 1}, buyer_details, pay_by=PayBy.COD)
    assert order.status == OrderStatus.COD


def _deliver(order, producer, serial: int, when=None):
    code = s10.make("EE", serial)
    actions.ship(order, code, actor=producer)
    actions.apply_tracking_event(
        barcode=code,
        status=DELIVERED_STATUS,
        occurred_at=when or timezone.now(),
        description="นำจ่ายสำเร็จ",
    )
    order.refresh_from_db()
    return order


def test_cod_label_income_split_and_the_days_sheet(
    client, cod_group, chili_products, buyer_details, producer
):
    (cod,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details, pay_by=PayBy.COD)
    (pp,) = actions.checkout({chili_products["tadaeng"].pk: 2}, buyer_details)
    actions.confirm_payment(pp, actor=producer)
    client.force_login(producer)
    actions.ship(cod, s10.make("EE", 11111111), actor=producer)
    text = words(pdf_text(client.get(reverse("market:seller_label", args=[cod.number])).content))
    assert f"เก็บเงินปลายทาง · เก็บเงิน {cod.total:,.2f} บาท" in text
    actions.ship(pp, s10.make("EE", 22222222), actor=producer)

    sheet = client.get(reverse("market:seller_labels"))
    assert sheet.status_code == 200 and sheet["Content-Type"] == "application/pdf"
    assert page_count(sheet.content) == 2
    text = words(pdf_text(sheet.content))
    assert cod.tracking_number in text and pp.tracking_number in text
    assert text.count("สมศรี ใจงาม") == 2 and text.count("เก็บเงินปลายทาง ·") == 1
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert client.get(reverse("market:seller_labels"), {"day": yesterday}).status_code == 302

    actions.apply_tracking_event(
        barcode=cod.tracking_number, status=DELIVERED_STATUS, occurred_at=timezone.now()
    )
    cod.refresh_from_db()
    assert cod.status == OrderStatus.DELIVERED and cod.paid_at is not None
    (money,) = Payment.objects.filter(order=cod)
    assert money.method == PaymentMethod.COD and money.amount == cod.total
    (month,) = list(Order.objects.filter(group=cod_group).income_by_month())
    assert month["cod"] == cod.subtotal and month["promptpay"] == pp.subtotal
    report = client.get(reverse("market:seller_report")).content.decode()
    assert f'data-test="income-cod">{cod.subtotal:,.2f}<' in report


def test_the_days_sheet_says_why_it_has_nothing(client, cod_group, producer):
    client.force_login(producer)
    for day, said in [
        ("15/08/2568", "No parcel with a tracking number was posted that day."),
        ("2568-13-45", "Give the day as 15/08/2568 or 2025-08-15."),
        ("yesterday", "Give the day as 15/08/2568 or 2025-08-15."),
    ]:
        response = client.get(reverse("market:seller_labels"), {"day": day}, follow=True)
        assert response.redirect_chain == [(reverse("market:seller"), 302)]
        with translation.override("th"):  # the page's language
            assert [str(m) for m in response.context["messages"]] == [gettext(said)]


# --- Ratings ---------------------------------------------------------------------------------


def test_a_delivered_order_is_rated_once_and_shows_on_group_and_product_pages(
    client, placed, producer
):
    rate = reverse("market:rate", args=[placed.number])
    client.post(rate, {"stars": 5, "comment": "อร่อย"})  # not delivered yet: refused
    assert not Rating.objects.exists()
    body = client.get(reverse("market:order", args=[placed.number])).content.decode()
    assert 'data-test="rating-form"' not in body

    actions.confirm_payment(placed, actor=producer)
    _deliver(placed, producer, 33333333)
    body = client.get(reverse("market:order", args=[placed.number])).content.decode()
    assert 'data-test="rating-form"' in body
    client.post(rate, {"stars": 4, "comment": "  อร่อย   ส่งไว "})
    client.post(rate, {"stars": 1, "comment": "again"})  # once only
    (rating,) = Rating.objects.all()
    assert (rating.stars, rating.comment, rating.group_id) == (4, "อร่อย ส่งไว", placed.group_id)

    client.force_login(producer)
    client.post(reverse("market:seller_answer_rating", args=[rating.pk]), {"reply": "ขอบคุณค่ะ"})
    rating.refresh_from_db()
    assert rating.reply == "ขอบคุณค่ะ" and rating.replied_at

    group_page = client.get(reverse("market:group", args=[placed.group.code])).content.decode()
    product = placed.lines.get().product
    product_page = client.get(reverse("market:product", args=[product.pk])).content.decode()
    for page in (group_page, product_page):
        assert 'data-test="rating-count">1 คะแนน<' in page
        assert 'data-test="rating-average">4.0<' in page
        assert "อร่อย ส่งไว" in page and "กลุ่มตอบว่า: ขอบคุณค่ะ" in page


def test_nobody_but_the_buyer_rates(client, placed, producer, chili_products, buyer_details):
    actions.confirm_payment(placed, actor=producer)
    _deliver(placed, producer, 44444444)
    client.cookies.clear()  # a browser that did not place the order
    client.force_login(producer)  # the seller is not the buyer
    response = client.post(reverse("market:rate", args=[placed.number]), {"stars": 5})
    assert response.status_code == 404
    with pytest.raises(actions.NotAllowed):
        actions.rate_order(placed, 5, actor=producer)
    assert not Rating.objects.exists()


def test_rating_summary_counts_each_star(chili_group, chili_products, buyer_details, producer):
    for n, stars in enumerate((5, 5, 3)):
        (order,) = actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
        actions.confirm_payment(order, actor=producer)
        _deliver(order, producer, 55555550 + n)
        actions.rate_order(order, stars)
    summary = pages.group_ratings(chili_group)
    assert summary.count == 3 and summary.average == 4.3
    assert summary.by_stars == [(5, 2), (4, 0), (3, 1), (2, 0), (1, 0)]
