"""The service-point registry: search by village code, name or device; contract data with the
monthly cost's history (``contracts.cost_for``); contract columns in the import, web and CLI."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from pracharat.network import contracts
from pracharat.network.imports import import_points
from pracharat.network.models import Nas, PointCost, ServicePoint
from pracharat.network.tests.webfixtures import make_points

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_months_cost_follows_the_history(khlong_mem_point):
    point = khlong_mem_point
    PointCost.objects.all().delete()
    contracts.set_monthly_cost(point, Decimal("1200.00"), D(2018, 6, 15))
    contracts.set_monthly_cost(point, Decimal("1000.00"), D(2024, 10, 1), note="สัญญาใหม่")
    contracts.set_monthly_cost(point, Decimal("950.00"), D(2025, 3, 20))
    assert contracts.cost_for(point, D(2018, 5, 1)) is None  # before any rate
    assert contracts.cost_for(point, D(2018, 6, 1)) == Decimal("1200.00")  # the first month
    assert contracts.cost_for(point, D(2024, 9, 30)) == Decimal("1200.00")
    assert contracts.cost_for(point, D(2024, 10, 31)) == Decimal("1000.00")
    assert contracts.cost_for(point, D(2025, 3, 1)) == Decimal("1000.00")  # mid-month change
    assert contracts.cost_for(point, D(2025, 4, 1)) == Decimal("950.00")  # counts next month
    point.refresh_from_db()
    assert point.monthly_cost == Decimal("950.00")  # the rate in effect today
    point.contract_end = D(2025, 9, 30)
    point.save()
    assert contracts.cost_for(point, D(2025, 9, 1)) == Decimal("950.00")
    assert contracts.cost_for(point, D(2025, 10, 1)) is None  # after the contract
    # FY 2568 (Oct 2024 – Sep 2025): October to March at 1,000, April to September at 950.
    assert contracts.total_cost(point, D(2024, 10, 1), D(2025, 9, 30)) == Decimal("11700.00")
    # The same rate again changes nothing (an import run twice).
    assert contracts.set_monthly_cost(point, Decimal("950.00"), D(2025, 6, 1)) is None
    assert PointCost.objects.filter(service_point=point).count() == 3


def test_many_points_months_in_two_queries(khlong_mem_point, nt):
    points = make_points(30, provider=nt)
    for n, p in enumerate(points):
        contracts.set_monthly_cost(p, Decimal(900 + n), D(2024, 1, 1))
        contracts.set_monthly_cost(p, Decimal(800 + n), D(2024, 7, 1))
    with CaptureQueriesContext(connection) as queries:
        costs = contracts.monthly_costs(
            ServicePoint.objects.filter(provider=nt), D(2024, 1, 1), D(2024, 12, 31)
        )
    assert len(queries) == 2
    first = costs[points[0].pk]
    assert len(first) == 12 and first[D(2024, 6, 1)] == 900 and first[D(2024, 7, 1)] == 800
    assert sum(costs[points[5].pk].values()) == 6 * 905 + 6 * 805


def test_search_by_village_code_name_and_device(client, khlong_mem_point, nt_officer):
    Nas.objects.create(
        service_point=khlong_mem_point,
        nas_ip="10.65.6.9",
        nas_identifier="km-ap-1",
        secret="s" * 16,
    )
    khlong_mem_point.circuit_id = "FTTX-650602-09"
    khlong_mem_point.save()
    make_points(5)
    found = ServicePoint.objects.search
    assert list(found("65060209")) == [khlong_mem_point]  # the village's DOPA code
    assert (
        khlong_mem_point in found("650602") and found("๖๕๐๖๐๒").count() == found("650602").count()
    )
    assert list(found("คลองเมม")) == [khlong_mem_point]
    assert list(found("km-ap-1")) == []  # devices only for staff
    assert list(found("km-ap-1", devices=True)) == [khlong_mem_point]
    assert list(found("10.65.6.9", devices=True)) == [khlong_mem_point]
    assert list(found("fttx-650602-09", devices=True)) == [khlong_mem_point]
    page = client.get(reverse("network:index"), {"q": "km-ap-1"}).content.decode()
    assert "NP-65060209" not in page
    client.force_login(nt_officer)
    page = client.get(reverse("network:index"), {"q": "km-ap-1"}).content.decode()
    assert 'href="/network/points/NP-65060209/"' in page


def test_contract_data_is_shown_to_staff_only(client, khlong_mem_point, nt_officer):
    contracts.set_monthly_cost(khlong_mem_point, Decimal("1100.00"), D(2025, 10, 1))
    khlong_mem_point.circuit_id = "FTTX-650602-09"
    khlong_mem_point.save()
    url = reverse("network:point", args=[khlong_mem_point.code])
    assert "FTTX-650602-09" not in client.get(url).content.decode()
    client.force_login(nt_officer)
    page = client.get(url).content.decode()
    assert 'data-test="contract"' in page and "FTTX-650602-09" in page
    assert 'data-test="costs"' in page and "1,100.00" in page


HEADER = (
    "code,village_code,place_name,monthly_cost,cost_from,circuit_id,contract_start,contract_end\n"
)


def test_the_import_takes_contracts_and_a_new_rate_keeps_the_old_one(khlong_mem_point):
    first = HEADER + 'NP-65060209,65060209,ศาลา,"1,000.00",,FTTX-1,01/06/2561,30/09/2571\n'
    with translation.override("en"):
        report = import_points(first)
    assert report.ok, report.errors
    point = ServicePoint.objects.get()
    assert (point.circuit_id, point.contract_start, point.contract_end) == (
        "FTTX-1",
        D(2018, 6, 1),
        D(2028, 9, 30),
    )
    # The first rate counts from the contract's start (the fixture's cost came from the
    # migration-free fixture, so the history starts here).
    assert contracts.cost_for(point, D(2019, 1, 1)) == Decimal("1000.00")
    assert import_points(first).unchanged == 1  # the same file again: nothing new
    raised = HEADER + "NP-65060209,65060209,ศาลา,900,01/10/2568,FTTX-1,01/06/2561,30/09/2571\n"
    again = import_points(raised)
    assert (again.updated, again.unchanged) == (1, 0)
    assert contracts.cost_for(point, D(2025, 9, 1)) == Decimal("1000.00")
    assert contracts.cost_for(point, D(2025, 10, 1)) == Decimal("900.00")


def test_bad_contract_lines_are_listed_and_nothing_is_written(khlong_mem_point):
    bad = HEADER + (
        "NP-65060209,65060209,ศาลา,,01/10/2568,,,\n"
        "NP-65060209X,65060209,ศาลา,900,,,01/10/2568,01/10/2567\n"
    )
    with translation.override("en"):
        report = import_points(bad)
    problems = {(e.line, e.column): e.message for e in report.errors}
    assert "monthly cost" in problems[(2, "monthly_cost")]
    assert "ends before it starts" in problems[(3, "contract_end")]
    assert not PointCost.objects.filter(monthly_cost=900).exists()
    assert ServicePoint.objects.count() == 1


def test_the_web_import_takes_contract_columns_in_the_officers_area(
    client, khlong_mem_point, phitsanulok_officer
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(phitsanulok_officer)
    body = HEADER + "NP-65060209,65060209,ศาลา,950,01/10/2568,FTTX-9,,\n"
    upload = SimpleUploadedFile("p.csv", body.encode(), content_type="text/csv")
    answer = client.post(reverse("network:point_import"), {"file": upload, "import": "1"})
    assert answer.status_code == 200, answer.content.decode()[-2000:]
    point = ServicePoint.objects.get()
    assert point.circuit_id == "FTTX-9"
    assert contracts.cost_for(point, D(2025, 10, 1)) == Decimal("950")
    outside = HEADER + "NP-50010101,50010101,ศาลา,950,,,,\n"
    upload = SimpleUploadedFile("p.csv", outside.encode(), content_type="text/csv")
    answer = client.post(reverse("network:point_import"), {"file": upload, "import": "1"})
    assert answer.status_code == 400 and "50010101" in answer.content.decode()
