"""On a 360 px phone: an inspector records a visit with a finding and an action for the post
office; the post office's officer sees it and updates it with evidence; the inspector
verifies it. And the visit form keeps its draft when the connection drops."""

from __future__ import annotations

import re

import pytest

from pracharat import testing
from pracharat.oversight.models import ActionStatus, FollowUpAction, Visit, VisitStatus
from pracharat.oversight.tests.conftest import due_in, photo_with_exif

pytestmark = pytest.mark.browser


def test_visit_finding_action_update_verify(page, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    inspector = testing.inspector()
    post_officer = testing.post_officer()
    post = post_officer.memberships.get().agency
    testing.nt_officer()

    testing.log_in(page, inspector)
    page.goto("/oversight/visits/new/?area=65")
    form = page.locator("[data-test=visit-form]")
    form.locator("input[name=title]").fill("ตรวจเยี่ยมจุดบริการบ้านคลองเมม")
    form.locator("input[name=start_date]").fill("2020-07-22")
    form.locator("input[name=end_date]").fill("2020-07-23")
    form.locator(f"input[name=met_{post.pk}]").check()
    form.locator(f"textarea[name=reps_{post.pk}]").fill("ผู้จัดการไปรษณีย์จังหวัด")
    form.locator("[data-test=save-draft]").click()
    page.wait_for_url(re.compile(r"/oversight/visits/\d+/"))
    visit = Visit.objects.get(title="ตรวจเยี่ยมจุดบริการบ้านคลองเมม")
    assert visit.status == VisitStatus.DRAFT

    page.click("[data-test=new-finding]")
    finding = page.locator("[data-test=finding-form]")
    finding.locator("select[name=category]").select_option("community_economy")
    finding.locator("textarea[name=problem]").fill("กลุ่มน้ำพริกขายได้เฉพาะในชุมชน")
    finding.locator("input[name=photos]").set_input_files(
        [{"name": "chili.jpg", "mimeType": "image/jpeg", "buffer": photo_with_exif()}]
    )
    finding.locator("input[name=action_title]").fill("ขึ้นร้านค้าออนไลน์ของไปรษณีย์ไทย")
    finding.locator("select[name=action_owner]").select_option(str(post.pk))
    finding.locator("input[name=action_due_date]").fill(due_in(30).isoformat())
    finding.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/oversight/visits/\d+/"))
    assert page.locator("[data-test=finding]").count() == 1
    page.click("[data-test=submit-visit]")
    assert page.locator("[data-test=visit-status]").inner_text() == "ส่งแล้ว"
    testing.assert_fits_the_phone(
        page, [f"/oversight/visits/{visit.pk}/", "/oversight/visits/", "/oversight/"]
    )

    page.context.clear_cookies()
    testing.log_in(page, post_officer)
    page.goto("/oversight/actions/?mine=1")
    page.click("text=ขึ้นร้านค้าออนไลน์ของไปรษณีย์ไทย")
    update = page.locator("[data-test=update-form]")
    update.locator("textarea[name=text]").fill("นำน้ำพริกสองรายการขึ้นร้านแล้ว")
    update.locator("input[name=files]").set_input_files(
        [{"name": "หน้าร้าน.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 shop"}]
    )
    update.locator("select[name=move]").select_option("finish")
    update.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[data-test=action-status]").inner_text() == "เสร็จแล้ว (รอตรวจสอบ)"
    assert page.locator("[data-test=evidence]").count() == 1
    assert page.locator("[data-test=move-verify]").count() == 0
    testing.assert_fits_the_phone(page, ["/oversight/actions/", page.url])

    page.context.clear_cookies()
    testing.log_in(page, inspector)
    action = FollowUpAction.objects.get(owner=post)
    page.goto(f"/oversight/actions/{action.pk}/")
    with page.expect_response(lambda r: "/oversight/evidence/" in r.url) as seen:
        page.evaluate(
            "url => fetch(url)", page.locator("[data-test=evidence]").get_attribute("href")
        )
    assert seen.value.status == 200
    page.fill("[data-test=moves] textarea[name=note]", "เห็นหน้าร้านแล้ว")
    page.click("[data-test=move-verify]")
    page.wait_for_load_state()
    assert page.locator("[data-test=action-status]").inner_text() == "ตรวจสอบแล้ว"
    action.refresh_from_db()
    assert action.status == ActionStatus.VERIFIED and action.verified_by == inspector


def test_the_visit_form_keeps_its_draft_when_the_connection_drops(page):
    inspector = testing.inspector()
    testing.agency("post-phitsanulok", "65", "post")
    testing.log_in(page, inspector)
    page.goto("/oversight/visits/new/?area=65")
    form = page.locator("[data-test=visit-form]")
    form.locator("input[name=title]").fill("ร่างที่ยังไม่ได้ส่ง")
    form.locator("textarea[name=summary]").fill("ฝนตกหนัก สัญญาณหาย")
    form.locator("input[name=start_date]").fill("2020-07-22")
    form.locator("input[name=end_date]").fill("2020-07-22")

    page.context.set_offline(True)
    form.locator("[data-test=save-draft]").click()
    status = form.locator("[data-draft-status]")
    assert "ไม่มีการเชื่อมต่อ" in status.inner_text()
    assert not Visit.objects.exists()
    page.context.set_offline(False)

    page.reload()  # the tab comes back: the draft is put back from the device
    form = page.locator("[data-test=visit-form]")
    assert form.locator("input[name=title]").input_value() == "ร่างที่ยังไม่ได้ส่ง"
    assert form.locator("textarea[name=summary]").input_value() == "ฝนตกหนัก สัญญาณหาย"
    assert form.get_attribute("data-draft-restored") == "1"

    form.locator("[data-test=save-draft]").click()
    page.wait_for_url(re.compile(r"/oversight/visits/\d+/"))
    visit = Visit.objects.get()
    assert visit.status == VisitStatus.DRAFT and visit.summary == "ฝนตกหนัก สัญญาณหาย"
    # Saved on the server: a new form no longer restores the old draft.
    page.goto("/oversight/visits/new/?area=65")
    assert page.locator("input[name=title]").input_value() == ""
    testing.assert_fits_the_phone(page, ["/oversight/visits/new/?area=65"])
