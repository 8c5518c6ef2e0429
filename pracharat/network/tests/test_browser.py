"""A visitor at Ban Khlong Mem reports a dead hotspot from a phone; NT resolves it."""

from __future__ import annotations

import pytest

from pracharat import testing
from pracharat.network import actions
from pracharat.network.models import Incident, IncidentStatus, ServicePoint
from pracharat.network.tests.webfixtures import make_points, use

pytestmark = pytest.mark.browser


def khlong_mem_point() -> ServicePoint:
    nt = testing.agency("nt-phitsanulok", "65", "telecom")
    point = ServicePoint.objects.create(
        code="NP-65060209",
        village=testing.village_ban_khlong_mem(),
        place_name="ศาลาประชาคมบ้านคลองเมม",
        latitude=16.9794,
        longitude=100.1702,
        provider=nt,
        ssid="NetPracharat",
    )
    use(point, days_ago=0, users=4)
    use(point, days_ago=3, users=7)
    return point


def test_visitor_reports_a_fault_and_nt_resolves_it(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    khlong_mem_point()
    testing.nt_officer()

    page.goto("/network/points/NP-65060209/")
    assert page.locator("h1").inner_text() == "ศาลาประชาคมบ้านคลองเมม"
    assert page.locator("[data-test=status]").inner_text() == "ใช้งานได้"
    today = page.locator("[data-test=today]").inner_text()
    assert "4" in today
    assert page.locator("svg.chart").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    form = page.locator("[data-test=report-form]")
    form.locator("select[name=problem]").select_option("no_internet")
    form.locator("textarea[name=description]").fill("ต่อ Wi-Fi ได้แต่เข้าเว็บไม่ได้ตั้งแต่เช้า")
    form.locator("button[type=submit]").click()
    assert "ขอบคุณ" in page.locator(".messages").inner_text()
    assert page.locator("[data-test=reference]").is_visible()
    incident = Incident.objects.get()

    page.goto("/accounts/login/?next=/network/incidents/")
    page.fill("input[name=username]", "nt@example.org")
    page.fill("input[name=password]", testing.PASSWORD)
    page.click("form.card button[type=submit]")
    page.click(f"a[href='/network/incidents/{incident.pk}/'] >> nth=0")
    assert "ต่อ Wi-Fi ได้แต่เข้าเว็บไม่ได้" in page.content()
    page.locator("[data-test=acknowledge] button").click()
    assert page.locator("[data-test=incident-status]").inner_text() == "รับเรื่องแล้ว"
    page.fill("[data-test=resolve] textarea", "รีสตาร์ตเราเตอร์และเปลี่ยนสาย LAN")
    page.locator("[data-test=resolve] button").click()
    assert page.locator("[data-test=incident-status]").inner_text() == "แก้ไขแล้ว"
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.RESOLVED

    page.goto("/network/points/NP-65060209/")
    assert page.locator("[data-test=incident]").count() == 0


def test_map_opens_leaflet_without_any_tile_server(page):
    khlong_mem_point()
    make_points(30)
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto("/network/map/65/")
    assert page.locator("#map-fallback svg").is_visible()
    page.click("[data-test=map-load]")
    page.wait_for_selector("#map .leaflet-interactive, #map canvas")
    assert page.locator("#map-fallback").is_hidden()
    base = page.url.split("/network/")[0]
    assert all(url.startswith(base) for url in requested), requested


@pytest.mark.parametrize(
    "url", ["/network/points/NP-65060209/", "/network/map/65/", "/network/area/65/", "/network/"]
)
def test_first_load_is_under_100_kb(page, url):
    khlong_mem_point()
    make_points(300)
    sizes: dict[str, int] = {}
    page.on("response", lambda r: sizes.__setitem__(r.url, len(r.body() or b"")))
    page.goto(url, wait_until="load")
    total = sum(sizes.values())
    assert total < 100_000, sizes


def test_an_officer_imports_points_on_a_phone_without_javascript(browser, live_server, page):
    """The upload page at 360 px with JavaScript off: a wrong file lists its errors by line
    and keeps nothing; the corrected file imports."""
    testing.village_ban_khlong_mem()
    testing.agency("nt-phitsanulok", "65", "telecom")
    testing.phitsanulok_officer()
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, base_url=live_server.url
    )
    tab = context.new_page()
    tab.goto("/accounts/login/?next=/network/incidents/")
    tab.fill("input[name=username]", "officer.phitsanulok@example.org")
    tab.fill("input[name=password]", testing.PASSWORD)
    tab.click("form.card button[type=submit]")
    tab.click("[data-test=point-import-link]")
    header = "รหัสจุด,รหัสหมู่บ้าน,สถานที่,วันที่ติดตั้ง\n"
    wrong = header + "NP-65060209,65060209,ศาลาประชาคม,31/02/2568\n"
    tab.set_input_files(
        "input[name=file]", {"name": "p.csv", "mimeType": "text/csv", "buffer": wrong.encode()}
    )
    tab.click("button[name=import]")
    errors = tab.locator("[data-test=import-errors]")
    assert "31/02/2568" in errors.inner_text() and "2" in errors.locator("td").first.inner_text()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    assert not ServicePoint.objects.exists()
    right = wrong.replace("31/02/2568", "28/02/2568")
    tab.set_input_files(
        "input[name=file]", {"name": "p.csv", "mimeType": "text/csv", "buffer": right.encode()}
    )
    tab.click("button[name=import]")
    assert tab.locator("[data-test=import-done]").is_visible()
    assert tab.evaluate("document.documentElement.scrollWidth") <= 360
    assert ServicePoint.objects.get().installed_on.isoformat() == "2025-02-28"
    context.close()


