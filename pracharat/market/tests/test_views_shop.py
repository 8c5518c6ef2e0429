"""The shop window: catalogue with Thai search and filters, product pages with Open Graph
tags, group pages and the product feed."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from pracharat.market import fragments, search
from pracharat.market.tests.conftest import make_product

pytestmark = pytest.mark.django_db


def test_catalogue_in_thai_lists_products_with_prices(client, chili_products, cloth):
    response = client.get(reverse("market:index"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "ตลาดชุมชน" in body or "Village market" not in body
    assert "น้ำพริกเผา" in body and "ผ้าทอมือลายดอกแก้ว" in body
    assert "650.00" in body and "65.00" in body
    assert "บ้านทอผ้า" in body  # the village of the Chiang Mai weavers


def test_thai_search_finds_both_chili_pastes_not_the_cloth(client, chili_products, cloth):
    response = client.get(reverse("market:index"), {"q": "น้ำพริก"})
    body = response.content.decode()
    assert "น้ำพริกเผา" in body and "น้ำพริกตาแดง" in body
    assert "ผ้าทอมือ" not in body


def test_mixed_thai_english_search(client, chili_products, cloth):
    body = client.get(reverse("market:index"), {"q": "chili น้ำพริกเผา"}).content.decode()
    assert "น้ำพริกเผา" in body
    assert "ผ้าทอมือ" not in body


def test_filters_category_province_and_price(client, chili_products, cloth):
    url = reverse("market:index")
    body = client.get(url, {"category": "textiles"}).content.decode()
    assert "ผ้าทอมือ" in body and "น้ำพริกเผา" not in body
    body = client.get(url, {"province": "65"}).content.decode()
    assert "น้ำพริกเผา" in body and "ผ้าทอมือ" not in body
    body = client.get(url, {"min_price": "56", "max_price": "64.99"}).content.decode()
    assert "น้ำพริกนรก" in body and "น้ำพริกเผา" not in body and "น้ำพริกตาแดง" not in body


def test_bad_filters_are_ignored_not_fatal(client, chili_products):
    response = client.get(reverse("market:index"), {"min_price": "abc", "province": "zz"})
    assert response.status_code == 200
    assert "น้ำพริกเผา" in response.content.decode()


def test_catalogue_cart_link_counts_the_cart(client, chili_products):
    """One cart link, the header's (market/base.html), with the count once there is one."""
    empty = client.get(reverse("market:index")).content.decode()
    assert empty.count('data-test="cart-link"') == 1 and 'data-test="cart-count"' not in empty
    client.post(reverse("market:cart_add", args=[chili_products["pao"].pk]), {"quantity": 2})
    full = client.get(reverse("market:index")).content.decode()
    assert full.count('data-test="cart-link"') == 1
    assert '<span class="badge" data-test="cart-count">2</span>' in full


def test_paging(client, chili_group):
    for i in range(30):
        make_product(chili_group, f"สินค้า {i}", "10.00")
    first = client.get(reverse("market:index")).content.decode()
    second = client.get(reverse("market:index"), {"page": 2}).content.decode()
    assert 'rel="next"' in first and 'rel="prev"' in second


def _count_queries(fn) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_catalogue_queries_are_the_same_for_10_and_100_products(client, chili_group):
    searches = [{}, {"q": "น้ำพริก", "province": "65"}, {"page": 2}]

    def measure():  # after a write, when nothing of the page is cached (test_fragments)
        return [
            _count_queries(
                lambda p=params: (
                    fragments.everything_changed(),
                    search.invalidate_cache(),
                    client.get(reverse("market:index"), p),
                )
            )
            for params in searches
        ]

    for i in range(10):
        make_product(chili_group, f"น้ำพริกสูตร {i}", "10.00")
    client.get(reverse("market:index"))  # session and translations warm
    search.did_you_mean("ก")  # the synonym lists: read once per process
    with_10 = measure()
    for i in range(10, 100):
        make_product(chili_group, f"น้ำพริกสูตร {i}", "10.00")
    assert measure() == with_10
    assert max(with_10) <= 7


