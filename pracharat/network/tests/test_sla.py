"""The monthly SLA report of a province's providers: figures worked out by hand for October
2026, who may read it, CSV/XLSX/PDF, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pracharat import testing
from pracharat.accounts.models import AgencyKind
from pracharat.core.tests.pdf_tools import pdf_text, words
from pracharat.network.models import Incident, IncidentSource, ServicePoint
from pracharat.network.tests.conftest import bangkok
from pracharat.network.tests.webfixtures import make_points

pytestmark = pytest.mark.django_db

URL = reverse("network:sla_report", args=["65", "2026-10"])


def incident(point, source, opened, due, acked=None, resolved=None):
    return Incident.objects.create(
        service_point=point,
        area_code=point.area_code,
        agency=point.provider,
        source=source,
        summary="x",
        status="resolved" if resolved else ("acknowledged" if acked else "open"),
        opened_at=opened,
        sla_due=due,
        acknowledged_at=acked,
        resolved_at=resolved,
    )


@pytest.fixture
def october(khlong_mem_point, nt):
    """NT's four Phitsanulok points and another provider's one, with October's incidents."""
    second, third, fourth = make_points(3, provider=nt)
    for p in (second, third, fourth):
        p.status = "active"
        p.save()
    other = testing.agency("3bb-phitsanulok", "65", AgencyKind.TELECOM)
    other_point = make_points(1, provider=other, first=20)[0]
    # A: an outage of 12 hours, acknowledged after 2, fixed in time.
    incident(
        khlong_mem_point,
        IncidentSource.OUTAGE,
        bangkok(2026, 10, 10, 0),
        bangkok(2026, 10, 11, 0),
        bangkok(2026, 10, 10, 2),
        bangkok(2026, 10, 10, 12),
    )
    # B: a public report acknowledged after 24 h and fixed after 48 h, a day late.
    incident(
        second,
        IncidentSource.REPORT,
        bangkok(2026, 10, 20, 0),
        bangkok(2026, 10, 21, 0),
        bangkok(2026, 10, 21, 0),
        bangkok(2026, 10, 22, 0),
    )
    # C: an outage from September 30, 18:00 to October 1, 06:00: 6 hours down in October.
    incident(
        third,
        IncidentSource.OUTAGE,
        bangkok(2026, 9, 30, 18),
        bangkok(2026, 10, 1, 18),
        resolved=bangkok(2026, 10, 1, 6),
    )
    # D: an alert from October 31, 20:00, still open, due in November: 4 hours in October.
    incident(fourth, IncidentSource.ALERT, bangkok(2026, 10, 31, 20), bangkok(2026, 11, 1, 20))
    # The other provider: one report, never acknowledged, past its deadline.
    incident(other_point, IncidentSource.REPORT, bangkok(2026, 10, 5, 9), bangkok(2026, 10, 6, 9))
    return nt, other


def rows(response):
    return {r.slug: r for r in response.context["report"].rows}


def test_the_figures_of_october(client, october, phitsanulok_officer):
    client.force_login(phitsanulok_officer)
    response = client.get(URL)
    assert response.status_code == 200
    nt = rows(response)["nt-phitsanulok"]
    assert (nt.points, nt.incidents, nt.acknowledged, nt.fixed) == (4, 3, 2, 2)
    assert (nt.ack_hours, nt.fix_hours) == (13.0, 30.0)  # medians of 2 & 24, 12 & 48
    assert (nt.missed, nt.open_at_end, nt.down_hours) == (1, 1, 22.0)
    assert nt.uptime == round(100 * (1 - 22 / (4 * 31 * 24)), 2) == 99.26
    other = rows(response)["3bb-phitsanulok"]
    assert (other.points, other.incidents, other.missed, other.acknowledged) == (1, 1, 1, 0)
    assert other.uptime == 100.0  # a report is not an outage
    total = response.context["report"].total
    assert (total.points, total.incidents, total.missed) == (5, 4, 2)
    body = response.content.decode()
    assert 'data-test="sla-total"' in body and "99.26" in body


def test_the_agency_officer_reads_only_their_own_agency(client, october, nt_officer):
    client.force_login(nt_officer)
    response = client.get(URL)
    assert response.status_code == 200 and list(rows(response)) == ["nt-phitsanulok"]


def test_others_may_not_read_it(client, october, chiangmai_officer, volunteer):
    assert client.get(URL).status_code == 302  # to the login page
    for outsider in (chiangmai_officer, volunteer):
        client.force_login(outsider)
        assert client.get(URL).status_code == 403
    client.force_login(testing.inspector())
    assert client.get(URL).status_code == 200
    assert client.get(reverse("network:sla_report", args=["65", "2026-13"])).status_code == 404
    assert client.get(reverse("network:sla_report", args=["99", "2026-10"])).status_code == 404


def test_csv_xlsx_and_a_thai_pdf(client, october, phitsanulok_officer):
    from openpyxl import load_workbook

    client.force_login(phitsanulok_officer)
    csv = client.get(reverse("network:sla_report_file", args=["65", "2026-10", "csv"]))
    text = b"".join(csv.streaming_content).decode("utf-8-sig")
    header, *lines = text.strip().splitlines()
    assert header.startswith("ผู้ให้บริการ,") and "อัตราการใช้งานได้ (%)" in header
    assert lines[0].startswith("3bb-phitsanulok,") or lines[0].startswith("nt-phitsanulok,")
    assert any(line.startswith("nt-phitsanulok,") and "99.26" in line for line in lines)
    assert lines[-1].startswith(",ผู้ให้บริการทั้งหมด,5,4,")
    xlsx = client.get(reverse("network:sla_report_file", args=["65", "2026-10", "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 4 and values[-1][2:4] == [5, 4]
    pdf = client.get(reverse("network:sla_report_file", args=["65", "2026-10", "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    text = words(pdf_text(pdf.content, raw=True))
    assert "รายงาน SLA: พิษณุโลก, ตุลาคม 2569" in text
    assert "99.26" in text and "ทั้งหมด 5 4 2 13.0 2 30.0 2 2" in text  # the total, wrapped


def test_the_report_runs_the_same_queries_whatever_its_size(
    client, october, phitsanulok_officer, nt
):
    client.force_login(phitsanulok_officer)
    client.get(URL)
    with CaptureQueriesContext(connection) as small:
        assert client.get(URL).status_code == 200
    for n, point in enumerate(make_points(20, provider=nt, first=40)):
        day = bangkok(2026, 10, 2 + n % 20, 8)
        incident(
            point,
            IncidentSource.OUTAGE,
            day,
            day + dt.timedelta(hours=24),
            resolved=day + dt.timedelta(hours=3),
        )
    with CaptureQueriesContext(connection) as large:
        assert client.get(URL).status_code == 200
    assert len(large) == len(small), [q["sql"] for q in large]
    assert ServicePoint.objects.filter(provider=nt).count() == 24


def test_the_index_goes_to_last_month_of_the_officers_province(client, phitsanulok_officer):
    client.force_login(phitsanulok_officer)
    answer = client.get(reverse("network:sla"))
    assert answer.status_code == 302 and "/network/sla/65/" in answer["Location"]
