"""The network's admin: a device's secret is never shown back (an empty field keeps it),
and dates are in the Buddhist Era."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from pracharat.network.models import Incident, IncidentSource, Nas

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


def test_a_change_list_shows_buddhist_era_dates_and_still_sorts_by_them(operator, khlong_mem_point):
    due = timezone.make_aware(dt.datetime(2026, 11, 23, 14, 5))
    Incident.objects.create(
        service_point=khlong_mem_point,
        area_code=khlong_mem_point.area_code,
        source=IncidentSource.MANUAL,
        summary="สายขาด",
        opened_at=due - dt.timedelta(hours=4),
        sla_due=due,
    )
    url = reverse("admin:network_incident_changelist")
    html = operator.get(url).content.decode()
    assert "23 พ.ย. 2569 14:05 น." in html and "2026" not in html.split("<tbody>")[1]
    sorted_page = operator.get(url, {"o": "6"})  # the sla_due column, still orderable
    assert sorted_page.status_code == 200 and "23 พ.ย. 2569" in sorted_page.content.decode()
