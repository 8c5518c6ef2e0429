"""A person chooses the language of their messages and the LINE ID they are pushed to."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LINE = "U" + "9c" * 16


def test_the_me_page_saves_language_and_line_id(client, phitsanulok_officer, thai):
    client.force_login(phitsanulok_officer)
    page = client.get(reverse("accounts:me")).content.decode()
    assert "การแจ้งเตือน" in page and 'name="line_push_id"' in page
    response = client.post(reverse("accounts:me"), {"language": "en", "line_push_id": LINE})
    assert response.status_code == 302
    phitsanulok_officer.refresh_from_db()
    assert (phitsanulok_officer.language, phitsanulok_officer.line_push_id) == ("en", LINE)


def test_a_public_line_id_is_refused_in_thai(client, phitsanulok_officer, thai):
    client.force_login(phitsanulok_officer)
    response = client.post(reverse("accounts:me"), {"language": "th", "line_push_id": "@somchai"})
    assert response.status_code == 200
    assert "ขึ้นต้นด้วย U, C หรือ R" in response.content.decode()
    phitsanulok_officer.refresh_from_db()
    assert phitsanulok_officer.line_push_id == ""
