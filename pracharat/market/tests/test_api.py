"""The market API: public catalogue with Thai search, groups, and the sellers' scoped orders
with confirm-payment and ship."""

import re

import pytest

from pracharat.market import actions
from pracharat.market.lib import s10
from pracharat.market.models import OrderStatus
from pracharat.market.tests.conftest import make_product

pytestmark = pytest.mark.django_db

API = "/api/v1/market"


def test_products_search_in_thai(client, chili_products, cloth):
    body = client.get(f"{API}/products", {"q": "น้ำพริก"}).json()
    titles = {p["title_th"] for p in body["items"]}
    assert {"น้ำพริกเผา", "น้ำพริกตาแดง"} <= titles
    assert "ผ้าทอมือลายดอกแก้ว" not in titles
    assert body["count"] == len(body["items"]) == 3


def test_products_filters_and_exact_prices(client, chili_products, cloth):
    body = client.get(f"{API}/products", {"area": "50", "min_price": "100"}).json()
    assert [p["title_th"] for p in body["items"]] == ["ผ้าทอมือลายดอกแก้ว"]
    item = body["items"][0]
    assert item["price"] == "650.00"
    assert item["group"]["code"] == "chiangmai-weaving"
    assert item["url"].startswith("http://testserver/market/products/")
    body = client.get(f"{API}/products", {"category": "food", "max_price": "60"}).json()
    assert {p["title_th"] for p in body["items"]} == {"น้ำพริกตาแดง", "น้ำพริกนรก"}


def test_products_paging(client, chili_group):
    for i in range(5):
        make_product(chili_group, f"ข้าวกล้อง {i}", "30.00", category="rice")
    body = client.get(f"{API}/products", {"limit": 2, "offset": 4}).json()
    assert body["count"] == 5 and len(body["items"]) == 1


def test_product_list_runs_the_same_queries_for_10_and_100_products(client, chili_group):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def measure():
        # once to warm what is read once per process (the synonym lists) or cached per query
        client.get(f"{API}/products", {"limit": 100, "q": "น้ำพริก"})
        with CaptureQueriesContext(connection) as ctx:
            items = client.get(f"{API}/products", {"limit": 100, "q": "น้ำพริก"}).json()["items"]
        return len(ctx.captured_queries), len(items)

    for i in range(10):
        make_product(chili_group, f"น้ำพริก {i}", "10.00")
    queries_10, items_10 = measure()
    for i in range(10, 100):
        make_product(chili_group, f"น้ำพริก {i}", "10.00")
    queries_100, items_100 = measure()
    assert (items_10, items_100) == (10, 100)
    assert queries_10 == queries_100 <= 3


def test_bad_parameters_answer_422_in_the_error_shape(client):
    response = client.get(f"{API}/products", {"min_price": "-1", "limit": 1000})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid"


def test_product_and_group_detail(client, chili_products):
    pao = chili_products["pao"]
    assert client.get(f"{API}/products/{pao.pk}").json()["title_en"] == "Roasted chili paste"
    assert client.get(f"{API}/products/999999").status_code == 404
    groups = client.get(f"{API}/groups").json()
    assert [g["code"] for g in groups] == ["khlong-mem-chili"]
    detail = client.get(f"{API}/groups/khlong-mem-chili").json()
    assert detail["village_code"] == "65060209"
    assert detail["promptpay"] == "081-234-5678"
    assert len(detail["products"]) == 3
    assert client.get(f"{API}/groups/none-such").json()["error"]["status"] == 404


@pytest.fixture
def seller_api(client, producer):
    client.force_login(producer)
    return client


@pytest.fixture
def orders(chili_products, cloth, buyer_details):
    return actions.checkout({chili_products["pao"].pk: 1, cloth.pk: 1}, buyer_details)


def test_orders_need_auth(client, orders):
    assert client.get(f"{API}/orders").status_code == 401


def test_seller_sees_only_their_groups_orders(seller_api, orders):
    chili = next(o for o in orders if o.group.code == "khlong-mem-chili")
    cloth = next(o for o in orders if o.group.code == "chiangmai-weaving")
    body = seller_api.get(f"{API}/orders").json()
    assert [o["number"] for o in body["items"]] == [chili.number]
    assert body["items"][0]["total"] == f"{chili.total:.2f}"
    assert seller_api.get(f"{API}/orders/{chili.number}").status_code == 200
    assert seller_api.get(f"{API}/orders/{cloth.number}").status_code == 404
    assert seller_api.post(f"{API}/orders/{cloth.number}/confirm-payment").status_code == 404


def test_confirm_and_ship_through_the_api(seller_api, orders):
    chili = next(o for o in orders if o.group.code == "khlong-mem-chili")
    url = f"{API}/orders/{chili.number}"
    response = seller_api.post(f"{url}/confirm-payment", {}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == OrderStatus.PAID
    again = seller_api.post(f"{url}/confirm-payment", {}, content_type="application/json")
    assert again.status_code == 409
    bad = seller_api.post(
        f"{url}/ship", {"tracking_number": "EE123456789TH"}, content_type="application/json"
    )
    assert bad.status_code == 422
    assert "เลขตรวจสอบ" in str(bad.json()) and "typo" not in str(bad.json())
    # Every S10 refusal in one language: a short number, letters in the digits, not Thai.
    for wrong in ("EE12345678TH", "EE12345A785TH", "EE123456785US"):
        bad = seller_api.post(
            f"{url}/ship", {"tracking_number": wrong}, content_type="application/json"
        )
        assert bad.status_code == 422
        message = str(bad.json()["error"])
        assert re.search("[ก-๙]", message), message
        assert not any(w in message for w in ("String", "should", "match", "pattern")), message
    number = s10.make("EE", 12345678)
    response = seller_api.post(
        f"{url}/ship", {"tracking_number": number}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["tracking_number"] == number
    assert response.json()["status"] == OrderStatus.SHIPPED


def test_bearer_token_works(client, producer, orders):
    token = _issue_token(producer)
    response = client.get(f"{API}/orders", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json()["count"] == 1


def _issue_token(user):
    from pracharat.accounts.actions import issue_api_token

    _token, raw = issue_api_token(user, "shop till")
    return raw


def test_a_huge_orders_offset_is_a_422_not_a_500(seller_api, orders):
    """Regression: ``?offset=2**63`` overflowed the database's OFFSET."""
    for offset in (2**63, 2**31, 1_000_001):
        response = seller_api.get(f"{API}/orders", {"offset": offset})
        assert response.status_code == 422, offset
        assert response.json()["error"]["code"] == "invalid"
    assert seller_api.get(f"{API}/orders", {"offset": 1_000_000}).json()["items"] == []
