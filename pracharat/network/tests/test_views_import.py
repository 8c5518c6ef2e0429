"""The service-point upload page: officers only, their area only, all lines or nothing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pracharat.network.models import ServicePoint
from pracharat.network.tests.webfixtures import *  # noqa: F403 - fixtures

pytestmark = pytest.mark.django_db

URL = reverse("network:point_import")
HEADER = "code,village_code,place_name,village_name,provider,installed_on\n"
KHLONG_MEM = "NP-65060209,65060209,ศาลาประชาคมบ้านคลองเมม,,nt-phitsanulok,15/08/2568\n"


def upload(text: str, name: str = "points.csv", encoding: str = "utf-8"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


@pytest.fixture
def officer(client, phitsanulok_officer):
    client.force_login(phitsanulok_officer)
    return client


def _errors(response) -> str:
    body = response.content.decode()
    return re.search(r'data-test="import-errors".*?</table>', body, re.S).group(0)


def test_the_page_is_linked_from_the_officer_desk_in_thai(officer):
    desk = officer.get(reverse("network:incidents")).content.decode()
    assert f'href="{URL}"' in desk
    page = officer.get(URL)
    body = page.content.decode()
    assert page.status_code == 200
    assert "นำเข้าจุดให้บริการ" in body and 'name="csrfmiddlewaretoken"' in body
    assert "<code>65</code>" in body  # the officer's area, said before uploading
    assert reverse("network:point_import_template", args=["xlsx"]) in body


def test_others_may_not_import(client, nt_officer, volunteer):
    assert client.get(URL).status_code == 302  # to the login page
    for user in (nt_officer, volunteer):
        client.force_login(user)
        assert client.get(URL).status_code == 403
        response = client.post(URL, {"file": upload(HEADER + KHLONG_MEM)})
        assert response.status_code == 403
        assert (
            'data-test="point-import-link"'
            not in client.get(reverse("network:incidents")).content.decode()
        )
    assert not ServicePoint.objects.exists()


def test_an_officer_imports_points_of_their_province(officer, ban_khlong_mem, nt):
    text = HEADER + KHLONG_MEM + "NP-65060210,65060210,โรงเรียนบ้านใหม่,บ้านใหม่,,2025-08-15\n"
    response = officer.post(URL, {"file": upload(text)})
    assert response.status_code == 200
    assert 'data-test="import-done"' in response.content.decode()
    point = ServicePoint.objects.get(code="NP-65060209")
    assert point.installed_on == dt.date(2025, 8, 15)  # 15/08/2568 BE
    assert ServicePoint.objects.get(code="NP-65060210").village.name_th == "บ้านใหม่"


def test_a_row_outside_the_officers_area_imports_nothing(officer, ban_khlong_mem, nt):
    text = HEADER + KHLONG_MEM + "NP-50010101,50010101,ศาลาประชาคม,บ้านศรีภูมิ,,\n"
    response = officer.post(URL, {"file": upload(text)})
    assert response.status_code == 400
    errors = _errors(response)
    assert "<td>3</td>" in errors and "50010101" in errors and "นอกพื้นที่" in errors
    assert not ServicePoint.objects.exists()


def test_an_existing_point_of_another_province_cannot_be_taken_over(
    officer, ban_khlong_mem, chiangmai_point
):
    text = HEADER + "NP-50010101,65060209,ศาลา,,,\n"
    response = officer.post(URL, {"file": upload(text)})
    assert response.status_code == 400
    assert "NP-50010101" in _errors(response)
    chiangmai_point.refresh_from_db()
    assert chiangmai_point.area_code == "50010101"


def test_the_chiang_mai_officer_may_not_import_phitsanulok(client, chiangmai_officer, nt):
    client.force_login(chiangmai_officer)
    response = client.post(URL, {"file": upload(HEADER + KHLONG_MEM)})
    assert response.status_code == 400
    assert not ServicePoint.objects.exists()


def test_check_only_keeps_nothing_and_thai_windows_files_are_read(officer, ban_khlong_mem, nt):
    thai = (
        "รหัสจุด,รหัสหมู่บ้าน,สถานที่,วันที่ติดตั้ง,ค่าบริการรายเดือน (บาท)\n"
        'NP-65060209,๖๕๐๖๐๒๐๙,ศาลาประชาคม,๑๕/๐๘/๒๕๖๘,"1,250"\n'
    )
    response = officer.post(URL, {"file": upload(thai, encoding="cp874"), "check": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-test="import-preview"' in body and "1 แถว" in body
    assert not ServicePoint.objects.exists()
    officer.post(URL, {"file": upload(thai, encoding="cp874")})
    assert ServicePoint.objects.get().monthly_cost == 1250


def test_header_errors_are_listed_on_line_1(officer, geography):
    text = "code,code,place,colour\nNP-1,x,y,z\n"
    body = _errors(officer.post(URL, {"file": upload(text)}))
    assert body.count("<td>1</td>") == 3  # missing, unknown and repeated columns
    assert "colour" in body and "รหัสหมู่บ้าน" in body


def test_a_file_over_the_limit_or_not_a_table_is_refused(officer, geography, settings):
    settings.TABLE_UPLOAD_MAX_MB = 1
    big = HEADER + KHLONG_MEM * 20_000
    response = officer.post(URL, {"file": upload(big)})
    assert "1 MB" in response.content.decode() and not ServicePoint.objects.exists()
    picture = SimpleUploadedFile("points.xlsx", b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    assert ".xls" in _errors(officer.post(URL, {"file": picture}))


def test_the_page_takes_at_most_its_row_limit(officer, ban_khlong_mem, monkeypatch):
    monkeypatch.setattr("pracharat.network.imports.WEB_MAX_ROWS", 2)
    rows = "".join(f"NP-6506020{i},65060209,ศาลา {i},,,\n" for i in range(3))
    errors = _errors(officer.post(URL, {"file": upload(HEADER + rows)}))
    assert "2 แถว" in errors and not ServicePoint.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_templates_import_as_they_are(officer, ban_khlong_mem, nt, fmt):
    response = officer.get(reverse("network:point_import_template", args=[fmt]))
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    response = officer.post(URL, {"file": SimpleUploadedFile(f"t.{fmt}", data)})
    assert response.status_code == 200, _errors(response)
    point = ServicePoint.objects.get(code="NP-65060209")
    assert point.installed_on == dt.date(2018, 6, 1) and point.provider == nt
