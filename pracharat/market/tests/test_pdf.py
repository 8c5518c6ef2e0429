"""The market's PDFs: the order receipt (the buyer and the group's sellers, nobody else) and
the A6 parcel label (the group's sellers, once the order has its S10 number), read back with
pdftotext, pdffonts and a barcode scanner (zxing-cpp on the page rasterised by pdftoppm)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pracharat import testing
from pracharat.core.lib import thaidate
from pracharat.core.tests.pdf_tools import (
    barcodes,
    page_count,
    page_image,
    pdf_fonts,
    pdf_text,
    words,
)
from pracharat.market import actions, pages
from pracharat.market.lib import s10
from pracharat.market.models import MemberRole, Order

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("thai", "fast_hashing")]

TRACKING = s10.make("EE", 12345678)  # EE123456785TH


@pytest.fixture
def order(chili_products, buyer_details, buyer):
    """สมศรี's order of two jars of น้ำพริกเผา and one of น้ำพริกตาแดง, under her account."""
    (placed,) = actions.checkout(
        {chili_products["pao"].pk: 2, chili_products["tadaeng"].pk: 1}, buyer_details, user=buyer
    )
    return placed


@pytest.fixture
def shipped(order, producer):
    actions.confirm_payment(order, actor=producer)
    return actions.ship(order, TRACKING, actor=producer)


def receipt(client, order):
    return client.get(reverse("market:receipt_pdf", args=[order.number]))


def label(client, order):
    return client.get(reverse("market:seller_label", args=[order.number]))


