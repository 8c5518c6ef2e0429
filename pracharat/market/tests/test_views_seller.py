"""Seller pages: only members of the group see its orders; confirm payment, ship with an S10
number, cancel; income by month, best sellers, CSV export, products."""

import csv
import io
import re

import pytest
from django.urls import reverse
from django.utils import translation

from pracharat.core import tables
from pracharat.market import actions, reports
from pracharat.market.lib import s10
from pracharat.market.models import MemberRole, Order, OrderStatus, Product
from pracharat.market.tests.conftest import slip_picture

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller(client, producer, fast_hashing):
    client.force_login(producer)
    return client


@pytest.fixture
def chili_order(chili_products, buyer_details):
    (order,) = actions.checkout({chili_products["pao"].pk: 2}, buyer_details)
    return order


@pytest.fixture
def cloth_order(cloth, buyer_details):
    (order,) = actions.checkout({cloth.pk: 1}, buyer_details)
    return order


def test_seller_pages_need_login_and_membership(client, chili_order, buyer):
    url = reverse("market:seller")
    assert client.get(url).status_code == 302
    client.force_login(buyer)
    assert client.get(url).status_code == 403


def test_dashboard_lists_own_orders_only(seller, chili_order, cloth_order, producer):
    actions.confirm_payment(chili_order, actor=producer)
    body = seller.get(reverse("market:seller")).content.decode()
    assert chili_order.number in body
    assert cloth_order.number not in body


def test_another_groups_order_is_not_found(seller, chili_group, cloth_order):
    for name in ("market:seller_order", "market:seller_confirm", "market:seller_ship"):
        method = seller.get if name == "market:seller_order" else seller.post
        assert method(reverse(name, args=[cloth_order.number])).status_code == 404
    cloth_order.refresh_from_db()
    assert cloth_order.status == OrderStatus.PENDING_PAYMENT


def test_confirm_then_ship_with_s10_number(seller, chili_order):
    url = reverse("market:seller_order", args=[chili_order.number])
    assert 'data-test="confirm-payment"' in seller.get(url).content.decode()
    seller.post(reverse("market:seller_confirm", args=[chili_order.number]))
    chili_order.refresh_from_db()
    assert chili_order.status == OrderStatus.PAID
    number = s10.make("EE", 12345678)
    response = seller.post(
        reverse("market:seller_ship", args=[chili_order.number]),
        {"tracking_number": number.lower()},
    )
    assert response.status_code == 302
    chili_order.refresh_from_db()
    assert chili_order.status == OrderStatus.SHIPPED
    assert chili_order.tracking_number == number


def test_ship_with_a_wrong_check_digit_is_refused_with_a_clear_message(seller, chili_order):
    seller.post(reverse("market:seller_confirm", args=[chili_order.number]))
    good = s10.make("EE", 12345678)
    bad = good[:10] + str((int(good[10]) + 1) % 10) + good[11:]
    response = seller.post(
        reverse("market:seller_ship", args=[chili_order.number]),
        {"tracking_number": bad},
        follow=True,
    )
    chili_order.refresh_from_db()
    assert chili_order.status == OrderStatus.PAID
    body = response.content.decode()
    assert "เลขตรวจสอบ" in body and "typo" not in body  # the reason in Thai, no English half


def test_cancel_returns_stock(seller, chili_order, chili_products):
    seller.post(reverse("market:seller_cancel", args=[chili_order.number]), {"reason": "หมด"})
    chili_order.refresh_from_db()
    assert chili_order.status == OrderStatus.CANCELLED
    assert Product.objects.get(pk=chili_products["pao"].pk).stock == 10


def test_report_shows_income_by_month_in_buddhist_era(seller, chili_order, producer):
    actions.confirm_payment(chili_order, actor=producer)
    response = seller.get(reverse("market:seller_report"))
    body = response.content.decode()
    assert response.status_code == 200
    assert str(chili_order.created.year + 543) in body
    assert "130.00" in body  # 2 x 65.00
    assert "<svg" in body and "น้ำพริกเผา" in body


def _by_key(rows):
    """Rows of the orders export keyed by column key (the header is in the reader's language)."""
    with translation.override("th"):
        keys = {str(c.label): c.key for c in reports.ORDER_COLUMNS}
    return [{keys[h]: v for h, v in zip(rows[0], row, strict=True)} for row in rows[1:]]


