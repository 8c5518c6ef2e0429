"""CSV import of points and devices: per-line errors, all or nothing, repeatable."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from pracharat.geo.models import Village
from pracharat.network.imports import POINT_COLUMNS, import_devices, import_points
from pracharat.network.models import Nas, ServicePoint

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


HEADER = ",".join(c.key for c in POINT_COLUMNS)
POINTS = (
    HEADER
    + """
NP-65060209,65060209,ศาลาประชาคมบ้านคลองเมม,,16.9794,100.1702,mdes,nt-phitsanulok,2561-06-01,30,10,"1,250.00",NetPracharat,active
NP-65060210,65060210,โรงเรียนบ้านใหม่,บ้านใหม่,16.98,100.17,nbtc_rural,nt-phitsanulok,2019-02-01,,,900,NetPracharat,
"""
)


def test_points_are_imported_with_new_villages_and_again_without_change(ban_khlong_mem, nt):
    report = import_points(POINTS)
    assert report.ok, report.errors
    assert (report.created, report.updated) == (2, 0)
    point = ServicePoint.objects.get(code="NP-65060209")
    assert point.installed_on.isoformat() == "2018-06-01"  # from the Buddhist-Era year
    assert point.monthly_cost == Decimal("1250.00")
    assert point.provider == nt and point.area_code == "65060209"
    new = ServicePoint.objects.get(code="NP-65060210")
    assert (new.programme, new.bandwidth_down_mbps) == ("nbtc_rural", 30)
    assert Village.objects.get(code="65060210").name_th == "บ้านใหม่"
    again = import_points(POINTS)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


def test_one_bad_line_imports_nothing_and_every_error_is_listed(ban_khlong_mem, nt):
    bad = POINTS + (
        "NP-65060209,65060209,dup,,,,,,,,,,,\n"
        "NP-X1,99999999,nowhere,,,,,,,,,,,\n"
        "NP-X2,65060209,far away,,45,100,tv,nobody,yesterday,fast,,abc,,broken\n"
    )
    report = import_points(bad)
    assert sorted({e.line for e in report.errors}) == [4, 5, 6]
    assert "also on line 2" in report.errors[0].message
    assert "sub-district" in report.errors[1].message
    line_6 = {e.column for e in report.errors if e.line == 6}
    assert line_6 == {
        "latitude",
        "programme",
        "provider",
        "installed_on",
        "bandwidth_down_mbps",
        "monthly_cost",
        "status",
    }
    assert not ServicePoint.objects.exists()
    assert not Village.objects.filter(code="65060210").exists()


def test_devices_import_and_secret_rules(ban_khlong_mem, nt):
    import_points(POINTS)
    csv = (
        "point_code,nas_ip,secret,nas_identifier,called_station_id,active\n"
        "NP-65060209,127.0.0.1,testing123,khlong-mem-ap,00-11-22-33-44-55,yes\n"
        "np-65060210,10.0.0.2,a-long-shared-secret,,,\n"
    )
    report = import_devices(csv)
    assert report.ok and report.created == 2
    assert Nas.objects.get(nas_ip="10.0.0.2").service_point.code == "NP-65060210"
    bad = import_devices(
        "point_code,nas_ip,secret\nNP-NONE,1.2.3.4,abcdefghij\nNP-65060209,300.1.1.1,x\n"
    )
    assert sorted({e.line for e in bad.errors}) == [2, 3]
    assert {e.column for e in bad.errors if e.line == 3} == {"nas_ip", "secret"}
    assert Nas.objects.count() == 2


def test_command_rolls_back_points_when_devices_fail(tmp_path, ban_khlong_mem, nt):
    points = tmp_path / "points.csv"
    points.write_text(POINTS, encoding="utf-8")
    devices = tmp_path / "devices.csv"
    devices.write_text("point_code,nas_ip,secret\nNP-65060209,1.2.3.4,short\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("import_points", str(points), devices=str(devices))
    assert not ServicePoint.objects.exists()
    call_command("import_points", str(points), dry_run=True)
    assert not ServicePoint.objects.exists()
    call_command("import_points", str(points))
    assert ServicePoint.objects.count() == 2


def test_missing_columns_are_reported(geography):
    report = import_points("code,place_name\nX,Y\n")
    assert [str(e) for e in report.errors] == ["line 1: Missing columns: Village code"]
