"""Ban Khlong Mem's volunteer, on a 360 px phone: records an activity with a photo, sees it on
their page, opens their village point's incident and follows it."""

from __future__ import annotations

import pytest
from django.utils import timezone

from pracharat import testing
from pracharat.network import actions as network_actions
from pracharat.network.models import IncidentFollower, ServicePoint
from pracharat.volunteers.models import VolunteerActivity

pytestmark = pytest.mark.browser


def test_the_volunteer_records_an_activity_and_follows_the_points_incident(page, tmp_path):
    nt = testing.agency("nt-phitsanulok", "65", "telecom")
    point = ServicePoint.objects.create(
        code="NP-65060209", village=testing.village_ban_khlong_mem(),
        place_name="ศาลาประชาคมบ้านคลองเมม", provider=nt,
    )  # fmt: skip
    incident = network_actions.submit_fault_report(
        point,
        network_actions.ReportInput(problem="no_signal", contact="0817776543"),
        ip_address="203.0.113.9",
    ).incident
    volunteer = testing.volunteer_record().user
    photo = tmp_path / "helping.jpg"
    photo.write_bytes(testing.picture_bytes(size=(1200, 900)))

    testing.log_in(page, volunteer)
    page.goto("/volunteers/me/")
    page.click("[data-test=record-link]")
    form = page.locator("[data-test=activity-form]")
    form.locator("input[value=helped_at_point]").check()
    form.locator("select[name=service_point]").select_option(
        label="ศาลาประชาคมบ้านคลองเมม (NP-65060209)"
    )
    form.locator("input[name=people_helped]").fill("5")
    form.locator("textarea[name=note]").fill("ช่วยผู้สูงอายุลงแอปหมอพร้อม")
    form.locator("input[name=photo]").set_input_files(str(photo))
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    form.locator("button[type=submit]").click()

    assert page.url.endswith("/volunteers/me/")
    activity = VolunteerActivity.objects.get()
    assert activity.people_helped == 5 and activity.photo and activity.date == timezone.localdate()
    log = page.locator("[data-test=activities]").inner_text()
    assert "ช่วยผู้สูงอายุลงแอปหมอพร้อม" in log
    assert page.locator("[data-test=helped-total]").inner_text() == "5"
    # Fetched with the page's session (opening a bare JPEG would be Chromium's image viewer,
    # whose inline styles our CSP refuses).
    href = page.locator("[data-test=activity-photo]").get_attribute("href")
    shown = page.request.get(href)
    assert shown.status == 200 and shown.headers["content-type"] == "image/jpeg"

    page.click("[data-test=incident-link]")
    assert page.url.endswith(f"/network/incidents/{incident.pk}/")
    assert "NP-65060209" in page.content() and "0817776543" not in page.content()
    page.locator("[data-test=follow] button").click()
    assert IncidentFollower.objects.filter(incident=incident, user=volunteer).exists()
    assert page.locator("[data-test=follow] input[name=follow]").get_attribute("value") == "0"

    testing.assert_fits_the_phone(
        page,
        ["/volunteers/", "/volunteers/me/", "/volunteers/me/record/",
         f"/volunteers/profile/{activity.volunteer_id}/", f"/network/incidents/{incident.pk}/",
         "/geo/65060209/"],
    )  # fmt: skip