def test_network_tables_fit_a_360px_phone(page):
    from django.utils import timezone

    point = khlong_mem_point()
    more = make_points(12, provider=point.provider, first=10)
    use(more[0], users=3)
    Incident.objects.create(
        service_point=point,
        area_code=point.area_code,
        agency=point.provider,
        source="manual",
        summary="สัญญาณขาดหายเป็นช่วง ๆ ตั้งแต่เมื่อวานช่วงบ่าย",
        sla_due=timezone.now(),
    )
    urls = ["/network/", "/network/area/", "/network/area/65/", "/network/area/6506/"]
    urls += ["/network/map/65/", f"/network/points/{point.code}/"]
    testing.assert_fits_the_phone(page, urls)
    testing.log_in(page, testing.nt_officer())
    testing.assert_fits_the_phone(page, ["/network/incidents/", "/network/area/65/"])


def test_the_villagers_loop_from_report_to_fix(browser, live_server, page):
    """A villager reports from a phone and follows the report by its reference; the village's
    volunteer sees it on their own page and follows it already; NT fixes it from the incident
    desk (with a directions link); the report's page and the point's page show the fix."""
    point = khlong_mem_point()
    volunteer = testing.volunteer()
    testing.volunteer_record(volunteer)
    nt = testing.nt_officer()

    page.goto(f"/network/points/{point.code}/")
    assert page.locator("[data-test=directions] a[href^='geo:']").count() == 1
    form = page.locator("[data-test=report-form]")
    form.locator("select[name=problem]").select_option("no_signal")
    form.locator("textarea[name=description]").fill("ไฟสัญญาณที่ศาลาดับตั้งแต่เมื่อคืน")
    form.locator("input[name=contact]").fill("0891234567")
    form.locator("button[type=submit]").click()
    reference = page.locator("[data-test=reference]").inner_text()
    assert reference in page.locator(".messages").inner_text()
    assert "current" in page.locator("[data-test=step-assigned]").get_attribute("class")
    assert "0891234567" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Later, from another phone: the reference as typed, lower case and with a space.
    other = browser.new_context(viewport={"width": 360, "height": 740}, base_url=live_server.url)
    villager = other.new_page()
    villager.goto(f"/network/points/{point.code}/")
    villager.click("[data-test=track-link]")
    villager.fill("input[name=reference]", reference.lower().replace("-", " "))
    villager.click("[data-test=track-form] button")
    assert villager.locator("[data-test=reference]").inner_text() == reference

    testing.log_in(page, volunteer)
    page.goto("/volunteers/me/")
    page.click("[data-test=village-incidents] [data-test=incident-link]")
    assert page.locator("[data-test=follow] input[name=follow]").get_attribute("value") == "0"
    assert "0891234567" not in page.content()
    page.context.clear_cookies()

    testing.log_in(page, nt)
    page.goto("/network/incidents/")
    incident = Incident.objects.get()
    page.click(f"a[href='/network/incidents/{incident.pk}/'] >> nth=0")
    assert "destination=16.979400,100.170200" in page.locator(
        "[data-test=directions] a >> nth=0"
    ).get_attribute("href")
    page.locator("[data-test=acknowledge] button").click()
    villager.reload()
    assert "current" in villager.locator("[data-test=step-fixing]").get_attribute("class")
    page.fill("[data-test=resolve] textarea", "เปลี่ยนอะแดปเตอร์ไฟของ ONU")
    page.locator("[data-test=resolve] button").click()
    assert page.locator("[data-test=incident-status]").inner_text() == "แก้ไขแล้ว"

    villager.reload()
    assert "current" in villager.locator("[data-test=step-fixed]").get_attribute("class")
    assert "เปลี่ยนอะแดปเตอร์ไฟของ ONU" in villager.locator("[data-test=fix]").inner_text()
    villager.goto(f"/network/points/{point.code}/")
    assert villager.locator("[data-test=incident]").count() == 0
    assert "เปลี่ยนอะแดปเตอร์ไฟของ ONU" in villager.locator("[data-test=fixes]").inner_text()
    other.close()


def test_sla_and_track_pages_fit_a_360px_phone(page):
    point = khlong_mem_point()
    report = actions.submit_fault_report(
        point, actions.ReportInput(problem="slow"), ip_address="192.0.2.3"
    )
    point.status = "decommissioned"
    point.save()
    make_points(5, provider=point.provider)
    testing.assert_fits_the_phone(
        page,
        [
            "/network/track/",
            f"/network/track/{report.reference}/",
            f"/network/points/{point.code}/",
        ],
    )
    testing.log_in(page, testing.phitsanulok_officer())
    from django.utils import timezone

    month = f"{timezone.localdate():%Y-%m}"
    testing.assert_fits_the_phone(page, [f"/network/sla/65/{month}/", "/network/incidents/"])
