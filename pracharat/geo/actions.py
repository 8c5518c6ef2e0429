"""Loading geography: the shipped national dataset and village files (CSV or XLSX)."""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pracharat.core import tables
from pracharat.core.tables import Column
from pracharat.geo.models import District, Province, Region, SubDistrict, Village

DATA_DIR = Path(__file__).resolve().parent / "data" / "thai-geography"
REGION_NAMES_EN = {1: "North", 2: "Central", 3: "Northeast", 4: "West", 5: "East", 6: "South"}
# Rows of districts.csv that are municipalities, not amphoe (see the dataset's SOURCE.md).
NON_AMPHOE_PREFIX = "ท้องถิ่นเทศบาล"


def _rows(name: str, data_dir: Path) -> list[dict[str, str]]:
    plain, packed = data_dir / name, data_dir / f"{name}.gz"
    raw = gzip.decompress(packed.read_bytes()) if packed.exists() else plain.read_bytes()
    sheet = tables.read(raw)
    rows = (
        dict(zip(sheet.header, cells, strict=False)) for _line, cells in sheet.rows if any(cells)
    )
    return [row for row in rows if not row.get("deleted_at")]


def _float(text: str) -> float | None:
    return float(text) if text.strip() else None


def _upsert(model, objects: list, fields: list[str]) -> None:
    model.objects.bulk_create(
        objects,
        batch_size=500,
        update_conflicts=True,
        unique_fields=[model._meta.pk.name],
        update_fields=fields,
    )


@dataclass
class GeographyCounts:
    regions: int
    provinces: int
    districts: int
    subdistricts: int


@transaction.atomic
def load_geography(data_dir: Path = DATA_DIR) -> GeographyCounts:
    """Insert or update every region, province, district and sub-district (idempotent)."""
    regions = [
        Region(id=int(r["id"]), name_th=r["name"], name_en=REGION_NAMES_EN.get(int(r["id"]), ""))
        for r in _rows("geographies.csv", data_dir)
    ]
    _upsert(Region, regions, ["name_th", "name_en"])

    district_rows = _rows("districts.csv", data_dir)
    # provinces.csv numbers provinces 1..77; the official code is the district code // 100.
    province_code = {r["province_id"]: r["id"][:2] for r in district_rows}
    provinces = [
        Province(
            code=province_code[r["id"]],
            name_th=r["name_th"],
            name_en=r["name_en"],
            region_id=int(r["geography_id"]),
        )
        for r in _rows("provinces.csv", data_dir)
    ]
    _upsert(Province, provinces, ["name_th", "name_en", "region"])

    districts = [
        District(
            code=r["id"],
            province_id=r["id"][:2],
            name_th=r["name_th"],
            name_en=r["name_en"],
            is_amphoe=not r["name_th"].startswith(NON_AMPHOE_PREFIX),
        )
        for r in district_rows
    ]
    _upsert(District, districts, ["name_th", "name_en", "province", "is_amphoe"])

    subdistricts = [
        SubDistrict(
            code=r["id"],
            district_id=r["district_id"],
            name_th=r["name_th"],
            name_en=r["name_en"],
            postcode=r["zip_code"],
            latitude=_float(r["lat"]),
            longitude=_float(r["long"]),
        )
        for r in _rows("sub_districts.csv", data_dir)
    ]
    _upsert(
        SubDistrict,
        subdistricts,
        ["name_th", "name_en", "district", "postcode", "latitude", "longitude"],
    )
    return GeographyCounts(len(regions), len(provinces), len(districts), len(subdistricts))


def _village_code(text: str) -> str:
    code = tables.arabic_digits(text)
    if len(code) != 8 or not code.isdigit():
        raise tables.CellError(_("code must be 8 digits (sub-district code + village number)"))
    return code


VILLAGE_COLUMNS = [
    Column("code", gettext_lazy("Village code"), parse=_village_code, required=True),
    Column("moo", gettext_lazy("Moo"), parse=tables.integer(1, 99), required=True),
    Column("name_th", gettext_lazy("Thai name"), parse=tables.text(200), required=True),
    Column("name_en", gettext_lazy("English name"), parse=tables.text(200)),
    Column("lat", gettext_lazy("Latitude"), parse=tables.real(5.0, 21.0)),
    Column("lon", gettext_lazy("Longitude"), parse=tables.real(97.0, 106.0)),
]


class VillageImport(tables.Importer):
    """Villages by DOPA code, created or updated (core.tables: all rows or none)."""

    columns = VILLAGE_COLUMNS
    max_rows = 100_000  # the country has about 75,000

    def check(self, rows):
        subdistricts = set(SubDistrict.objects.values_list("code", flat=True))
        villages: dict[str, Village] = {}
        for row in rows:
            code, moo = row["code"], row["moo"]
            if code and code[:6] not in subdistricts:
                self.error(
                    row, "code", _("sub-district %(code)s does not exist") % {"code": code[:6]}
                )
            if code and moo is not None and moo != int(code[6:]):
                self.error(
                    row,
                    "moo",
                    _("moo %(moo)s does not match the code's last two digits %(tail)s")
                    % {"moo": moo, "tail": code[6:]},
                )
            if (row["lat"] is None) != (row["lon"] is None) and not row.failed:
                self.error(row, "lat", _("give both lat and lon, or neither"))
            if code in villages:
                self.error(row, "code", _("code %(code)s appears twice") % {"code": code})
            if row.errors:
                continue
            villages[code] = Village(
                code=code,
                subdistrict_id=code[:6],
                moo=moo,
                name_th=row["name_th"],
                name_en=row["name_en"] or "",
                latitude=row["lat"],
                longitude=row["lon"],
            )
        return list(villages.values())

    def write(self, planned, result):
        codes = [v.code for v in planned]
        existing = set(Village.objects.filter(code__in=codes).values_list("code", flat=True))
        _upsert(
            Village, planned, ["subdistrict", "moo", "name_th", "name_en", "latitude", "longitude"]
        )
        result.updated = len(existing)
        result.created = len(planned) - len(existing)


def import_villages(source, *, dry_run: bool = False) -> tables.ImportResult:
    """Import villages from CSV or XLSX (header: code, moo, name_th, name_en, lat, lon).

    All or nothing: any bad row is reported with its line number and no row is written.
    """
    return VillageImport().run(source, dry_run=dry_run)
