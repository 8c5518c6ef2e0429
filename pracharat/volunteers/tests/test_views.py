"""The volunteers' pages and API: who sees what, the no-JS activity form, query budgets."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pracharat import testing
from pracharat.accounts.models import ApiToken
from pracharat.volunteers.models import Volunteer, VolunteerActivity

pytestmark = pytest.mark.django_db

PHONE = "0891112233"


@pytest.fixture
def many(volunteer_record, ban_khlong_mem, other_village):
    """Twelve more volunteers in Tha Chang, each with three activities."""
    for n in range(12):
        user = testing.person(f"v{n}@example.org", phone=f"08900000{n:02d}", name=f"อาสา{n} นามสกุล")
        record = testing.volunteer_record(user, villages=("65060201",))
        for k in range(3):
            VolunteerActivity.objects.create(
                volunteer=record,
                kind="community",
                village=other_village,
                area_code="65060201",
                people_helped=k,
                note=f"note-{n}-x",
            )
    user = volunteer_record.user
    user.phone = PHONE
    user.save()
    return volunteer_record


def test_the_public_list_and_profile_show_no_personal_data(
    client, many, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        page = client.get(reverse("volunteers:index"))
    body = page.content.decode()
    assert page.status_code == 200 and body.count('href="/volunteers/profile/') == 13
    assert "บุญมี" in body and PHONE not in body and "นามสกุล" not in body
    profile = client.get(reverse("volunteers:profile", args=[many.pk])).content.decode()
    assert "บุญมี" in profile and PHONE not in profile and "volunteer@example.org" not in profile
    assert "บ้านคลองเมม" in profile


def test_the_officers_list_and_log_in_their_area(
    client, many, phitsanulok_officer, chiangmai_officer, django_assert_max_num_queries
):
    client.force_login(phitsanulok_officer)
    with django_assert_max_num_queries(8):
        page = client.get(reverse("volunteers:index"))
    assert (
        page.content.decode().count('href="/volunteers/') >= 13
        and "นามสกุล" in page.content.decode()
    )
    with django_assert_max_num_queries(8):
        log = client.get(reverse("volunteers:activities"))
    assert log.status_code == 200 and log.content.decode().count("note-") == 36
    detail = client.get(reverse("volunteers:volunteer", args=[many.pk]))
    assert detail.status_code == 200 and PHONE in detail.content.decode()
    client.force_login(chiangmai_officer)  # another province: nothing
    assert "นามสกุล" not in client.get(reverse("volunteers:index")).content.decode()
    assert "note-" not in client.get(reverse("volunteers:activities")).content.decode()
    assert client.get(reverse("volunteers:volunteer", args=[many.pk])).status_code == 404


def test_the_volunteers_own_page(client, many, volunteer, django_assert_max_num_queries):
    for n in range(60):
        VolunteerActivity.objects.create(
            volunteer=many,
            kind="helped_at_point",
            village_id="65060209",
            area_code="65060209",
            people_helped=1,
            date=timezone.localdate() - dt.timedelta(days=n),
        )
    client.force_login(volunteer)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("volunteers:me"))
    body = page.content.decode()
    assert page.status_code == 200 and 'data-test="activity-total">60<' in body
    assert 'data-test="helped-total">60<' in body and "อาสา1" not in body


def test_recording_from_the_form_without_javascript(
    client, volunteer, volunteer_record, khlong_mem_point, uploads
):
    client.force_login(volunteer)
    form = client.get(reverse("volunteers:record"))
    assert form.status_code == 200 and 'type="file"' in form.content.decode()
    answer = client.post(
        reverse("volunteers:record"),
        {
            "kind": "helped_at_point",
            "date": timezone.localdate().isoformat(),
            "village": "65060209",
            "service_point": khlong_mem_point.pk,
            "people_helped": "3",
            "note": "ช่วยสมัครอีเมล",
            "photo": testing.upload(testing.picture_bytes()),
        },
    )
    assert answer.status_code == 302 and answer["Location"] == reverse("volunteers:me")
    activity = VolunteerActivity.objects.get()
    assert activity.people_helped == 3 and activity.photo
    photo = client.get(reverse("volunteers:activity_photo", args=[activity.pk]))
    assert photo.status_code == 200 and photo["Cache-Control"] == "private, no-store"
    bad = client.post(
        reverse("volunteers:record"),
        {
            "kind": "helped_at_point",
            "village": "65060209",
            "date": "2026-01-01",
            "people_helped": "-2",
        },
    )
    assert bad.status_code == 400 and VolunteerActivity.objects.count() == 1


def test_photos_and_edits_for_the_volunteer_and_the_areas_officers(
    client, volunteer_record, other_volunteer, phitsanulok_officer, chiangmai_officer, uploads
):
    from pracharat.core.lib import images
    from pracharat.volunteers import actions

    activity = actions.record_activity(
        volunteer_record.user,
        actions.ActivityInput(
            kind="community",
            village=volunteer_record.postings.get().village,
            photo=images.load(testing.picture_bytes(), max_side=300),
        ),
    )
    photo = reverse("volunteers:activity_photo", args=[activity.pk])
    edit = reverse("volunteers:activity_edit", args=[activity.pk])
    assert client.get(photo).status_code == 404
    for who, status in (
        (other_volunteer.user, 404),
        (chiangmai_officer, 404),
        (phitsanulok_officer, 200),
    ):
        client.force_login(who)
        assert client.get(photo).status_code == status
    assert client.get(edit).status_code == 403  # the officer sees it but does not edit it
    client.force_login(other_volunteer.user)
    assert client.get(edit).status_code == 404


def test_the_officer_registers_a_volunteer_from_the_page(
    client, phitsanulok_officer, ban_khlong_mem
):
    client.force_login(phitsanulok_officer)
    answer = client.post(
        reverse("volunteers:register"),
        {
            "full_name": "มานี มีใจ",
            "phone": "0815551234",
            "villages": "65060209",
            "since": "2024-05-01",
            "skills": ["smartphone"],
        },
    )
    volunteer = Volunteer.objects.get()
    assert answer.status_code == 302 and volunteer.user.full_name == "มานี มีใจ"
    assert volunteer.since == dt.date(2024, 5, 1)
    deactivate = reverse("volunteers:volunteer_status", args=[volunteer.pk, "deactivate"])
    assert client.post(deactivate).status_code == 302
    assert Volunteer.objects.get().status == "inactive"


def test_the_village_page_shows_its_volunteers(
    client, volunteer_record, django_assert_max_num_queries
):
    page = client.get("/geo/65060209/")
    body = page.content.decode()
    assert page.status_code == 200 and 'data-test="volunteers-panel"' in body and "บุญมี" in body


def test_the_api_counts_and_own_activities(
    client, many, volunteer, buyer, django_assert_max_num_queries
):
    counts = client.get("/api/v1/volunteers/areas/650602/counts").json()
    assert counts["volunteers"] == 13 and counts["activities"] == 36
    assert client.get("/api/v1/volunteers/counts").json()["people_helped"] == 36
    assert client.get("/api/v1/volunteers/me/activities").status_code == 401
    _, key = ApiToken.issue(volunteer, "phone")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    created = client.post(
        "/api/v1/volunteers/me/activities",
        {
            "kind": "helped_at_point",
            "village": "65060209",
            "people_helped": 4,
            "service_point": None,
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    assert created.json()["people_helped"] == 4
    refused = client.post(
        "/api/v1/volunteers/me/activities",
        {"kind": "helped_at_point", "village": "65060201"},
        content_type="application/json",
        **auth,
    )
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["loc"] == [
        "village"
    ]
    with django_assert_max_num_queries(5):
        mine = client.get("/api/v1/volunteers/me/activities", **auth).json()
    assert mine["count"] == 1 and mine["items"][0]["village"] == "65060209"
    _, other_key = ApiToken.issue(buyer, "x")
    not_one = client.get(
        "/api/v1/volunteers/me/activities", HTTP_AUTHORIZATION=f"Bearer {other_key}"
    )
    assert not_one.status_code == 403
