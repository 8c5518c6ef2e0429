"""The market as people use it, in a 360 px Chromium: a buyer searches in Thai, orders from
two groups and sees two PromptPay QR codes; the seller confirms payment and ships with an S10
number; the buyer's order page shows the tracking number. Pages stay under 100 KB."""

import io
import re

import pytest
from PIL import Image

from pracharat import testing
from pracharat.market import actions
from pracharat.market.lib import s10
from pracharat.market.models import Order, OrderStatus
from pracharat.market.tests.conftest import make_product, product_photo

pytestmark = pytest.mark.browser


@pytest.fixture
def shelves(chili_products, cloth, weaving_group):
    """Chili pastes from Ban Khlong Mem and, from the Chiang Mai group, a northern one."""
    nuum = make_product(weaving_group, "น้ำพริกหนุ่ม", "79.00", title_en="Green chili dip")
    return {**chili_products, "nuum": nuum, "cloth": cloth}


def _add_from_search(page, title):
    page.goto("/market/")
    page.fill("#id_q", "น้ำพริก")
    page.click("[data-test=search] button[type=submit]")
    page.click(f"[data-test=results] a.t:text-is('{title}')")
    assert page.locator("h1").inner_text() == title
    page.click("[data-test=add-to-cart] button")
    assert title in page.locator(".messages").inner_text()


def test_buyer_orders_from_two_groups_and_seller_ships(page, shelves, producer, browser):
    _add_from_search(page, "น้ำพริกเผา")
    _add_from_search(page, "น้ำพริกหนุ่ม")

    page.goto("/market/cart/")
    assert page.locator("[data-test=cart-group]").count() == 2
    page.click("[data-test=checkout]")
    page.fill("#id_buyer_name", "สมศรี ใจงาม")
    page.fill("#id_buyer_phone", "089 123 4567")
    page.fill("#id_address_line1", "99/1 ถ.บรมไตรโลกนารถ")
    page.fill("#id_address_search", "ท่าช้าง พิษณุโลก")  # the htmx autocomplete answers
    page.check("#sd-650602")
    page.click("[data-test=place-order]")

    assert page.locator("[data-test=order]").count() == 2
    assert page.locator("[data-test=promptpay-qr] svg").count() == 2
    assert Order.objects.count() == 2
    chili = Order.objects.get(group__code="khlong-mem-chili")
    assert chili.subdistrict_id == "650602" and chili.buyer_phone == "0891234567"
    assert f"{chili.total:,.2f}" in page.locator("[data-test=order]").first.inner_text()

    # The seller, on their own phone, logs in, confirms the transfer and ships.
    with testing.phone(browser, page.url.split("/market")[0]) as seller:
        seller.goto("/accounts/login/?next=/market/seller/")
        seller.fill("input[name=username]", producer.email)
        seller.fill("input[name=password]", testing.PASSWORD)
        seller.click("main button[type=submit]")
        seller.click(f"a:text-is('{chili.number}')")
        seller.click("[data-test=confirm-payment]")
        tracking = s10.make("EE", 12345678)
        seller.fill("#id_tracking_number", tracking)
        seller.click("[data-test=ship]")
        assert seller.locator("[data-test=tracking-number]").inner_text() == tracking
        chili.refresh_from_db()
        assert chili.status == OrderStatus.SHIPPED

    # The buyer's order page shows the parcel's number.
    page.goto(f"/market/orders/{chili.number}/")
    assert page.locator("[data-test=tracking-number]").inner_text() == tracking
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


def test_checkout_without_javascript_finds_the_address_by_postcode(browser, live_server, shelves):
    with testing.phone(browser, live_server.url, java_script_enabled=False) as page:
        page.goto(f"/market/products/{shelves['pao'].pk}/")
        page.click("[data-test=add-to-cart] button")
        page.goto("/market/checkout/")
        page.fill("#id_buyer_name", "สมศรี ใจงาม")
        page.fill("#id_buyer_phone", "0891234567")
        page.fill("#id_address_line1", "99/1")
        page.fill("#id_address_search", "65150")
        page.click("[data-test=find-address]")
        page.check("#sd-650602")
        page.click("[data-test=place-order]")
        assert page.locator("[data-test=order]").count() == 1
        assert page.locator("[data-test=promptpay-qr] svg").count() == 1


def _weigh(page, url):
    """Bytes of everything fetched until the network is idle (lazy thumbnails included)."""
    sizes: dict[str, int] = {}

    def weigh(response):
        sizes[response.url] = len(response.body() or b"")

    page.on("response", weigh)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("response", weigh)
    return sum(sizes.values()), sizes