def test_orders_csv_export_is_scoped(seller, chili_order, cloth_order):
    response = seller.get(reverse("market:seller_orders_csv"))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = _by_key(list(csv.reader(io.StringIO(text))))
    assert [r["number"] for r in rows] == [chili_order.number]
    assert rows[0]["total"] == f"{chili_order.total:.2f}"
    assert "น้ำพริกเผา x2" in rows[0]["items"]
    assert rows[0]["status"] == chili_order.get_status_display()


def test_orders_xlsx_export_holds_the_csv_rows(seller, chili_order, cloth_order):
    import openpyxl

    text = b"".join(seller.get(reverse("market:seller_orders_csv")).streaming_content)
    csv_rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    response = seller.get(reverse("market:seller_orders_xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"] == tables.XLSX_TYPE
    assert "orders-" in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book.worksheets[0]
    xlsx_rows = [[tables.xlsx_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert xlsx_rows[0] == csv_rows[0] and xlsx_rows[0][0] == "เลขที่คำสั่งซื้อ"
    as_csv = _by_key(csv_rows)
    as_xlsx = _by_key(xlsx_rows)
    assert [r["number"] for r in as_xlsx] == [r["number"] for r in as_csv] == [chili_order.number]
    # a number in the sheet, the same amount as the CSV's text
    assert sheet.cell(row=2, column=14).value == float(chili_order.total)
    for key in ("number", "status", "buyer_name", "items", "postcode", "tracking_number"):
        assert as_xlsx[0][key] == as_csv[0][key]


@pytest.mark.parametrize("n", [10, 100])
def test_seller_lists_run_bounded_queries(
    seller, chili_products, buyer_details, n, django_assert_max_num_queries
):
    for _i in range(n // 10):
        actions.checkout({chili_products["pao"].pk: 1}, buyer_details)
    Order.objects.update(status=OrderStatus.PAID)
    for name in ("market:seller", "market:seller_orders", "market:seller_products"):
        seller.get(reverse(name))
        with django_assert_max_num_queries(12):
            seller.get(reverse(name))


def test_add_and_edit_a_product(seller, chili_group):
    response = seller.post(
        reverse("market:seller_product_add"),
        {
            "group": chili_group.pk,
            "sku": "NP-KHA",
            "category": _category("food"),
            "title_th": "น้ำพริกข่า",
            "price": "45.50",
            "unit": "กระปุก",
            "weight_grams": 200,
            "stock": 8,
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    product = Product.objects.get(sku="NP-KHA")
    assert str(product.price) == "45.50"
    # it is searchable at once
    from pracharat.market.search import search_products

    assert product in search_products("น้ำพริกข่า")
    url = reverse("market:seller_product_edit", args=[product.pk])
    assert seller.get(url).status_code == 200


def test_cannot_edit_another_groups_product(seller, chili_group, cloth):
    url = reverse("market:seller_product_edit", args=[cloth.pk])
    assert seller.get(url).status_code == 404


def test_member_of_two_groups_sees_both(client, chili_order, cloth_order, producer, weaving_group):
    actions.add_member(weaving_group, producer, MemberRole.MEMBER)
    client.force_login(producer)
    body = client.get(reverse("market:seller_orders")).content.decode()
    assert chili_order.number in body and cloth_order.number in body


def _category(slug):
    from pracharat.market.models import Category

    return Category.objects.get(slug=slug).pk


def test_officer_without_group_gets_403(client, nt_officer, chili_order):
    client.force_login(nt_officer)
    assert client.get(reverse("market:seller")).status_code == 403
    assert client.get(reverse("market:seller_order", args=[chili_order.number])).status_code == 403
    data = "title_th,category,price,weight_grams\nผ้า,textiles,100,100\n"
    response = client.post(
        reverse("market:seller_import"), {"group": chili_order.group.pk, "file": _csv(data)}
    )
    assert response.status_code == 403 and not Product.objects.filter(title_th="ผ้า").exists()
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("market:seller_orders_" + fmt)).status_code == 403


def _csv(text, name="products.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_page_is_linked_and_offers_templates(seller, chili_group):
    page = seller.get(reverse("market:seller_products")).content.decode()
    assert reverse("market:seller_import") in page
    body = seller.get(reverse("market:seller_import")).content.decode()
    assert 'name="csrfmiddlewaretoken"' in body
    assert reverse("market:seller_import_template", args=["xlsx"]) in body
    assert "ชื่อสินค้า (ไทย)" in body  # the columns, Thai first


def test_import_page_imports_all_lines(seller, chili_group):
    data = (
        "title_th,category,price,weight_grams,sku,stock\n"
        "น้ำพริกกากหมู,food,89.00,200,NP-MOO,12\n"
        "ข้าวไรซ์เบอร์รี่,rice,120,1000,RB-1,30\n"
    )
    response = seller.post(
        reverse("market:seller_import"), {"group": chili_group.pk, "file": _csv(data)}
    )
    assert response.status_code == 302
    assert set(chili_group.products.values_list("sku", flat=True)) >= {"NP-MOO", "RB-1"}


def test_check_only_shows_the_counts_and_keeps_nothing(seller, chili_group):
    data = "ชื่อสินค้า (ไทย),หมวดหมู่,ราคา (บาท),น้ำหนัก (กรัม)\nน้ำพริกกากหมู,food,๘๙,200\n"
    response = seller.post(
        reverse("market:seller_import"),
        {"group": chili_group.pk, "file": _csv(data), "check": "1"},
    )
    assert response.status_code == 200
    assert 'data-test="import-preview"' in response.content.decode()
    assert not chili_group.products.exists()


def test_import_with_a_bad_line_imports_nothing_and_names_the_line(seller, chili_group):
    data = (
        "title_th,category,price,weight_grams\n"
        "น้ำพริกกากหมู,food,89.00,200\n"
        "ข้าวไรซ์เบอร์รี่,rice,ไม่ทราบ,1000\n"
    )
    response = seller.post(
        reverse("market:seller_import"), {"group": chili_group.pk, "file": _csv(data)}
    )
    assert response.status_code == 400
    body = response.content.decode()
    errors = re.search(r'data-test="import-errors".*?</table>', body, re.S).group(0)
    assert "<td>3</td>" in errors and "ไม่ทราบ" in errors and "ไม่ใช่ตัวเลข" in errors
    assert not chili_group.products.exists()


def test_import_into_another_group_is_refused(seller, chili_group, weaving_group):
    data = "title_th,category,price,weight_grams\nผ้า,textiles,100,100\n"
    response = seller.post(
        reverse("market:seller_import"), {"group": weaving_group.pk, "file": _csv(data)}
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not weaving_group.products.exists()


def test_a_file_over_the_limit_is_refused(seller, chili_group, settings):
    settings.TABLE_UPLOAD_MAX_MB = 1
    data = "title_th,category,price,weight_grams\n" + "ผ้า,textiles,100,100\n" * 60_000
    response = seller.post(
        reverse("market:seller_import"), {"group": chili_group.pk, "file": _csv(data)}
    )
    assert response.status_code == 200
    assert "1 MB" in response.content.decode()
    assert not chili_group.products.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_import_templates_import_cleanly(seller, chili_group, fmt):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = seller.get(reverse("market:seller_import_template", args=[fmt]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    if fmt == "csv":
        assert data.decode("utf-8-sig").startswith("ชื่อสินค้า (ไทย),")
    upload = SimpleUploadedFile(f"template.{fmt}", data)
    response = seller.post(
        reverse("market:seller_import"), {"group": chili_group.pk, "file": upload}
    )
    assert response.status_code == 302
    assert chili_group.products.get().sku == "NP-PAO"


def test_slip_is_shown_to_the_groups_sellers_and_not_found_for_others(
    client, seller, chili_order, buyer, fast_hashing
):
    payment = actions.record_slip(chili_order, slip_picture())
    page = seller.get(reverse("market:seller_order", args=[chili_order.number])).content.decode()
    url = reverse("market:slip_file", args=[chili_order.number, payment.pk])
    assert url in page
    response = seller.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    seller.logout()
    seller.force_login(buyer)
    assert seller.get(url).status_code == 404  # not 403: nothing says the slip exists


@pytest.mark.parametrize("payment", ["abc", "1.5", "999999"])
def test_a_bad_payment_id_is_not_found_and_changes_nothing(seller, chili_order, payment):
    for name in ("market:seller_confirm", "market:seller_reject"):
        response = seller.post(reverse(name, args=[chili_order.number]), {"payment": payment})
        assert response.status_code == 404
    chili_order.refresh_from_db()
    assert chili_order.status == OrderStatus.PENDING_PAYMENT
