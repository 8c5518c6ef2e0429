"""The admin never shows a device's secret back, and an empty field keeps it."""

from __future__ import annotations

import pytest

from pracharat.network.models import Nas

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(client, django_user_model, fast_hashing):
    user = django_user_model.objects.create_superuser(
        email="root@example.org", password="x-very-long-password", full_name="Root"
    )
    client.force_login(user)
    return client


def test_secret_is_never_rendered_and_blank_keeps_it(operator, khlong_mem_nas):
    url = f"/admin/network/nas/{khlong_mem_nas.pk}/change/"
    page = operator.get(url)
    assert page.status_code == 200
    assert b"testing123" not in page.content
    point_page = operator.get(
        f"/admin/network/servicepoint/{khlong_mem_nas.service_point_id}/change/"
    )
    assert b"testing123" not in point_page.content
    response = operator.post(
        url,
        {
            "service_point": khlong_mem_nas.service_point_id,
            "nas_ip": "127.0.0.1",
            "nas_identifier": "khlong-mem-ap",
            "called_station_id": "",
            "secret": "",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert Nas.objects.get().secret == "testing123"
    assert b"testing123" not in operator.get("/admin/auditlog/logentry/").content