def text_of(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return words(pdf_text(response.content))


# --- Receipt ----------------------------------------------------------------------------------


def test_the_buyer_gets_the_receipt_in_thai_with_be_dates_amounts_and_promptpay(
    client, order, buyer
):
    client.force_login(buyer)
    response = receipt(client, order)
    assert response["Content-Disposition"] == f'inline; filename="receipt-{order.number}.pdf"'
    assert "private" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    text = text_of(response)
    created = timezone.localtime(order.created)
    for expected in (
        "สรุปคำสั่งซื้อ (ยังไม่ชำระเงิน)",
        f"คำสั่งซื้อ {order.number}",
        f"สั่งซื้อเมื่อ {thaidate.thai_datetime(created)}",  # Buddhist Era
        "กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม",
        "บ้านคลองเมม หมู่ที่ 9",
        "สมศรี ใจงาม 99/1 ถ.บรมไตรโลกนารถ",
        "น้ำพริกเผา 65.00 2 กระปุก 130.00",
        "น้ำพริกตาแดง 55.00 1 กระปุก 55.00",
        f"รวม (บาท) {order.total:,.2f}",
        "พร้อมเพย์ถึง: 081-234-5678",
        f"อ้างอิง {order.number}",
    ):
        assert expected in text
    assert "บาทถ้วน)" in text or "สตางค์)" in text  # the total in words
    names = {re.sub(r"^[A-Z]{6}\+", "", f["name"]) for f in pdf_fonts(response.content)}
    assert names <= {"Sarabun", "Sarabun-Bold"} and "Sarabun" in names
    # Unpaid: the PromptPay QR of the exact total prints and scans.
    assert barcodes(page_image(response.content, dpi=200)) == [("QRCode", order.promptpay_payload)]


def test_a_paid_order_has_a_receipt_with_the_payment(client, order, buyer, producer):
    actions.confirm_payment(order, actor=producer)
    client.force_login(buyer)
    text = text_of(receipt(client, order))
    assert text.startswith("ใบเสร็จรับเงิน")
    assert f"ชำระโดย: ผู้ขายยืนยัน · {order.total:,.2f} บาท" in text


def test_the_browser_that_placed_the_order_gets_its_receipt_without_an_account(client, order):
    session = client.session
    pages.remember_order(session, order.number)
    session.save()
    assert "สมศรี ใจงาม" in text_of(receipt(client, order))


def test_the_groups_sellers_get_the_receipt(client, order, producer):
    member = testing.person("member@example.org", name="ชม")
    actions.add_member(order.group, member, MemberRole.MEMBER)
    for seller in (producer, member):
        client.force_login(seller)
        assert "สมศรี ใจงาม" in text_of(receipt(client, order))


def test_nobody_else_gets_the_receipt(client, order, weaving_group, phitsanulok_officer):
    assert receipt(client, order).status_code == 404  # another browser
    other_seller = testing.person("weaver@example.org")
    actions.add_member(weaving_group, other_seller, MemberRole.OWNER)
    stranger = testing.person("stranger@example.org")
    # The provincial officer sees the order on its page, without the buyer: no receipt.
    for user in (stranger, other_seller, phitsanulok_officer):
        client.force_login(user)
        assert receipt(client, order).status_code == 404
    client.force_login(order.buyer)
    bad = client.get(reverse("market:receipt_pdf", args=["PR-XXXXXXXX"]))
    assert bad.status_code == 404


def test_the_order_pages_link_to_the_receipt_and_the_label(client, shipped, buyer, producer):
    client.force_login(buyer)
    body = client.get(reverse("market:order", args=[shipped.number])).content.decode()
    assert reverse("market:receipt_pdf", args=[shipped.number]) in body
    assert reverse("market:seller_label", args=[shipped.number]) not in body
    client.force_login(producer)
    body = client.get(reverse("market:seller_order", args=[shipped.number])).content.decode()
    assert reverse("market:receipt_pdf", args=[shipped.number]) in body
    assert reverse("market:seller_label", args=[shipped.number]) in body


# --- Parcel label -----------------------------------------------------------------------------


def test_the_label_is_a6_with_both_addresses_and_the_s10_number(client, shipped, producer):
    client.force_login(producer)
    response = label(client, shipped)
    assert response["Content-Disposition"] == f'inline; filename="label-{TRACKING}.pdf"'
    text = text_of(response)
    for expected in (
        "ผู้ส่ง กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม บ้านคลองเมม หมู่ที่ 9",
        shipped.group.village.subdistrict.address_th(),
        "ผู้รับ สมศรี ใจงาม 99/1 ถ.บรมไตรโลกนารถ",
        shipped.subdistrict.address_th().rsplit(" ", 1)[0],
        f"{shipped.postcode} โทรศัพท์ 0891234567",
        TRACKING,
        f"คำสั่งซื้อ {shipped.number}",
    ):
        assert expected in text
    assert page_count(response.content) == 1
    width, height = page_image(response.content, dpi=72).size
    assert (width, height) in {(298, 420), (297, 419), (298, 419), (297, 420)}  # 105 x 148 mm


def test_the_labels_barcode_scans_as_the_exact_s10_number(client, shipped, producer):
    client.force_login(producer)
    content = label(client, shipped).content
    assert barcodes(page_image(content, dpi=300)) == [("Code128", TRACKING)]
    # and at the 203 dpi of a thermal label printer
    assert barcodes(page_image(content, dpi=203)) == [("Code128", TRACKING)]


def test_no_label_before_the_tracking_number_says_so_in_thai(client, order, producer):
    client.force_login(producer)
    response = label(client, order)
    assert response.status_code == 302
    assert response["Location"] == reverse("market:seller_order", args=[order.number])
    page = client.get(response["Location"]).content.decode()
    assert "ใบปะหน้าพัสดุต้องมีเลขพัสดุของไปรษณีย์ไทย" in page


def test_only_the_groups_sellers_get_the_label(client, shipped, weaving_group, buyer):
    assert label(client, shipped).status_code == 302  # log in first
    client.force_login(buyer)
    assert label(client, shipped).status_code == 403  # not a seller at all
    other_seller = testing.person("weaver@example.org")
    actions.add_member(weaving_group, other_seller, MemberRole.OWNER)
    client.force_login(other_seller)
    assert label(client, shipped).status_code == 404


def test_after_erasure_the_receipt_has_no_buyer_and_there_is_no_label(client, shipped, producer):
    actions.anonymise_orders(Order.objects.filter(pk=shipped.pk))
    client.force_login(producer)
    text = text_of(receipt(client, shipped))
    assert "ข้อมูลส่วนบุคคลของผู้ซื้อถูกลบแล้ว" in text and "สมศรี" not in text
    response = label(client, shipped)
    assert response.status_code == 302
    assert "ข้อมูลส่วนบุคคลของผู้ซื้อถูกลบแล้ว" in client.get(response["Location"]).content.decode()
