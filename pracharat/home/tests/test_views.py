"""The front page: Thai first, today's date and fiscal year, the regions, the apps' nav."""

from __future__ import annotations

from django.urls import reverse


def test_home_page_is_the_site_root(client, db, django_assert_max_num_queries):
    assert reverse("home:index") == "/"
    with django_assert_max_num_queries(2):
        response = client.get("/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "เน็ตประชารัฐ" in page and "ปีงบประมาณ 25" in page
    assert 'href="/geo/#region-' in page and "จังหวัด" in page


def test_the_layout_links_the_apps_and_the_account(client, db):
    page = client.get("/").content.decode()
    nav = page[page.index("<nav") : page.index("</nav>")]
    assert nav.index('href="/geo/"') < nav.index('href="/network/"') < nav.index('href="/market/"')
    assert ">พื้นที่<" in nav and 'href="/accounts/login/"' in nav
    assert '<a class="brand" href="/">' in page


def test_a_signed_in_person_sees_their_page(client, inspector):
    client.force_login(inspector)
    nav = client.get("/").content.decode()
    assert 'href="/accounts/me/"' in nav and 'href="/accounts/login/"' not in nav


def test_the_not_found_page_leads_home(client, db):
    page = client.get("/no/such/page/").content.decode()
    assert 'class="btn" href="/"' in page


def test_english_fiscal_year_in_common_era(client, db):
    client.cookies["pracharat_language"] = "en"
    page = client.get("/").content.decode()
    assert "Fiscal year 20" in page and "Browse by area" in page
