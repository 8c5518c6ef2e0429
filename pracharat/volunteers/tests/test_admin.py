"""The volunteers' admin: the registry's villages keep the memberships in step, and status
moves go through the machine."""

from __future__ import annotations

import pytest

from pracharat.accounts.models import Membership, Role
from pracharat.volunteers.models import Volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model, fast_hashing):
    user = django_user_model.objects.create_superuser(
        email="root@example.org", password="x-very-long-password", full_name="Root"
    )
    client.force_login(user)
    return client


def test_lists_and_a_change_page(admin_client, volunteer_record, django_assert_max_num_queries):
    for url in ("/admin/volunteers/volunteer/", "/admin/volunteers/volunteeractivity/"):
        with django_assert_max_num_queries(12):
            assert admin_client.get(url).status_code == 200
    page = admin_client.get(f"/admin/volunteers/volunteer/{volunteer_record.pk}/change/")
    assert page.status_code == 200


def test_adding_a_village_in_the_admin_adds_the_membership(
    admin_client, volunteer_record, other_village
):
    posting = volunteer_record.postings.get()
    answer = admin_client.post(
        f"/admin/volunteers/volunteer/{volunteer_record.pk}/change/",
        {
            "user": volunteer_record.user_id,
            "display_name": "",
            "since": "2020-01-01",
            "skills": "[]",
            "other_skills": "",
            "postings-TOTAL_FORMS": "2",
            "postings-INITIAL_FORMS": "1",
            "postings-0-id": posting.pk,
            "postings-0-volunteer": volunteer_record.pk,
            "postings-0-village": posting.village_id,
            "postings-1-volunteer": volunteer_record.pk,
            "postings-1-village": other_village.code,
        },
    )
    assert answer.status_code == 302, answer.content.decode()[:3000]
    codes = Membership.objects.filter(user=volunteer_record.user, role=Role.VOLUNTEER)
    assert sorted(codes.values_list("area_code", flat=True)) == ["65060201", "65060209"]


def test_the_deactivate_action(admin_client, volunteer_record):
    admin_client.post(
        "/admin/volunteers/volunteer/",
        {"action": "deactivate", "_selected_action": [volunteer_record.pk]},
    )
    assert Volunteer.objects.get().status == "inactive"
    assert not Membership.objects.filter(user=volunteer_record.user, role=Role.VOLUNTEER).exists()