def _photo(seed: int):
    """A phone-camera-like photo: smooth shading with some texture, 1600x1200."""
    base = Image.radial_gradient("L").resize((1600, 1200)).convert("RGB")
    grain = Image.effect_noise((1600, 1200), 24).convert("RGB")
    tint = Image.new("RGB", (1600, 1200), (180 + seed % 60, 60 + seed * 7 % 120, 40))
    picture = Image.blend(Image.blend(base, tint, 0.5), grain, 0.15)
    buf = io.BytesIO()
    picture.save(buf, "JPEG", quality=90)
    return product_photo(buf.getvalue())


@pytest.fixture
def photographed(shelves, chili_group, settings, tmp_path):
    """A full first screen and more: 16 products, each with a photo."""
    settings.MEDIA_ROOT = tmp_path
    products = list(shelves.values())
    products += [make_product(chili_group, f"น้ำพริกสูตร {i}", "45.00") for i in range(11)]
    for i, product in enumerate(products):
        actions.add_photo(product, _photo(i))
    return shelves


def test_catalogue_first_load_is_under_100_kb(page, photographed):
    total, sizes = _weigh(page, "/market/")
    assert any(re.search(r"/thumbs/", url) for url in sizes)
    assert total < 100_000, sizes


def test_product_page_first_load_is_under_100_kb(page, photographed):
    total, sizes = _weigh(page, f"/market/products/{photographed['pao'].pk}/")
    assert any("/thumbs/" in url for url in sizes)
    assert total < 100_000, sizes


def test_market_tables_fit_a_360px_phone(page, shelves, producer, buyer_details):
    order = actions.checkout({shelves["pao"].pk: 2, shelves["tadaeng"].pk: 1}, buyer_details)[0]
    actions.confirm_payment(order, actor=producer)
    testing.assert_fits_the_phone(
        page, ["/market/", "/market/groups/", f"/market/products/{shelves['pao'].pk}/"]
    )
    page.goto(f"/market/products/{shelves['pao'].pk}/")
    page.click("[data-test=add-to-cart] button")
    testing.assert_fits_the_phone(page, ["/market/cart/"])
    testing.log_in(page, producer)
    seller_pages = ["/market/seller/", "/market/seller/orders/", "/market/seller/report/"]
    seller_pages += [f"/market/seller/orders/{order.number}/", "/market/seller/products/"]
    testing.assert_fits_the_phone(page, seller_pages)


def test_search_forgives_a_missing_tone_mark_and_finds_silk_in_english(page, shelves):
    from django.apps import apps

    from pracharat.market import search
    from pracharat.market.models import SearchSynonym
    from pracharat.market.tests.test_search_forgiving import _migration

    if not SearchSynonym.objects.exists():
        _migration.seed(apps, None)
    search.synonyms_changed()
    make_product(shelves["cloth"].group, "ผ้าไหมมัดหมี่", "1200.00", category="textiles")
    page.goto("/market/?q=" + "นำพริก")
    assert "น้ำพริก" in page.locator("[data-test=did-you-mean]").inner_text()
    found = page.locator("[data-test=results] a.t").all_inner_texts()
    assert {"น้ำพริกเผา", "น้ำพริกตาแดง", "น้ำพริกนรก", "น้ำพริกหนุ่ม"} <= set(found)
    page.goto("/market/?q=silk")
    assert page.locator("[data-test=results] a.t").all_inner_texts() == ["ผ้าไหมมัดหมี่"]


