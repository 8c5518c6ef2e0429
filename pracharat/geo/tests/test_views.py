import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_walk_from_thailand_to_ban_khlong_mem(client, ban_khlong_mem):
    page = client.get(reverse("geo:country")).content.decode()
    assert 'href="/geo/65/"' in page and "พิษณุโลก" in page
    page = client.get("/geo/65/").content.decode()
    assert "พรหมพิราม" in page and 'href="/geo/6506/"' in page
    page = client.get("/geo/6506/").content.decode()
    assert "ท่าช้าง" in page and "65150" in page
    page = client.get("/geo/650602/").content.decode()
    assert "บ้านคลองเมม" in page and 'href="/geo/65060209/"' in page
    page = client.get("/geo/65060209/").content.decode()
    assert "บ้านคลองเมม" in page and "Ban Khlong Mem" in page and "หมู่ 9" in page


def test_pages_speak_english_after_the_switch(client, ban_khlong_mem):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/geo/65/"})
    assert response.status_code == 302
    page = client.get("/geo/65/").content.decode()
    assert '<html lang="en">' in page and "Phrom Phiram" in page and "Province" in page


def test_unknown_area_is_a_thai_404(client):
    response = client.get("/geo/99/")
    assert response.status_code == 404
    assert "ไม่พบหน้า" in response.content.decode()


@pytest.mark.parametrize("url", ["/geo/", "/geo/65/", "/geo/6506/", "/geo/650602/"])
def test_area_pages_run_a_fixed_number_of_queries(client, url, django_assert_max_num_queries):
    # the same at every level: the page's own reads and one or two per pillar's panel
    with django_assert_max_num_queries(7):
        assert client.get(url).status_code == 200


def test_address_search_page_works_without_javascript(client):
    page = client.get(reverse("geo:address"), {"q": "65150"}).content.decode()
    assert "ท่าช้าง" in page
    fragment = client.get(reverse("geo:address"), {"q": "65150"}, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().startswith('<ul class="suggest"')


def test_home_page(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "เน็ตประชารัฐ" in response.content.decode()


def test_pages_are_thai_whatever_the_browser_language(client):
    page = client.get("/geo/65/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="th">' in page and "อำเภอ" in page


def test_the_api_follows_accept_language(client):
    body = client.get("/api/v1/geo/provinces/99", HTTP_ACCEPT_LANGUAGE="th").json()
    assert body["error"]["message"] == "ไม่พบข้อมูล"
    body = client.get("/api/v1/geo/provinces/99", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["error"]["message"] == "Not found."