def test_product_page_has_open_graph_and_price(client, chili_products):
    product = chili_products["pao"]
    response = client.get(reverse("market:product", args=[product.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert '<meta property="og:title" content="น้ำพริกเผา' in body
    assert '<meta property="product:price:amount" content="65.00">' in body
    assert '<meta property="product:price:currency" content="THB">' in body
    assert (
        f'<meta property="og:url" content="http://testserver/market/products/{product.pk}/">'
        in body
    )
    assert "twitter:card" in body
    assert "กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม" in body


def test_product_page_og_image_is_the_1200x630_share_picture(client, chili_products):
    from pracharat.market import actions
    from pracharat.market.tests.conftest import product_photo

    product = chili_products["pao"]
    actions.add_photo(product, product_photo())
    body = client.get(reverse("market:product", args=[product.pk])).content.decode()
    prefix = '<meta property="og:image" content="http://testserver'
    assert f"{prefix}/market/share/product-{product.pk}-" in body
    url = body.split(prefix, 1)[1].split('"', 1)[0]
    from PIL import Image

    picture = client.get(url)
    assert picture.status_code == 200
    with Image.open(io.BytesIO(b"".join(picture.streaming_content))) as im:
        assert im.size == (1200, 630)


def test_product_in_english_falls_back_to_thai(client, chili_products):
    client.cookies["pracharat_language"] = "en"
    body = client.get(reverse("market:product", args=[chili_products["pao"].pk])).content.decode()
    assert "Roasted chili paste" in body
    body = client.get(reverse("market:product", args=[chili_products["narok"].pk])).content.decode()
    assert "น้ำพริกนรก" in body


def test_inactive_product_is_not_found_for_buyers(client, chili_products):
    product = chili_products["pao"]
    product.active = False
    product.save()
    assert client.get(reverse("market:product", args=[product.pk])).status_code == 404


def test_group_page_shows_story_village_and_products(client, chili_products):
    response = client.get(reverse("market:group", args=["khlong-mem-chili"]))
    assert response.status_code == 200
    body = response.content.decode()
    assert "บ้านคลองเมม" in body and "/geo/65060209/" in body
    assert "น้ำพริกตาแดง" in body
    assert client.get(reverse("market:group", args=["nope"])).status_code == 404


def test_feed_csv(client, chili_products, cloth):
    response = client.get(reverse("market:feed"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    by_id = {r["id"]: r for r in rows}
    pao = by_id[str(chili_products["pao"].pk)]
    assert pao["price"] == "65.00 THB"
    assert pao["availability"] == "in stock"
    assert pao["condition"] == "new"
    assert pao["brand"] == "กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม"
    assert pao["link"] == f"http://testserver/market/products/{chili_products['pao'].pk}/"
    assert pao["shipping_weight"] == "250 g"
    assert Decimal(by_id[str(cloth.pk)]["price"].split()[0]) == Decimal("650.00")


def test_feed_xlsx_holds_the_csv_rows(client, chili_products, cloth):
    import openpyxl

    from pracharat.core import tables

    text = b"".join(client.get(reverse("market:feed")).streaming_content).decode()
    csv_rows = list(csv.reader(io.StringIO(text)))
    response = client.get(reverse("market:feed_xlsx"))
    assert response.status_code == 200 and response["Content-Type"] == tables.XLSX_TYPE
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    xlsx_rows = [[tables.xlsx_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert xlsx_rows == csv_rows and len(csv_rows) == 5  # the header and four products


def test_area_panel_on_the_village_page(client, chili_products):
    response = client.get("/geo/65060209/")
    body = response.content.decode()
    assert 'data-test="market-panel"' in body
    assert "กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม" in body and "น้ำพริกเผา" in body
    assert "/market/?area=65060209" in body
    catalogue = client.get("/market/", {"area": "65060209"}).content.decode()
    assert "น้ำพริกเผา" in catalogue


def test_area_panel_is_empty_where_nobody_sells(client, chili_products):
    assert 'data-test="market-panel"' not in client.get("/geo/50/").content.decode()


@pytest.mark.parametrize("n", [10, 100])
def test_area_panel_queries_are_bounded(client, chili_group, n, django_assert_max_num_queries):
    from django.test import RequestFactory

    from pracharat.market.panels import area_panel

    for i in range(n):
        make_product(chili_group, f"น้ำพริก {i}", "10.00")
    with django_assert_max_num_queries(4):
        assert area_panel(RequestFactory().get("/geo/65/"), "65")