def test_pay_from_one_phone_then_cash_on_delivery_and_the_groups_label(
    page, shelves, producer, browser, tmp_path
):
    """Issue 13: the QR saves as a PNG that decodes to the order's payload, the amount has
    its copy button; an order with cash on delivery; the group prints its label and the
    PDF's text carries both Thai addresses and the amount to collect."""
    import zxingcpp

    from pracharat.core.tests.pdf_tools import pdf_text, words

    group = shelves["pao"].group
    group.cod_all_products = True
    group.save()

    def checkout(pay_by):
        page.goto("/market/cart/")
        assert page.locator("[data-test=cart-count]").inner_text() == "1"  # header link
        page.click("[data-test=checkout]")
        page.fill("#id_buyer_name", "สมศรี ใจงาม")
        page.fill("#id_buyer_phone", "089 123 4567")
        page.fill("#id_address_line1", "99/1 ถ.บรมไตรโลกนารถ")
        page.fill("#id_address_search", "ท่าช้าง พิษณุโลก")
        page.check("#sd-650602")
        page.check(f"input[name=pay_{group.pk}][value={pay_by}]")
        page.click("[data-test=place-order]")

    # 1. PromptPay, paid from this phone: save the QR, copy the amount.
    _add_from_search(page, "น้ำพริกเผา")
    checkout("promptpay")
    order = Order.objects.get()
    assert page.locator("[data-test=payee-name]").inner_text() == group.name_th
    assert page.locator("[data-test=payee-id]").inner_text().startswith("xxx-xxx-")
    assert page.locator("[data-test=pay-number]").inner_text() == order.number
    assert page.locator("[data-test=copy-amount]").is_visible()  # shown by the static script
    with page.expect_download() as saving:
        page.click("[data-test=save-qr]")
    saved = tmp_path / "qr.png"
    saving.value.save_as(saved)
    (code,) = zxingcpp.read_barcodes(Image.open(saved))
    assert code.text == order.promptpay_payload

    # 2. Cash on delivery: no QR, the fee in the order.
    _add_from_search(page, "น้ำพริกตาแดง")
    checkout("cod")
    cod = Order.objects.exclude(pk=order.pk).get()
    assert cod.status == OrderStatus.COD and cod.cod_fee > 0
    assert "เก็บเงินปลายทาง" in page.locator("[data-test=cod-note]").inner_text()
    assert page.locator("[data-test=promptpay-qr]").count() == 0

    # 3. The group ships it and prints the label on its own phone.
    with testing.phone(browser, page.url.split("/market")[0]) as seller:
        testing.log_in(seller, producer)
        seller.goto("/market/seller/")
        total = seller.locator("[data-test=order-total]").first
        box = total.bounding_box()
        assert box is not None and box["x"] + box["width"] <= 360  # the total shows at 360 px
        seller.click(f"a:text-is('{cod.number}')")
        tracking = s10.make("EE", 24681357)
        seller.fill("#id_tracking_number", tracking)
        seller.click("[data-test=ship]")
        href = seller.locator("[data-test=label-link]").get_attribute("href")
        label = seller.context.request.get(href)
        assert label.ok and label.headers["content-type"] == "application/pdf"
        text = words(pdf_text(label.body()))
        assert "ผู้ส่ง กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม บ้านคลองเมม หมู่ที่ 9" in text
        assert "ผู้รับ สมศรี ใจงาม 99/1 ถ.บรมไตรโลกนารถ" in text
        assert "ต.ท่าช้าง" in text or "ท่าช้าง" in text
        assert tracking in text and f"เก็บเงิน {cod.total:,.2f} บาท" in text


def _submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"[data-test={form}] button[type=submit]")


def test_order_settings_and_search_terms_fit_360px_and_their_forms_submit(
    page, browser, chili_group, producer, phitsanulok_officer
):
    """The seller's order settings, the search-terms page and a group's own entry being
    changed: no horizontal scroll at 360 px, and each form saves what was typed."""
    from pracharat.market.models import SearchSynonym

    settings_url = f"/market/seller/groups/{chili_group.code}/settings/"
    testing.log_in(page, producer)
    testing.assert_fits_the_phone(page, [settings_url])
    page.fill("[data-test=group-settings-form] input[name=payment_hours]", "48")
    _submit(page, "group-settings-form")
    chili_group.refresh_from_db()
    assert chili_group.payment_hours == 48
    testing.assert_fits_the_phone(page, [settings_url])  # with the saved message

    page.goto("/market/seller/")
    with page.expect_navigation():
        page.click("[data-test=seller-search-terms]")  # the seller's menu leads there
    assert page.url.endswith("/market/search-terms/")
    testing.assert_fits_the_phone(page, ["/market/search-terms/"])
    page.fill("[data-test=search-terms-form] input[name=names]", "น้ำพริกตาแดง, jaew")
    page.select_option("[data-test=search-terms-form] select[name=group]", str(chili_group.pk))
    _submit(page, "search-terms-form")
    entry = SearchSynonym.objects.get(names="น้ำพริกตาแดง, jaew")
    assert entry.group == chili_group
    testing.assert_fits_the_phone(page, ["/market/search-terms/"])  # with the entry's row

    with page.expect_navigation():
        page.click(f"[data-test=edit-{entry.pk}]")
    testing.assert_fits_the_phone(page, [f"/market/search-terms/{entry.pk}/edit/"])
    page.fill("[data-test=search-terms-edit-form] input[name=kinds]", "น้ำพริกตาแดงสูตรโบราณ")
    _submit(page, "search-terms-edit-form")
    entry.refresh_from_db()
    assert entry.kinds == "น้ำพริกตาแดงสูตรโบราณ"

    with testing.phone(browser, page.url.split("/market")[0]) as officer:
        testing.log_in(officer, phitsanulok_officer)
        officer.goto("/market/")
        with officer.expect_navigation():
            officer.click("[data-test=search-terms-link]")  # the officer's header leads there
        testing.assert_fits_the_phone(officer, ["/market/search-terms/"])
        officer.fill("[data-test=search-terms-form] input[name=names]", "หมอน, pillow")
        with officer.expect_navigation():
            officer.click("[data-test=search-terms-form] button[type=submit]")
        assert SearchSynonym.objects.get(names="หมอน, pillow").area_code == "65"
