"""At 360 px in Chromium: a demo-like certificate's verification page, found by typing its
code, then revoked; the indicators page fits too."""

from __future__ import annotations

import pytest

from pracharat import testing
from pracharat.learning import certificates
from pracharat.learning.tests import certdata

pytestmark = pytest.mark.browser

NAME = "นางสาวบุญมี ศรีสุข"


def test_verification_page_and_the_revoked_state(page):
    village = testing.village_ban_khlong_mem()
    klass = certdata.cohort(certdata.centre(village), sessions=2)
    certdata.enrol(klass, certdata.learner(village, NAME), 2)
    [cert] = certificates.issue_certificates(klass)

    page.goto("/learning/certificates/")
    page.fill("input[name=code]", cert.code.lower().replace("-", ""))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith(f"/learning/certificates/{cert.code}/")
    card = page.locator("[data-test=certificate]")
    assert page.locator("[data-test=holder]").inner_text() == NAME
    assert certdata.COURSE_TH in page.locator("[data-test=course]").inner_text()
    assert "ใช้ได้" in page.locator("[data-test=verdict]").inner_text()
    assert card.is_visible()
    testing.assert_fits_the_phone(
        page, [f"/learning/certificates/{cert.code}/", "/learning/certificates/"]
    )

    certificates.revoke_certificate(cert, "ออกให้ผิดคน")
    page.goto(f"/learning/certificates/{cert.code}/")
    assert page.locator("[data-test=verdict]").inner_text() == "ถูกเพิกถอน"
    assert "ออกให้ผิดคน" in page.locator("[data-test=revoked]").inner_text()
    assert page.locator("a[href$='certificate.pdf']").count() == 0
    testing.assert_fits_the_phone(
        page, [f"/learning/certificates/{cert.code}/", "/learning/indicators/65/"]
    )
