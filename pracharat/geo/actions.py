"""Loading geography: the shipped national dataset and village CSV files."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from pracharat.geo.models import District, Province, Region, SubDistrict, Village

DATA_DIR = Path(__file__).resolve().parent / "data" / "thai-geography"
REGION_NAMES_EN = {1: "North", 2: "Central", 3: "Northeast", 4: "West", 5: "East", 6: "South"}
# Rows of districts.csv that are municipalities, not amphoe (see the dataset's SOURCE.md).
NON_AMPHOE_PREFIX = "ท้องถิ่นเทศบาล"


def _rows(name: str, data_dir: Path) -> list[dict[str, str]]:
    plain, packed = data_dir / name, data_dir / f"{name}.gz"
    raw = gzip.decompress(packed.read_bytes()) if packed.exists() else plain.read_bytes()
    rows = csv.DictReader(io.StringIO(raw.decode("utf-8-sig")))
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


VILLAGE_COLUMNS = ("code", "moo", "name_th", "name_en", "lat", "lon")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _parse_village(row: dict[str, str], subdistricts: set[str]) -> Village:
    code = (row.get("code") or "").strip()
    if len(code) != 8 or not code.isdigit():
        raise ValueError(_("code must be 8 digits (sub-district code + village number)"))
    if code[:6] not in subdistricts:
        raise ValueError(_("sub-district %(code)s does not exist") % {"code": code[:6]})
    try:
        moo = int((row.get("moo") or "").strip())
    except ValueError:
        raise ValueError(_("moo must be a whole number")) from None
    if moo != int(code[6:]):
        raise ValueError(
            _("moo %(moo)s does not match the code's last two digits %(tail)s")
            % {"moo": moo, "tail": code[6:]}
        )
    name_th = (row.get("name_th") or "").strip()
    if not name_th:
        raise ValueError(_("name_th is required"))
    try:
        lat = _float(row.get("lat") or "")
        lon = _float(row.get("lon") or "")
    except ValueError:
        raise ValueError(_("lat and lon must be decimal degrees")) from None
    if (lat is None) != (lon is None):
        raise ValueError(_("give both lat and lon, or neither"))
    if lat is not None and not (5 <= lat <= 21 and 97 <= lon <= 106):
        raise ValueError(
            _("lat/lon %(lat)s, %(lon)s is outside Thailand") % {"lat": lat, "lon": lon}
        )
    return Village(
        code=code,
        subdistrict_id=code[:6],
        moo=moo,
        name_th=name_th,
        name_en=(row.get("name_en") or "").strip(),
        latitude=lat,
        longitude=lon,
    )


def import_villages(lines: Iterable[str]) -> ImportResult:
    """Import villages from CSV text (header: code,moo,name_th,name_en,lat,lon).

    All or nothing: any bad row is reported with its line number and no row is written.
    """
    result = ImportResult()
    reader = csv.DictReader(lines)
    missing = [c for c in VILLAGE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        result.errors.append((1, _("missing columns: %(cols)s") % {"cols": ", ".join(missing)}))
        return result
    subdistricts = set(SubDistrict.objects.values_list("code", flat=True))
    villages: dict[str, Village] = {}
    for row in reader:
        line = reader.line_num
        try:
            village = _parse_village(row, subdistricts)
        except ValueError as exc:
            result.errors.append((line, str(exc)))
            continue
        if village.code in villages:
            result.errors.append((line, _("code %(code)s appears twice") % {"code": village.code}))
        villages[village.code] = village
    if result.errors or not villages:
        if not villages and not result.errors:
            result.errors.append((1, _("the file has no rows")))
        return result
    with transaction.atomic():
        existing = set(Village.objects.filter(code__in=villages).values_list("code", flat=True))
        _upsert(
            Village,
            list(villages.values()),
            ["subdistrict", "moo", "name_th", "name_en", "latitude", "longitude"],
        )
    result.updated = len(existing)
    result.created = len(villages) - len(existing)
    return result
