"""The admin in Thai: titles, and date columns in the Buddhist Era."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from pracharat.core.admin import ThaiDatesMixin

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        email="admin@example.org", password="x-very-long-password-1"
    )
    client.force_login(user)
    return client


def test_every_admin_of_ours_shows_dates_in_the_buddhist_era():
    ours = [a for m, a in admin.site._registry.items() if m.__module__.startswith("pracharat.")]
    assert len(ours) > 10
    assert all(isinstance(a, ThaiDatesMixin) for a in ours), [
        type(a).__name__ for a in ours if not isinstance(a, ThaiDatesMixin)
    ]


def test_the_admin_index_is_in_thai(staff):
    html = staff.get(reverse("admin:index")).content.decode()
    assert "ระบบจัดการเน็ตประชารัฐ" in html and "ข้อมูลและการตั้งค่า" in html
