"""The journey of issue 9 at 360 px: a trainer creates a class at Ban Khlong Mem; two villagers
register on their phones; one checks in by the rotating QR code from another browser; an old
code is refused; the trainer marks the other by hand."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

from django.utils import timezone

from pracharat import testing
from pracharat.learning.models import Attendance, Cohort, Course
from pracharat.network.models import ServicePoint

STEP = 4  # seconds: the test's own rotation, so an old code goes stale quickly


def _phone(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="th-TH", base_url=live_server.url
    )
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    return context, tab


def _register(tab, cohort_pk: int, name: str, phone: str, occupation: str, age: str):
    tab.goto(f"/learning/classes/{cohort_pk}/")
    tab.fill("#id_full_name", name)
    tab.fill("#id_phone", phone)
    tab.select_option("#id_occupation", occupation)
    tab.select_option("#id_age_group", age)
    tab.check("#id_consent")
    tab.click("[data-test=register-form] button[type=submit]")
    tab.wait_for_selector("[data-test=registered]")
    assert name in tab.content()


def _step(page) -> int:
    return int(page.locator("#qr").get_attribute("data-step"))


def _wait_for_step_after(page, step: int, timeout: float = 3 * STEP + 5) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        now = _step(page)
        if now > step:
            return now
        page.wait_for_timeout(200)
    raise AssertionError("the QR code did not change")


def test_trainer_class_at_ban_khlong_mem_with_rotating_qr(page, browser, live_server, settings):
    settings.LEARNING_CHECKIN_STEP = STEP
    settings.LEARNING_CHECKIN_GRACE = 1
    village = testing.village_ban_khlong_mem()
    ServicePoint.objects.create(
        code="NP-65060209", village=village, place_name="ศาลาประชาคมบ้านคลองเมม"
    )
    course = Course.objects.create(
        slug="digital-safety", title_th="รู้ทันภัยไซเบอร์และมิจฉาชีพออนไลน์",
        topic="digital_safety", hours=Decimal("3"),
    )  # fmt: skip
    trainer = testing.trainer()

    # The trainer creates the class at the point, from the point's page.
    testing.log_in(page, trainer)
    page.goto("/network/points/NP-65060209/")
    page.click("[data-test=venue-calendar] a[href*='classes/new']")
    page.select_option("#id_course", str(course.pk))
    page.fill("#id_capacity", "10")
    now = timezone.localtime()
    start = max(now - dt.timedelta(hours=1), now.replace(hour=0, minute=0))
    end = min(now + dt.timedelta(hours=2), now.replace(hour=23, minute=59))
    page.fill("#id_date_0", now.date().isoformat())
    page.fill("#id_start_0", start.strftime("%H:%M"))
    page.fill("#id_end_0", end.strftime("%H:%M"))
    page.click("[data-test=create]")
    page.wait_for_selector("[data-test=learners]")
    cohort = Cohort.objects.get()
    assert cohort.status == "open" and cohort.service_point.code == "NP-65060209"

    # Two villagers register on their own phones.
    first_ctx, first = _phone(browser, live_server)
    second_ctx, second = _phone(browser, live_server)
    try:
        _register(first, cohort.pk, "สมศรี ทองคำ", "0891110001", "farmer", "40_59")
        _register(second, cohort.pk, "มานี รักเรียน", "", "student", "under_18")
        assert cohort.enrolments.count() == 2

        # The trainer shows the code; the first villager checks in from her phone.
        page.goto(f"/learning/classes/{cohort.pk}/manage/")
        assert "สมศรี ทองคำ" in page.locator("[data-test=learners]").inner_text()
        page.click("[data-test=qr-link]")
        page.wait_for_selector("#qr svg")
        fresh = _wait_for_step_after(page, _step(page))  # a whole step ahead of us
        url = page.locator("[data-test=checkin-url]").get_attribute("href")
        first.goto(url)
        # her phone remembers her since she registered on it: one tap
        assert "สมศรี ทองคำ" in first.locator("[data-test=checkin-form]").inner_text()
        first.click("[data-test=checkin]")
        first.wait_for_selector("[data-test=checked-in]")
        assert Attendance.objects.get(enrolment__learner__full_name="สมศรี ทองคำ").method == "qr"

        # The same code, two steps later, from the other phone: refused.
        _wait_for_step_after(page, fresh + 1)
        response = second.goto(url)
        assert response.status == 410
        assert second.locator("[data-test=checkin-refused]").is_visible()
        assert Attendance.objects.count() == 1

        # The trainer marks the second villager by hand.
        page.goto(f"/learning/sessions/{cohort.sessions.get().pk}/attendance/")
        row = page.locator("tr", has_text="มานี รักเรียน")
        row.locator("input[value=present]").check()
        page.click("[data-test=save-attendance]")
        page.wait_for_selector(".messages")
        marks = dict(Attendance.objects.values_list("enrolment__learner__full_name", "method"))
        assert marks == {"สมศรี ทองคำ": "qr", "มานี รักเรียน": "trainer"}

        testing.assert_fits_the_phone(
            page,
            [
                "/learning/",
                "/learning/province/65/",
                f"/learning/classes/{cohort.pk}/",
                f"/learning/classes/{cohort.pk}/manage/",
                f"/learning/sessions/{cohort.sessions.get().pk}/attendance/",
                "/learning/mine/",
                "/network/points/NP-65060209/",
            ],
        )
        testing.assert_fits_the_phone(first, ["/learning/checkin/"])
    finally:
        first_ctx.close()
        second_ctx.close()
