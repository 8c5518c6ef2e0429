"""Villages' registered population and households (the worth review's reach), imported from the
official statistics (a provincial statistics office's table) through ``core.tables``. Rows are
found by village code and year (BE), so importing the same file twice changes nothing.

Columns (header by key or Thai/English name; * required)::

    village_code*  year*  population*  households*  source
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pracharat.core import tables
from pracharat.core.tables import CellError, Column
from pracharat.geo.models import Village
from pracharat.oversight.models import VillagePopulation

MAX_ROWS = 100_000


def _village_code(value: str) -> str:
    value = tables.arabic_digits(value)
    if len(value) != 8 or not value.isdigit():
        raise CellError(_("A village code has 8 digits."))
    return value


COLUMNS = [
    Column("village_code", gettext_lazy("Village code"), parse=_village_code, required=True,
           example="65060209"),
    Column("year", gettext_lazy("Year (BE)"), parse=tables.integer(2500, 2700), required=True,
           example="2569"),
    Column("population", gettext_lazy("Population"), parse=tables.integer(0, 10_000_000),
           required=True, example="812"),
    Column("households", gettext_lazy("Households"), parse=tables.integer(0, 10_000_000),
           required=True, example="243"),
    Column("source", gettext_lazy("Source"), parse=tables.text(200),
           example="สำนักงานสถิติจังหวัดพิษณุโลก"),
]  # fmt: skip


class PopulationImport(tables.Importer):
    columns = COLUMNS
    max_rows = MAX_ROWS

    def check(self, rows):
        villages = set(
            Village.objects.filter(
                code__in=[r["village_code"] for r in rows if r["village_code"]]
            ).values_list("code", flat=True)
        )
        seen: dict[tuple, int] = {}
        planned = []
        for row in rows:
            key = (row["village_code"], row["year"])
            if row["village_code"] and row["village_code"] not in villages:
                self.error(row, "village_code", _("No village %(code)s.") % {"code": key[0]})
            if key in seen:
                self.error(row, "village_code", _("Also on line %(line)d.") % {"line": seen[key]})
            seen.setdefault(key, row.line)
            if not row.errors:
                planned.append(row)
        return planned

    def write(self, planned, result):
        existing = {
            (p.village_id, p.year): p
            for p in VillagePopulation.objects.filter(
                village_id__in=[r["village_code"] for r in planned]
            )
        }
        for row in planned:
            values = {
                "population": row["population"],
                "households": row["households"],
                "source": row["source"] or "",
            }
            found = existing.get((row["village_code"], row["year"]))
            if found is None:
                VillagePopulation.objects.create(
                    village_id=row["village_code"], year=row["year"], **values
                )
                result.created += 1
            elif all(getattr(found, k) == v for k, v in values.items()):
                result.unchanged += 1
            else:
                for k, v in values.items():
                    setattr(found, k, v)
                found.save()
                result.updated += 1


def import_population(file, *, dry_run: bool = False):
    return PopulationImport().run(file, dry_run=dry_run)
