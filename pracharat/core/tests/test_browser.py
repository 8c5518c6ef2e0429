"""A first visit as a person makes it: Thai home page, switch to English, walk to a village."""

import pytest

from pracharat import testing

pytestmark = pytest.mark.browser


def test_home_language_switch_and_walk_to_ban_khlong_mem(page):
    testing.village_ban_khlong_mem()
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == "th"
    assert "เน็ตประชารัฐ" in page.locator("h1").inner_text()

    page.click("[data-test=lang-en]")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Net Pracharat" in page.locator("h1").inner_text()

    page.click("text=Areas")
    page.click("a:text-is('Phitsanulok')")
    assert "Phitsanulok" in page.locator("h1").inner_text()
    page.click("a:text-is('Phrom Phiram')")
    page.click("a:text-is('Tha Chang')")
    page.click("a:text-is('Ban Khlong Mem')")
    assert page.locator("h1").inner_text() == "Ban Khlong Mem"
    assert "65060209" in page.content()

    page.click("[data-test=lang-th]")
    assert page.locator("h1").inner_text() == "บ้านคลองเมม"
    assert "หมู่ 9 ต.ท่าช้าง อ.พรหมพิราม จ.พิษณุโลก" in page.locator(".sub").inner_text()


def test_pages_fit_a_360px_phone(page):
    page.goto("/geo/65/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360


@pytest.mark.parametrize("url", ["/", "/geo/", "/geo/65/", "/geo/6506/", "/accounts/login/"])
def test_first_load_is_under_100_kb(page, url):
    """Everything the browser fetches for a first visit, uncompressed (the live test server
    does not gzip), stays under the 100 KB budget for rural phones."""
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body() or b"")))
    page.goto(url, wait_until="load")
    total = sum(sizes.values())
    assert total < 100_000, sizes


def test_area_pages_and_their_tables_fit_a_360px_phone(page):
    testing.village_ban_khlong_mem()
    urls = ["/", "/geo/", "/geo/65/", "/geo/6506/", "/geo/650602/", "/geo/address/?q=65150"]
    testing.assert_fits_the_phone(page, urls)


def test_the_width_check_finds_a_table_that_overflows(page):
    """The check above can fail: a wide table without its scrolling container is caught."""
    page.goto("/geo/65/")
    page.evaluate(
        """() => { const t = document.querySelector(".table-scroll table");
                   t.querySelector("td").textContent = "x".repeat(400);
                   t.parentElement.replaceWith(t); }"""
    )
    report = page.evaluate(testing.WIDTH_CHECK)
    assert report["unscrolled"] and report["page"] > report["viewport"]
