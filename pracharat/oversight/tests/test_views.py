"""The pages: every list renders within its query budget, scoping (another province's
officer sees nothing), rights on the forms, evidence and photos only for those who may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pracharat import testing
from pracharat.oversight import actions
from pracharat.oversight.models import ActionStatus, FollowUpAction, Visit, VisitStatus
from pracharat.oversight.tests.conftest import due_in, photo_with_exif

pytestmark = pytest.mark.django_db


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def submitted(visit, inspector, action, nt_action):
    actions.submit_visit(inspector, visit)
    return visit


def _many(visit, inspector, post, n=5):
    for i in range(n):
        actions.assign_action(
            inspector,
            actions.ActionInput(title=f"งาน {i}", owner=post, due_date=due_in(i - 2)),
            visit=visit,
        )


LISTS = [
    ("oversight:index", 16),
    ("oversight:actions", 10),
    ("oversight:visits", 10),
    ("oversight:meetings", 10),
    ("oversight:announcements", 10),
    ("oversight:plans", 10),
    ("oversight:agencies", 12),
]


@pytest.mark.parametrize(("name", "budget"), LISTS)
def test_lists_stay_within_their_query_budget(
    client, submitted, inspector, post, name, budget, django_assert_max_num_queries
):
    _many(submitted, inspector, post)
    login(client, inspector)
    url = reverse(name) + ("?area=65" if name.endswith("agencies") else "")
    client.get(url)  # warm caches (sessions, content types)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200
    _many(submitted, inspector, post, n=20)
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_detail_pages_render(client, submitted, action, inspector, post):
    login(client, inspector)
    for url in (
        reverse("oversight:visit", args=[submitted.pk]),
        reverse("oversight:visit_edit", args=[submitted.pk]),
        reverse("oversight:finding_new", args=[submitted.pk]),
        reverse("oversight:action", args=[action.pk]),
        reverse("oversight:agency", args=[post.slug]),
        reverse("oversight:visit_new") + "?area=65",
    ):
        response = client.get(url)
        assert response.status_code == 200, url


def test_overdue_stands_out_with_words(client, action, post_officer):
    FollowUpAction.objects.filter(pk=action.pk).update(due_date=due_in(-1))
    login(client, post_officer)
    for url in (reverse("oversight:actions"), reverse("oversight:action", args=[action.pk])):
        html = client.get(url).content.decode()
        assert 'class="overdue-label"' in html and 'data-test="overdue"' in html
    assert 'class="overdue"' in client.get(reverse("oversight:actions")).content.decode()


def test_another_province_sees_nothing(client, submitted, action, chiangmai_officer):
    login(client, chiangmai_officer)
    for name in ("oversight:actions", "oversight:visits"):
        html = client.get(reverse(name) + "?show=all").content.decode()
        assert action.title not in html and submitted.title not in html
    for url in (
        reverse("oversight:visit", args=[submitted.pk]),
        reverse("oversight:action", args=[action.pk]),
        reverse("oversight:finding_photo", args=[1]),
    ):
        assert client.get(url).status_code == 404, url
    response = client.post(reverse("oversight:action_move", args=[action.pk, "start"]))
    assert response.status_code == 404
    assert FollowUpAction.objects.get(pk=action.pk).status == ActionStatus.OPEN


def test_a_draft_is_seen_only_by_inspectors(client, visit, post_officer, inspector):
    login(client, post_officer)
    assert client.get(reverse("oversight:visit", args=[visit.pk])).status_code == 404
    actions.submit_visit(inspector, visit)
    assert client.get(reverse("oversight:visit", args=[visit.pk])).status_code == 200


def test_the_visit_form_saves_a_draft_without_javascript(client, inspector, post):
    login(client, inspector)
    url = reverse("oversight:visit_new") + "?area=65"
    response = client.post(
        url,
        {
            "title": "ลงพื้นที่พรหมพิราม",
            "start_date": "2020-07-22",
            "end_date": "2020-07-23",
            "inspectors": [inspector.pk],
            f"met_{post.pk}": "on",
            f"reps_{post.pk}": "ผู้จัดการ",
            "submit": "0",
        },
    )
    assert response.status_code == 302
    visit = Visit.objects.get(title="ลงพื้นที่พรหมพิราม")
    assert visit.status == VisitStatus.DRAFT
    assert visit.agencies_met.get().representatives == "ผู้จัดการ"
    page = client.get(reverse("oversight:visit_edit", args=[visit.pk])).content.decode()
    assert f'data-draft="visit-{visit.pk}"' in page and "oversight/draft.js" in page
    response = client.post(
        reverse("oversight:visit_edit", args=[visit.pk]),
        {"title": visit.title, "start_date": "2020-07-22", "end_date": "2020-07-23", "submit": "1"},
    )
    visit.refresh_from_db()
    assert visit.status == VisitStatus.SUBMITTED and not visit.agencies_met.exists()


def test_a_provincial_officer_cannot_record_a_visit(client, phitsanulok_officer):
    login(client, phitsanulok_officer)
    assert client.get(reverse("oversight:visit_new") + "?area=65").status_code == 404


def test_finding_form_with_photo_and_action(client, visit, place, inspector, post, settings):
    login(client, inspector)
    response = client.post(
        reverse("oversight:finding_new", args=[visit.pk]),
        {
            "place": place.pk,
            "category": "community_economy",
            "severity": "high",
            "problem": "ไม่มีช่องทางขายออนไลน์",
            "photos": [testing.upload(photo_with_exif())],
            "photos_public": "on",
            "action_title": "ขึ้นร้านค้าออนไลน์",
            "action_owner": post.pk,
            "action_due_date": due_in(30).isoformat(),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    finding = visit.findings.get()
    photo = finding.photos.get()
    assert photo.latitude == 16.9794 and photo.public
    assert finding.actions.get().owner == post
    image = client.get(reverse("oversight:finding_photo", args=[photo.pk]))
    assert image.status_code == 200 and image["Cache-Control"] == "private, no-store"


def test_the_owner_updates_with_evidence_others_cannot(client, action, post_officer, nt_officer):
    login(client, nt_officer)
    response = client.post(
        reverse("oversight:action_update", args=[action.pk]), {"text": "ไม่ใช่ของเรา"}
    )
    assert response.status_code == 400 and not action.updates.exists()
    login(client, post_officer)
    pdf = testing.upload(b"%PDF-1.4 evidence", "หนังสือ.pdf", "application/pdf")
    response = client.post(
        reverse("oversight:action_update", args=[action.pk]),
        {"text": "เปิดร้านแล้ว", "date": due_in(-1).isoformat(), "files": [pdf], "move": "start"},
    )
    assert response.status_code == 302
    evidence = action.updates.get().evidence.get()
    assert FollowUpAction.objects.get(pk=action.pk).status == ActionStatus.IN_PROGRESS
    url = reverse("oversight:evidence", args=[evidence.pk])
    assert client.get(url).status_code == 200
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    login(client, testing.chiangmai_officer())
    assert client.get(url).status_code == 404


def test_only_inspectors_see_verify_and_it_works(client, action, post_officer, inspector):
    actions.move_action(post_officer, action, "finish")
    login(client, post_officer)
    html = client.get(reverse("oversight:action", args=[action.pk])).content.decode()
    assert "move-verify" not in html
    response = client.post(reverse("oversight:action_move", args=[action.pk, "verify"]))
    assert response.status_code == 403
    login(client, inspector)
    html = client.get(reverse("oversight:action", args=[action.pk])).content.decode()
    assert "move-verify" in html
    client.post(reverse("oversight:action_move", args=[action.pk, "verify"]))
    assert FollowUpAction.objects.get(pk=action.pk).status == ActionStatus.VERIFIED


def test_meeting_pages_and_decisions(client, phitsanulok_officer, post, nt):
    login(client, phitsanulok_officer)
    response = client.post(
        reverse("oversight:meeting_new") + "?area=65",
        {
            "title": "ประชุมหน่วยงาน",
            "starts_at": "2020-07-22T09:30",
            "place": "ห้องประชุมจังหวัด",
            "attendees": [post.pk, nt.pk],
        },
    )
    assert response.status_code == 302
    meeting_url = response["Location"]
    pk = int(meeting_url.rstrip("/").split("/")[-1])
    assert client.get(meeting_url).status_code == 200
    data = {
        "d-TOTAL_FORMS": "3",
        "d-INITIAL_FORMS": "0",
        "d-0-title": "ช่องทางกลาง",
        "d-0-owner": post.pk,
        "d-0-due_date": due_in(20).isoformat(),
        "d-1-title": "ขยายสัญญาณ",
        "d-1-owner": nt.pk,
        "d-1-due_date": due_in(20).isoformat(),
    }
    response = client.post(reverse("oversight:meeting_decisions", args=[pk]), data)
    assert response.status_code == 302
    assert sorted(FollowUpAction.objects.filter(meeting_id=pk).values_list("title", flat=True)) == [
        "ขยายสัญญาณ",
        "ช่องทางกลาง",
    ]


def test_announcements_and_plans(client, phitsanulok_officer, inspector):
    login(client, phitsanulok_officer)
    response = client.post(
        reverse("oversight:announcements") + "?area=65", {"title": "แจ้ง", "body": "ประชุมพุธ"}
    )
    assert response.status_code == 302
    assert "ประชุมพุธ" in client.get(reverse("oversight:announcements")).content.decode()
    login(client, inspector)
    response = client.post(
        reverse("oversight:plans"),
        {
            "area_code": "65",
            "fiscal_year": 2563,
            "round": 1,
            "planned_start": "2020-07-22",
            "planned_end": "2020-07-23",
            "inspectors": [inspector.pk],
        },
    )
    assert response.status_code == 302
    assert "2563" in client.get(reverse("oversight:plans") + "?fy=2563").content.decode()
