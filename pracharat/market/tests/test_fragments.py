"""The shop window's cached parts (``market.fragments``): each test first shows a page so that
its parts are cached, then writes the way a seller, a buyer, the admin or another worker does,
and the very next request shows the write."""

import re

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pracharat.geo.models import Village
from pracharat.market import actions, fragments
from pracharat.market.models import Category, Order
from pracharat.market.tests.conftest import make_product, product_photo
from pracharat.market.tests.test_views_pay_cod_ratings import _deliver

pytestmark = pytest.mark.django_db

INDEX = reverse("market:index")


def page(client, url=INDEX, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def count(body: str) -> int:
    return int(re.search(r'data-test="result-count">(\d+)', body).group(1))


def queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as captured:
        page(client, url, **params)
    return len(captured)


def test_a_page_shown_again_reads_no_row(client, chili_products):
    product = reverse("market:product", args=[chili_products["pao"].pk])
    for url, params in ((INDEX, {}), (INDEX, {"q": "น้ำพริก"}), (product, {})):
        page(client, url, **params)
        assert queries(client, url, **params) == 0, url


def test_a_new_product_shows_at_once_in_the_catalogue_and_its_count(client, chili_products):
    before = page(client)
    assert count(before) == 3
    make_product(chili_products["pao"].group, "น้ำพริกกากหมู", "75.00")
    after = page(client)
    assert count(after) == 4 and "น้ำพริกกากหมู" in after
    assert "น้ำพริกกากหมู" in page(client, q="น้ำพริก")


def test_an_edit_shows_at_once_on_the_card_and_the_product_page(client, chili_products):
    pao = chili_products["pao"]
    url = reverse("market:product", args=[pao.pk])
    page(client), page(client, url), page(client, q="น้ำพริก")
    pao.title_th, pao.price = "น้ำพริกเผาสูตรใหม่", "81.50"
    actions.save_product(pao)
    for body in (page(client), page(client, url), page(client, q="น้ำพริก")):
        assert "น้ำพริกเผาสูตรใหม่" in body and "81.50" in body


def test_a_photo_shows_at_once(client, chili_products):
    pao = chili_products["pao"]
    url = reverse("market:product", args=[pao.pk])
    assert "<img" not in page(client, url)
    page(client)
    photo = actions.add_photo(pao, product_photo())
    assert photo.thumbnail.url in page(client)
    assert photo.thumbnail.url in page(client, url)
    actions.delete_photo(photo)
    assert photo.thumbnail.url not in page(client, url)


def test_a_product_taken_off_sale_leaves_every_listing_and_its_page_at_once(client, chili_products):
    narok = chili_products["narok"]
    url = reverse("market:product", args=[narok.pk])
    page(client), page(client, q="น้ำพริก"), page(client, url)
    narok.active = False
    actions.save_product(narok)
    for params in ({}, {"q": "น้ำพริก"}):
        body = page(client, **params)
        assert "น้ำพริกนรก" not in body and count(body) == 2
    assert client.get(url).status_code == 404


def test_a_deleted_product_leaves_a_cached_search_at_once(client, chili_products):
    assert count(page(client, q="น้ำพริก")) == 3
    actions.delete_product(chili_products["tadaeng"])
    body = page(client, q="น้ำพริก")
    assert count(body) == 2 and "น้ำพริกตาแดง" not in body


def test_a_group_closed_in_the_admin_leaves_the_listings_at_once(client, chili_products):
    group = chili_products["pao"].group
    assert count(page(client, q="น้ำพริก")) == 3 and count(page(client)) == 3
    group.active = False
    group.save()  # as the admin's change form does (through actions.save_group)
    assert count(page(client, q="น้ำพริก")) == 0 and count(page(client)) == 0


def test_the_last_item_sold_shows_sold_out_at_once(client, chili_products, buyer_details):
    narok = chili_products["narok"]  # stock 1
    url = reverse("market:product", args=[narok.pk])
    assert 'data-test="add-to-cart"' in page(client, url)
    catalogue = page(client)
    assert catalogue.count("badge bad") == 0
    actions.checkout({narok.pk: 1}, buyer_details)
    assert page(client).count("badge bad") == 1  # the card's "sold out"
    assert 'data-test="add-to-cart"' not in page(client, url)
    actions.cancel(Order.objects.get(), reason="test")  # the stock comes back
    assert 'data-test="add-to-cart"' in page(client, url)
    assert page(client).count("badge bad") == 0


def in_stock(n: int) -> str:
    """The product page's stock line, in the page's language (Thai)."""
    with translation.override("th"):
        return translation.ngettext("%(n)s in stock", "%(n)s in stock", n) % {"n": n}


def _product_rows_read(client, url=INDEX, **params) -> tuple[set[int], str]:
    """The ids of the products whose rows a request read, and its page."""
    with CaptureQueriesContext(connection) as captured:
        body = page(client, url, **params)
    ids = set()
    for query in captured:
        if 'FROM "market_product"' in query["sql"]:
            found = re.search(r'"market_product"\."id" (?:IN \(([\d, ]+)\)|= (\d+))', query["sql"])
            ids |= {int(pk) for pk in (found.group(1) or found.group(2)).split(",")}
    return ids, body


def test_an_order_for_one_product_makes_only_its_card_and_page_again(
    client, chili_products, buyer_details
):
    tadaeng, pao = chili_products["tadaeng"], chili_products["pao"]  # stock 3 and 10
    urls = {p: reverse("market:product", args=[p.pk]) for p in (tadaeng, pao)}
    page(client), page(client, q="น้ำพริก"), page(client, urls[tadaeng]), page(client, urls[pao])
    actions.checkout({tadaeng.pk: 1}, buyer_details)
    read, body = _product_rows_read(client)  # the listing's count and ids kept, pao's card too
    assert read == {tadaeng.pk} and count(body) == 3 and body.count('class="product"') == 3
    read, body = _product_rows_read(client, q="น้ำพริก")  # the ranking kept, the new card too
    assert read == set() and count(body) == 3
    read, body = _product_rows_read(client, urls[tadaeng])
    assert read == {tadaeng.pk} and in_stock(2) in body
    assert queries(client, urls[pao]) == 0  # pao's page kept
    assert queries(client, INDEX) == 0  # and now tadaeng's new card


def test_an_order_placed_by_another_worker_shows_its_stock_here_at_once(
    client, chili_products, buyer_details, monkeypatch
):
    tadaeng = chili_products["tadaeng"]
    url = reverse("market:product", args=[tadaeng.pk])
    this_worker = fragments._local
    assert in_stock(3) in page(client, url)
    monkeypatch.setattr(fragments, "_local", {})  # the other worker's memory
    actions.checkout({tadaeng.pk: 3}, buyer_details)
    monkeypatch.setattr(fragments, "_local", this_worker)
    assert in_stock(3) not in page(client, url)
    assert page(client).count("badge bad") == 1


def test_an_expired_order_makes_only_its_product_s_card_again(
    client, chili_products, buyer_details
):
    narok, pao = chili_products["narok"], chili_products["pao"]
    actions.checkout({narok.pk: 1}, buyer_details)
    assert page(client).count("badge bad") == 1
    order = Order.objects.get()
    actions.expire_orders(now=order.payment_deadline)
    read, body = _product_rows_read(client)
    assert read == {narok.pk} and body.count("badge bad") == 0
    assert pao.pk not in read


def test_a_category_or_place_renamed_shows_at_once(client, chili_products):
    page(client)
    food = Category.objects.get(slug="food")
    food.name_th = "อาหารพื้นบ้าน"
    food.save()  # the admin
    assert "อาหารพื้นบ้าน" in page(client)
    village = Village.objects.get(pk=chili_products["pao"].group.village_id)
    village.name_th = "บ้านคลองเมมใหม่"
    village.save()
    assert "บ้านคลองเมมใหม่" in page(client)


def test_a_rating_shows_at_once_on_the_product_page(
    client, chili_products, buyer_details, producer
):
    pao = chili_products["pao"]
    url = reverse("market:product", args=[pao.pk])
    (order,) = actions.checkout({pao.pk: 1}, buyer_details)
    actions.confirm_payment(order, actor=producer)
    _deliver(order, producer, 55555555)
    assert 'data-test="rating-count"' not in page(client, url)
    actions.rate_order(order, 5, "อร่อยมาก")
    assert "อร่อยมาก" in page(client, url)


def test_a_write_by_another_worker_shows_here_at_once(client, chili_products, monkeypatch):
    """Each worker keeps the parts it read in its own memory too; the generation they are
    keyed by is in the cache all workers share, so another worker's write reaches this one."""
    this_worker = fragments._local
    page(client)
    assert this_worker  # cards, choices and counts kept here
    monkeypatch.setattr(fragments, "_local", {})  # the other worker's memory
    make_product(chili_products["pao"].group, "น้ำพริกปลาร้า", "45.00")
    monkeypatch.setattr(fragments, "_local", this_worker)
    assert "น้ำพริกปลาร้า" in page(client)


def test_the_cached_product_page_carries_each_visitor_s_own_csrf_token(chili_products):
    url = reverse("market:product", args=[chili_products["pao"].pk])
    tokens = set()
    for _ in range(2):
        visitor = Client(enforce_csrf_checks=True)
        body = page(visitor, url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
        tokens.add(token)
        added = visitor.post(
            reverse("market:cart_add", args=[chili_products["pao"].pk]),
            {"quantity": 1, "csrfmiddlewaretoken": token},
        )
        assert added.status_code == 302
    assert len(tokens) == 2


def test_a_seller_sees_their_product_off_sale_and_nobody_else_gets_it_from_the_cache(
    client, chili_products, producer
):
    narok = chili_products["narok"]
    narok.active = False
    actions.save_product(narok)
    url = reverse("market:product", args=[narok.pk])
    seller = Client()
    seller.force_login(producer)
    assert "น้ำพริกนรก" in page(seller, url)
    assert client.get(url).status_code == 404


def test_a_checkout_through_the_pages_bumps_only_its_products_generations(
    client, chili_products, cloth
):
    """The buyer's whole path (product page, add to cart, checkout page and form) starts a new
    generation of the ordered product's card and page and of nothing else the shop window is
    keyed by: not the catalogue's (listings' counts, ids, filter choices), not the shared one
    (every card and page), not the search rankings', not another product's."""
    from pracharat.market import search

    tadaeng = chili_products["tadaeng"]
    others = [chili_products["pao"], chili_products["narok"], cloth]
    kept = [fragments.CATALOGUE, fragments.SHARED, search._GENERATION]
    kept += [fragments.product(p.pk) for p in others]
    page(client), page(client, q="น้ำพริก")
    before = fragments.Generation.current_many([*kept, fragments.product(tadaeng.pk)])
    page(client, reverse("market:product", args=[tadaeng.pk]))
    client.post(reverse("market:cart_add", args=[tadaeng.pk]), {"quantity": 1})
    page(client, reverse("market:checkout"))
    response = client.post(
        reverse("market:checkout"),
        {
            "buyer_name": "สมศรี ใจงาม",
            "buyer_phone": "089-123-4567",
            "buyer_email": "",
            "address_line1": "99/1 ถ.บรมไตรโลกนารถ",
            "address_search": "65000",
            "subdistrict": "650101",
            f"shipping_{tadaeng.group_id}": "registered",
        },
    )
    assert response.status_code == 302 and response.url == reverse("market:checkout_done")
    assert Order.objects.count() == 1
    after = fragments.Generation.current_many([*kept, fragments.product(tadaeng.pk)])
    assert after[:-1] == before[:-1]  # every generation but the ordered product's kept
    assert after[-1] > before[-1]
    read, body = _product_rows_read(Client())  # a new visitor: no session to read
    assert read == {tadaeng.pk} and count(body) == 4  # its card made again, nothing else


def test_the_cached_catalogue_content_shows_each_query_as_typed_and_its_errors(
    client, chili_products
):
    # the same products under two spellings of the query, a bad price, then the page again
    first = page(client, q="น้ำพริก")
    second = page(client, q="น้ำพริก ")
    assert 'value="น้ำพริก"' in first and 'value="น้ำพริก "' in second
    bad = page(client, min_price="abc")
    assert 'aria-invalid="true"' in bad and 'value="abc"' in bad
    again = page(client, min_price="10")
    assert 'aria-invalid="true"' not in again and 'value="10"' in again
    assert 'aria-invalid="true"' in page(client, min_price="abc")  # its own part, still right


def test_the_cached_catalogue_content_is_in_the_reader_s_language(client, chili_products):
    thai = page(client)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = page(client)
    with translation.override("th"):
        heading = translation.gettext("Village market")
    assert heading != "Village market"
    assert f"<h1>{heading}</h1>" in thai and "Village market" not in thai
    assert "<h1>Village market</h1>" in english and heading not in english
