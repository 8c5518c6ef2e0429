"""The network's pages: status codes, Thai text, area scoping and bounded query counts."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from pracharat.network.models import Incident, IncidentSource, PointStatus
from pracharat.network.tests.webfixtures import *  # noqa: F403 - fixtures
from pracharat.network.tests.webfixtures import make_points

pytestmark = pytest.mark.django_db


def open_incident(point, **extra):
    from django.utils import timezone

    now = timezone.now()
    return Incident.objects.create(
        service_point=point,
        area_code=point.area_code,
        agency=point.provider,
        source=extra.pop("source", IncidentSource.OUTAGE),
        summary=extra.pop("summary", "Outage"),
        opened_at=now,
        sla_due=now + timezone.timedelta(hours=24),
        **extra,
    )


def test_index_in_thai_with_national_counts(client, khlong_mem_usage, thai):
    response = client.get(reverse("network:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "จุดให้บริการ" in html
    assert "พิษณุโลก" in html
    assert reverse("network:map", args=["65"]) in html


def test_index_search_by_code_and_village_name(client, khlong_mem_point):
    found = client.get(reverse("network:index"), {"q": "NP-65060209"})
    assert "ศาลาประชาคมบ้านคลองเมม" in found.content.decode()
    by_name = client.get(reverse("network:index"), {"q": "คลองเมม"})
    assert reverse("network:point", args=["NP-65060209"]) in by_name.content.decode()
    nothing = client.get(reverse("network:index"), {"q": "ไม่มีหมู่บ้านนี้"})
    assert reverse("network:point", args=["NP-65060209"]) not in nothing.content.decode()


def test_point_page_shows_status_usage_and_no_secrets(client, khlong_mem_usage, khlong_mem_nas):
    response = client.get(reverse("network:point", args=["NP-65060209"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "ศาลาประชาคมบ้านคลองเมม" in html
    assert "ใช้งานได้" in html  # status: active
    assert "<svg" in html
    assert 'data-test="report-form"' in html
    assert "testing123" not in html
    # today: 3 users, 3 sessions
    assert response.context["usage"]["today"].users == 3
    assert response.context["usage"]["total"].sessions == 10


def test_point_page_404_for_unknown_code(client, geography):
    assert client.get(reverse("network:point", args=["NP-00000000"])).status_code == 404


def test_point_page_shows_open_incident(client, khlong_mem_point):
    open_incident(khlong_mem_point)
    html = client.get(reverse("network:point", args=["NP-65060209"])).content.decode()
    assert 'data-test="incident"' in html


def test_map_page_has_no_js_fallback_and_geojson_link(client, khlong_mem_point):
    response = client.get(reverse("network:map", args=["65"]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<svg" in html and 'class="dots active"' in html
    assert "/api/v1/network/service-points.geojson?area=65" in html
    assert "leaflet.js" in html  # fetched on demand by map.js, not on first load
    assert '<script src="/static/core/vendor/leaflet' not in html
    assert client.get(reverse("network:map", args=["99"])).status_code == 404


def test_area_dashboards_for_country_province_and_district(client, khlong_mem_usage, thai):
    for url in (
        reverse("network:country"),
        reverse("network:area", args=["65"]),
        reverse("network:area", args=["6506"]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "ปีงบประมาณ" in html
        assert html.count("<svg") >= 3
        assert response.context["pic"].today_row.users == 3
        assert [r.service_point.code for r in response.context["pic"].best] == ["NP-65060209"]
    assert client.get(reverse("network:area", args=["99"])).status_code == 404
    assert client.get("/network/area/650602/").status_code == 404


def test_public_dashboard_hides_incident_details_until_login(
    client, khlong_mem_point, phitsanulok_officer, chiangmai_officer
):
    open_incident(khlong_mem_point, summary="สัญญาณหาย", source=IncidentSource.MANUAL)
    url = reverse("network:area", args=["65"])
    anonymous = client.get(url)
    assert anonymous.context["pic"].open_incidents == 1
    assert "สัญญาณหาย" not in anonymous.content.decode()
    client.force_login(phitsanulok_officer)
    assert "สัญญาณหาย" in client.get(url).content.decode()
    client.force_login(chiangmai_officer)
    assert "สัญญาณหาย" not in client.get(url).content.decode()


def test_geo_area_pages_carry_the_network_panel(client, khlong_mem_point):
    for code in ("65", "6506", "650602", "65060209"):
        html = client.get(reverse("geo:area", args=[code])).content.decode()
        assert 'data-test="network-panel"' in html, code
    village = client.get(reverse("geo:area", args=["65060209"])).content.decode()
    assert reverse("network:point", args=["NP-65060209"]) in village
    assert 'data-test="network-panel"' not in client.get("/geo/50/").content.decode()


def test_incident_pages_need_login(client, khlong_mem_point):
    incident = open_incident(khlong_mem_point)
    for url in (
        reverse("network:incidents"),
        reverse("network:incident", args=[incident.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]


def test_nt_officer_sees_nt_incidents_of_phitsanulok(client, khlong_mem_point, nt_officer):
    incident = open_incident(khlong_mem_point)
    client.force_login(nt_officer)
    listing = client.get(reverse("network:incidents"))
    assert list(listing.context["page"].object_list) == [incident]
    detail = client.get(reverse("network:incident", args=[incident.pk]))
    assert detail.status_code == 200
    assert detail.context["can_work"] is True


def test_chiangmai_officer_sees_no_phitsanulok_incident_even_by_url(
    client, khlong_mem_point, chiangmai_officer, chiangmai_point
):
    theirs = open_incident(khlong_mem_point)
    ours = open_incident(chiangmai_point)
    client.force_login(chiangmai_officer)
    listing = client.get(reverse("network:incidents"))
    assert list(listing.context["page"].object_list) == [ours]
    assert client.get(reverse("network:incident", args=[theirs.pk])).status_code == 404
    response = client.post(
        reverse("network:incident_action", args=[theirs.pk, "resolve"]), {"resolution": "x"}
    )
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_open


def test_inspector_sees_every_incident(client, khlong_mem_point, chiangmai_point, inspector):
    open_incident(khlong_mem_point)
    open_incident(chiangmai_point)
    client.force_login(inspector)
    assert client.get(reverse("network:incidents")).context["page"].paginator.count == 2


def count_queries(client, urls) -> dict[str, int]:
    """Queries each page runs, counted at the database wrapper (every execute, including
    those a request runs before Django's query log is reset for it)."""
    counts = {}
    for url in urls:
        executed = []
        with connection.execute_wrapper(
            lambda run, sql, *args, log=executed: log.append(sql) or run(sql, *args)
        ):
            assert client.get(url).status_code == 200, url
        counts[url] = len(executed)
    return counts


# The pages' fixed budgets (anonymous visitor); the geo page also runs other pillars' panels.
BUDGETS = {"index": 7, "search": 8, "map": 3, "country": 7, "province": 8, "district": 7}


def test_pages_run_the_same_queries_for_10_and_100_points(client, nt_agency):
    points = make_points(10, provider=nt_agency)
    for p in points[:3]:
        open_incident(p)
    urls = {
        "index": reverse("network:index"),
        "search": reverse("network:index") + "?q=NP-65",
        "map": reverse("network:map", args=["65"]),
        "country": reverse("network:country"),
        "province": reverse("network:area", args=["65"]),
        "district": reverse("network:area", args=[points[0].area_code[:4]]),
        "point": reverse("network:point", args=[points[0].code]),
        "geo": reverse("geo:area", args=["65"]),
    }
    with_10 = count_queries(client, urls.values())
    more = make_points(90, provider=nt_agency, first=10)
    for p in more[:30]:
        open_incident(p)
    with_100 = count_queries(client, urls.values())
    assert with_10 == with_100
    for name, budget in BUDGETS.items():
        assert with_100[urls[name]] == budget, (name, with_100)


def test_status_badges_follow_point_status(client, khlong_mem_point):
    khlong_mem_point.status = PointStatus.DOWN
    khlong_mem_point.save()
    html = client.get(reverse("network:point", args=["NP-65060209"])).content.decode()
    assert 'class="badge bad" data-test="status"' in html


def test_pages_in_english(client, khlong_mem_usage, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    point = client.get(reverse("network:point", args=["NP-65060209"])).content.decode()
    assert "Report a problem" in point and "Ban Khlong Mem" in point
    area = client.get(reverse("network:area", args=["65"])).content.decode()
    assert "Fiscal years" in area and "Phitsanulok" in area


def test_english_pages_show_english_labels_and_generated_titles(
    client, khlong_mem_point, khlong_mem_usage, nt_officer, settings
):
    from django.utils import translation

    from pracharat.network.models import FaultProblem

    with translation.override("th"):  # written while the page was Thai
        outage = open_incident(khlong_mem_point, summary="ใช้งานไม่ได้: ศาลา")
    client.force_login(nt_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    detail = client.get(reverse("network:incident", args=[outage.pk])).content.decode()
    assert f"Outage: {khlong_mem_point.place_name}" in detail
    area = client.get(reverse("network:area", args=["65"])).content.decode()
    assert "Fiscal year 20" in area and "ปีงบประมาณ" not in area
    assert "ม.ค." not in area and "ก.ย." not in area  # chart ticks in English too
    with translation.override("th"):
        thai_label = str(FaultProblem.SLOW.label)
    outage.status = "resolved"
    outage.save()
    report = open_incident(khlong_mem_point, source=IncidentSource.REPORT, summary=thai_label)
    listing = client.get(reverse("network:incidents")).content.decode()
    assert "Very slow" in listing and thai_label not in listing
    typed = Incident(summary="สายขาด", source=IncidentSource.MANUAL)
    with translation.override("en"):
        assert typed.title == "สายขาด" and report.title == "Very slow"
    with translation.override("th"):
        assert report.title == thai_label
