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
