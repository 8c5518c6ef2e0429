"""On a 360 px phone: the inspector downloads the visit's report, opens the province's news
feed after publishing the visit's post, and the dashboards, reports and news fit the screen."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # our own feed, parsed in a test

import pytest

from pracharat import testing
from pracharat.core.tests.pdf_tools import pdf_text, words
from pracharat.oversight.tests.reports_fixtures import *  # noqa: F403

pytestmark = pytest.mark.browser

ATOM = "{http://www.w3.org/2005/Atom}"


def test_report_feed_and_dashboards_on_a_phone(page, settings, tmp_path, khlong_mem_visit,
                                               inspector):  # fmt: skip
    settings.MEDIA_ROOT = tmp_path / "media"
    page.set_default_timeout(30_000)  # a PDF is made on the way; the machine may be busy
    testing.log_in(page, inspector)

    # The visit's page links its report; the PDF comes down whole, in Thai.
    page.goto(f"/oversight/visits/{khlong_mem_visit.pk}/")
    link = page.locator("[data-test=visit-report]")
    href = link.get_attribute("href")
    assert href == f"/oversight/visits/{khlong_mem_visit.pk}/report.pdf"
    pdf = page.context.request.get(href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = words(pdf_text(pdf.body()))
    assert text.startswith("บันทึกข้อความ ส่วนราชการ")
    assert "รายงานผลการตรวจราชการจังหวัดพิษณุโลก" in text

    # The inspector writes the visit's news post and publishes it.
    page.locator("[data-test=visit-news]").click()
    page.fill("input[name=title]", "ผู้ตรวจราชการเยี่ยมบ้านคลองเมม")
    page.fill("textarea[name=body]", "คณะไปดูจุดบริการเน็ตประชารัฐ\n\nและกลุ่มน้ำพริก")
    page.check("input[name=photos]")
    page.check("input[name=publish]")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "ผู้ตรวจราชการเยี่ยมบ้านคลองเมม"
    assert page.locator(".news-photos img").count() == 1

    # The province's news page links its Atom feed; the feed carries the post.
    page.goto("/oversight/news/area/65/")
    feed_url = page.locator("[data-test=feed]").get_attribute("href")
    response = page.goto(feed_url)
    assert response.status == 200
    assert response.headers["content-type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.body())  # noqa: S314 - our own output
    titles = [e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["ผู้ตรวจราชการเยี่ยมบ้านคลองเมม"]

    # The province dashboard: the overdue action stands out.
    page.goto("/oversight/dashboard/65/?fy=2563")
    assert page.locator("[data-key='oversight.actions_overdue']").inner_text() == "1"
    assert page.locator("table[data-test=by-agency] tr.overdue").count() == 1

    testing.assert_fits_the_phone(
        page,
        [
            "/oversight/dashboard/",
            "/oversight/dashboard/65/?fy=2563",
            "/oversight/dashboard/65060209/?fy=2563",
            "/oversight/dashboard/provinces/?fy=2563",
            "/oversight/reports/65/2563/",
            "/oversight/news/",
            "/oversight/news/area/65/",
            f"/oversight/news/write/{khlong_mem_visit.pk}/",
        ],
    )
