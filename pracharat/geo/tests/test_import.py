import pytest
from django.core.management import CommandError, call_command

from pracharat.geo.actions import import_villages
from pracharat.geo.models import Village

pytestmark = pytest.mark.django_db

HEADER = "code,moo,name_th,name_en,lat,lon\n"


def run(text: str):
    return import_villages(text.encode())


def test_good_file_imports_every_village():
    result = run(
        HEADER + "65060209,9,บ้านคลองเมม,Ban Khlong Mem,16.9794,100.1702\n"
        "65060201,1,บ้านท่าช้าง,Ban Tha Chang,,\n"
    )
    assert result.ok and (result.created, result.updated) == (2, 0)
    village = Village.objects.select_related("subdistrict__district__province").get(code="65060209")
    assert village.moo == 9 and village.subdistrict.district.province.name_th == "พิษณุโลก"
    again = run(HEADER + "65060209,9,บ้านคลองเมม,Ban Khlong Mem,16.98,100.17\n")
    assert (again.created, again.updated) == (0, 1)
    assert Village.objects.get(code="65060209").latitude == 16.98


def test_a_bad_line_is_reported_by_number_and_nothing_is_imported():
    result = run(
        HEADER
        + "65060209,9,บ้านคลองเมม,Ban Khlong Mem,16.9794,100.1702\n"  # line 2 fine
        + "99999901,1,ไม่มี,Nowhere,,\n"  # line 3: no such sub-district
        + "65060203,4,บ้านผิด,Wrong moo,,\n"  # line 4: moo does not match code
        + "650602,1,สั้น,Short,,\n"  # line 5: code too short
        + "65060205,5,,No Thai name,,\n"  # line 6: name_th missing
        + "65060206,6,บ้านไกล,Far,48.85,2.35\n"  # line 7: Paris is not in Thailand
        + "65060207,7,บ้านครึ่ง,Half,16.9,\n"  # line 8: lat without lon
        + "65060209,9,ซ้ำ,Duplicate,,\n"  # line 9: duplicate
    )
    assert sorted({e.line for e in result.errors}) == [3, 4, 5, 6, 7, 8, 9]
    assert "999999" in result.errors[0].message
    assert Village.objects.count() == 0


def test_missing_columns_are_reported():
    result = run("code,name\n65060209,x\n")
    assert not result.ok and "หมู่" in result.errors[0].message  # the header in Thai


def test_command_reports_lines_and_fails(tmp_path, capsys):
    path = tmp_path / "villages.csv"
    path.write_text(HEADER + "65060209,9,บ้านคลองเมม,,,\n65060299,1,x,,,\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_villages", str(path))
    assert f"{path}:3:" in capsys.readouterr().err
    assert not Village.objects.exists()
