"""Villages' population imported through core.tables (the worth review's reach)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from pracharat.oversight.imports import import_population
from pracharat.oversight.models import VillagePopulation

pytestmark = pytest.mark.django_db

GOOD = 'รหัสหมู่บ้าน,ปี (พ.ศ.),ประชากร,ครัวเรือน,source\n65060209,2569,"1,204",๓๕๐,สสจ.พิษณุโลก\n'


def test_a_statistics_table_is_imported_once(ban_khlong_mem):
    result = import_population(io.BytesIO(GOOD.encode("utf-8-sig")))
    assert result.ok and result.created == 1
    row = VillagePopulation.objects.get()
    assert (row.area_code, row.year, row.population, row.households) == (
        "65060209",
        2569,
        1204,
        350,
    )
    again = import_population(io.BytesIO(GOOD.encode("utf-8-sig")))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)


def test_a_bad_row_writes_nothing(ban_khlong_mem):
    bad = GOOD + "99999999,2569,10,5,\n65060209,2569,10,5,\n"
    result = import_population(io.BytesIO(bad.encode()))
    assert not result.ok
    assert {e.line for e in result.errors} == {3, 4}
    assert not VillagePopulation.objects.exists()


def test_the_command(ban_khlong_mem, tmp_path, capsys):
    path = tmp_path / "population.csv"
    path.write_text(GOOD, encoding="utf-8")
    call_command("import_population", str(path))
    assert VillagePopulation.objects.count() == 1


# --- the upload page ---------------------------------------------------------------------------

PAGE = "/oversight/worth/population/"
HEADER = "village_code,year,population,households,source\n"


def _upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("population.csv", text.encode("utf-8"), content_type="text/csv")


def _errors(response) -> str:
    import re

    body = response.content.decode()
    return re.search(r'data-test="import-errors".*?</table>', body, re.S).group(0)


def test_the_page_is_linked_from_the_review_in_thai_and_scoped(client, phitsanulok_officer):
    from django.urls import reverse

    assert reverse("oversight:worth_population") == PAGE
    assert client.get(PAGE).status_code == 302  # to the sign-in page
    client.force_login(phitsanulok_officer)
    review = client.get(reverse("oversight:worth", args=["65"])).content.decode()
    assert f'href="{PAGE}"' in review
    body = client.get(PAGE).content.decode()
    assert "นำเข้าประชากรหมู่บ้าน" in body and "<code>65</code>" in body
    assert reverse("oversight:worth_population_template", args=["xlsx"]) in body


def test_the_public_and_other_roles_may_not_upload(client, volunteer, ban_khlong_mem):
    client.force_login(volunteer)
    assert client.get(PAGE).status_code == 403
    assert (
        client.post(PAGE, {"file": _upload(HEADER + "65060209,2569,812,243,\n")}).status_code == 403
    )
    assert not VillagePopulation.objects.exists()


def test_an_officer_uploads_a_good_file(client, phitsanulok_officer, ban_khlong_mem):
    client.force_login(phitsanulok_officer)
    response = client.post(PAGE, {"file": _upload(HEADER + "65060209,2569,812,243,สสจ.\n")})
    assert response.status_code == 200
    assert 'data-test="import-done"' in response.content.decode()
    row = VillagePopulation.objects.get()
    assert (row.village_id, row.year, row.population, row.households) == (
        "65060209",
        2569,
        812,
        243,
    )


def test_a_bad_line_is_named_and_nothing_changes(client, phitsanulok_officer, ban_khlong_mem):
    client.force_login(phitsanulok_officer)
    text = HEADER + "65060209,2569,812,243,\n65060209,2568,many,243,\n"
    response = client.post(PAGE, {"file": _upload(text)})
    assert response.status_code == 400
    errors = _errors(response)
    assert ">3<" in errors and "many" in errors
    assert not VillagePopulation.objects.exists()


def test_a_village_of_another_province_is_refused(client, phitsanulok_officer, ban_khlong_mem):
    from pracharat.geo.models import SubDistrict, Village

    subdistrict = SubDistrict.objects.filter(code__startswith="50").order_by("code").first()
    chiang_mai = f"{subdistrict.code}01"
    Village.objects.create(code=chiang_mai, subdistrict=subdistrict, moo=1, name_th="บ้านทดสอบ")
    client.force_login(phitsanulok_officer)
    text = HEADER + f"65060209,2569,812,243,\n{chiang_mai},2569,500,120,\n"
    response = client.post(PAGE, {"file": _upload(text)})
    assert response.status_code == 400
    errors = _errors(response)
    assert chiang_mai in errors and ">3<" in errors
    assert not VillagePopulation.objects.exists()
