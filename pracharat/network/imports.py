"""Bulk import of service points and RADIUS devices from CSV or XLSX: all lines or nothing
(on :mod:`pracharat.core.tables`).

Every line is checked first; any error in any line means nothing is written and every error is
reported with its line number, so an operator fixes the file and runs it again. A valid file
is written in one transaction. Rows are matched by natural key (point ``code``; device
``nas_ip`` + ``nas_identifier``), so importing the same file twice changes nothing.

Points (header row by key or Thai/English name; * required)::

    code*, village_code*, place_name*, village_name, latitude, longitude, programme,
    provider, installed_on, bandwidth_down_mbps, bandwidth_up_mbps, monthly_cost, ssid, status,
    cost_from, circuit_id, contract_start, contract_end

``village_code`` is the 8-digit DOPA code; an unknown village is created in its (real)
sub-district when ``village_name`` is given. ``programme`` is mdes / nbtc_border / nbtc_rural
(or its name), ``provider`` an agency short name (e.g. nt-phitsanulok), ``installed_on`` a
date in either era (15/08/2568 or 2025-08-15), ``monthly_cost`` in baht from ``cost_from``
(default: the contract's start, else the install date, else the first of this month): a new
rate is added to the point's cost history (``contracts.set_monthly_cost``), the same rate
again changes nothing. ``circuit_id``, ``contract_start`` and ``contract_end`` are the
provider's contract. An officer's import (``areas``) takes only points in their areas.

Devices (the command only: they hold RADIUS secrets)::

    point_code*, nas_ip*, secret*, nas_identifier, called_station_id, active
"""

from __future__ import annotations

from ipaddress import ip_address

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pracharat.accounts.models import Agency, Role
from pracharat.accounts.scoping import area_codes_for, has_role
from pracharat.core import tables
from pracharat.core.tables import CellError, Column
from pracharat.geo.models import SubDistrict, Village
from pracharat.network import contracts
from pracharat.network.models import Nas, PointStatus, Programme, ServicePoint

MAX_ROWS = 100_000


def _point_code(value: str) -> str:
    return value.upper()


def _village_code(value: str) -> str:
    value = tables.arabic_digits(value)
    if len(value) != 8 or not value.isdigit():
        raise CellError(_("A village code has 8 digits."))
    return value


def _ip(value: str) -> str:
    try:
        return str(ip_address(value))
    except ValueError:
        raise CellError(_("“%(value)s” is not an IP address.") % {"value": value}) from None


POINT_COLUMNS = [
    Column(
        "code",
        gettext_lazy("Point code"),
        parse=_point_code,
        required=True,
        example="NP-65060209",
    ),
    Column(
        "village_code",
        gettext_lazy("Village code"),
        parse=_village_code,
        required=True,
        example="65060209",
    ),
    Column(
        "place_name",
        gettext_lazy("Place"),
        parse=tables.text(200),
        required=True,
        example="ศาลาประชาคมบ้านคลองเมม",
    ),
    Column("village_name", gettext_lazy("Village name"), parse=tables.text(200)),
    Column("latitude", gettext_lazy("Latitude"), parse=tables.real(5.0, 21.0), example="16.9794"),
    Column(
        "longitude", gettext_lazy("Longitude"), parse=tables.real(97.0, 106.0), example="100.1702"
    ),
    Column("programme", gettext_lazy("Programme"), parse=tables.choice(Programme), example="mdes"),
    Column("provider", gettext_lazy("Provider"), example="nt-phitsanulok"),
    Column("installed_on", gettext_lazy("Installed on"), parse=tables.date(), example="01/06/2561"),
    Column(
        "bandwidth_down_mbps",
        gettext_lazy("Download (Mbps)"),
        parse=tables.integer(1, 10_000),
        example="30",
    ),
    Column(
        "bandwidth_up_mbps",
        gettext_lazy("Upload (Mbps)"),
        parse=tables.integer(1, 10_000),
        example="10",
    ),
    Column(
        "monthly_cost",
        gettext_lazy("Monthly cost (baht)"),
        parse=tables.decimal(2, minimum=0),
        example="1,250.00",
    ),
    Column("ssid", gettext_lazy("SSID"), parse=tables.text(32), example="NetPracharat"),
    Column("status", gettext_lazy("Status"), parse=tables.choice(PointStatus), example="active"),
    Column(
        "cost_from",
        gettext_lazy("Cost effective from"),
        parse=tables.date(),
        example="01/10/2568",
    ),
    Column(
        "circuit_id", gettext_lazy("Circuit ID"), parse=tables.text(64), example="FTTX-650602-09"
    ),
    Column(
        "contract_start", gettext_lazy("Contract start"), parse=tables.date(), example="01/06/2561"
    ),
    Column("contract_end", gettext_lazy("Contract end"), parse=tables.date(), example="30/09/2571"),
]
DEVICE_COLUMNS = [
    Column("point_code", gettext_lazy("Point code"), parse=_point_code, required=True),
    Column("nas_ip", gettext_lazy("Device IP address"), parse=_ip, required=True),
    Column("secret", gettext_lazy("RADIUS secret"), required=True),
    Column("nas_identifier", gettext_lazy("NAS-Identifier"), parse=tables.text(64)),
    Column("called_station_id", gettext_lazy("Called-Station-Id"), parse=tables.text(64)),
    Column("active", gettext_lazy("Active"), parse=tables.boolean()),
]
_POINT_FIELDS = [
    "village_id",
    "place_name",
    "latitude",
    "longitude",
    "programme",
    "provider_id",
    "installed_on",
    "bandwidth_down_mbps",
    "bandwidth_up_mbps",
    "circuit_id",
    "contract_start",
    "contract_end",
    "ssid",
    "status",
]


#: Who may import points on the web page: officers who run an area's network.
IMPORT_ROLES = {Role.PROVINCIAL_OFFICER, Role.OPERATOR}


def import_areas_for(user) -> list[str] | None:
    """The areas ``user`` may import points into (None: all); PermissionDenied when none."""
    if not has_role(user, *IMPORT_ROLES):
        raise PermissionDenied(_("Only provincial officers and operators may import points."))
    areas = area_codes_for(user, roles=IMPORT_ROLES)
    if areas == []:
        raise PermissionDenied(_("Only provincial officers and operators may import points."))
    return areas


def may_import_points(user) -> bool:
    try:
        import_areas_for(user)
    except PermissionDenied:
        return False
    return True


def _in_areas(code: str, areas: list[str] | None) -> bool:
    return areas is None or any(code.startswith(area) for area in areas)


class PointImport(tables.Importer):
    """Points created or updated by code. ``areas`` (an officer's area codes; None for no
    limit) refuses a row whose village, or whose existing point, lies outside them."""

    columns = POINT_COLUMNS
    max_rows = MAX_ROWS

    def __init__(self, areas: list[str] | None = None):
        self.areas = areas

    def check(self, rows):
        agencies = {a.slug: a for a in Agency.objects.all()}
        codes = {row["village_code"] for row in rows if row["village_code"]}
        villages = Village.objects.in_bulk(list(codes))
        subdistricts = set(
            SubDistrict.objects.filter(code__in={c[:6] for c in codes}).values_list(
                "code", flat=True
            )
        )
        existing = ServicePoint.objects.in_bulk(
            [row["code"] for row in rows if row["code"]], field_name="code"
        )
        seen: dict[str, int] = {}
        planned = []
        for row in rows:
            code, village_code = row["code"], row["village_code"]
            if code in seen:
                self.error(
                    row,
                    "code",
                    _("%(code)s is also on line %(line)d.") % {"code": code, "line": seen[code]},
                )
            elif code:
                seen[code] = row.line
            point = existing.get(code) if code else None
            if point is not None and not _in_areas(point.area_code, self.areas):
                self.error(row, "code", _("Point %(code)s is outside your area.") % {"code": code})
            outside = bool(village_code) and not _in_areas(village_code, self.areas)
            if outside:
                self.error(
                    row,
                    "village_code",
                    _("Village %(code)s is outside your area.") % {"code": village_code},
                )
            village = villages.get(village_code) if village_code else None
            new_village = None
            if village_code and village is None and not outside:
                if village_code[:6] not in subdistricts:
                    self.error(
                        row,
                        "village_code",
                        _("No sub-district %(code)s.") % {"code": village_code[:6]},
                    )
                elif not row["village_name"]:
                    self.error(
                        row,
                        "village_name",
                        _("Village %(code)s is not registered; give its name to add it.")
                        % {"code": village_code},
                    )
                else:
                    new_village = Village(
                        code=village_code,
                        subdistrict_id=village_code[:6],
                        moo=int(village_code[6:]) or 1,
                        name_th=row["village_name"],
                    )
                    villages[village_code] = village = new_village
            provider = agencies.get(row["provider"]) if row["provider"] else None
            if row["provider"] and provider is None:
                self.error(row, "provider", _("No agency %(slug)s.") % {"slug": row["provider"]})
            start, end = row["contract_start"], row["contract_end"]
            if start and end and end < start:
                self.error(row, "contract_end", _("The contract ends before it starts."))
            if row["cost_from"] and row["monthly_cost"] is None:
                self.error(row, "monthly_cost", _("Give the monthly cost that starts then."))
            if row.errors:
                continue
            point = point or ServicePoint(code=code)
            point.village = village
            point.area_code = village_code
            point.place_name = row["place_name"]
            point.latitude = row["latitude"]
            point.longitude = row["longitude"]
            point.programme = row["programme"] or point.programme or Programme.MDES_24700
            point.provider = provider
            point.installed_on = row["installed_on"]
            point.bandwidth_down_mbps = row["bandwidth_down_mbps"] or 30
            point.bandwidth_up_mbps = row["bandwidth_up_mbps"] or 10
            point.circuit_id = row["circuit_id"] or ""
            point.contract_start = row["contract_start"]
            point.contract_end = row["contract_end"]
            point.ssid = row["ssid"] or ""
            point.status = row["status"] or point.status or PointStatus.ACTIVE
            try:
                point.full_clean(exclude=["village", "provider"], validate_unique=False)
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    self.error(row, key if key != "__all__" else "", " ".join(messages))
            cost = None
            if row["monthly_cost"] is not None:
                since = row["cost_from"] or start or row["installed_on"]
                cost = (row["monthly_cost"], since or timezone.localdate().replace(day=1))
            planned.append((point, new_village, cost))
        return planned

    def write(self, planned, result):
        saved_villages = set()
        for point, new_village, cost in planned:
            if new_village is not None and new_village.code not in saved_villages:
                new_village.save()
                saved_villages.add(new_village.code)
            unchanged = result.unchanged
            _save(point, _POINT_FIELDS, result)
            new_rate = cost is not None and contracts.set_monthly_cost(point, *cost)
            if new_rate and result.unchanged > unchanged:  # only its cost is new: an update
                result.unchanged -= 1
                result.updated += 1


class DeviceImport(tables.Importer):
    """RADIUS devices by address and NAS-Identifier, each on a service point."""

    columns = DEVICE_COLUMNS
    max_rows = MAX_ROWS

    def check(self, rows):
        points = ServicePoint.objects.in_bulk(
            [row["point_code"] for row in rows if row["point_code"]], field_name="code"
        )
        existing = {(n.nas_ip, n.nas_identifier): n for n in Nas.objects.all()}
        seen: dict[tuple[str, str], int] = {}
        planned = []
        for row in rows:
            point = points.get(row["point_code"]) if row["point_code"] else None
            if row["point_code"] and point is None:
                self.error(
                    row,
                    "point_code",
                    _("No service point %(code)s.") % {"code": row["point_code"]},
                )
            key = (row["nas_ip"], row["nas_identifier"] or "")
            if row["nas_ip"] and key in seen:
                self.error(
                    row,
                    "nas_ip",
                    _("The same device is also on line %(line)d.") % {"line": seen[key]},
                )
            elif row["nas_ip"]:
                seen[key] = row.line
            secret = row["secret"] or ""
            if secret and len(secret) < 8:
                # RFC 2865 §3 asks for at least 16 octets; 8 is the least we accept at all.
                self.error(row, "secret", _("A secret has at least 8 characters."))
            elif len(secret) > 128:
                self.error(row, "secret", _("A secret has at most 128 characters."))
            if row.errors:
                continue
            nas = existing.get(key) or Nas(nas_ip=key[0], nas_identifier=key[1])
            nas.service_point = point
            nas.called_station_id = row["called_station_id"] or ""
            nas.secret = secret
            nas.is_active = row["active"] is not False
            planned.append(nas)
        return planned

    def write(self, planned, result):
        for nas in planned:
            _save(nas, ["service_point_id", "called_station_id", "secret", "is_active"], result)


def _save(obj, fields: list[str], result: tables.ImportResult) -> None:
    """Save a new row, or a stored one whose ``fields`` changed; count which it was."""
    if obj.pk is None:
        result.created += 1
    else:
        stored = type(obj).objects.filter(pk=obj.pk).values(*fields).get()
        if all(stored[name] == getattr(obj, name) for name in fields):
            result.unchanged += 1
            return
        result.updated += 1
    obj.save()


#: The upload page's limit: each point is saved and audited on its own (about 2 ms a row on
#: SQLite), so a page answers within a request; a province has a few thousand points at most.
#: Larger files go through ``pracharat import_points``.
WEB_MAX_ROWS = 5000


def import_points(
    source, *, areas=None, dry_run: bool = False, max_rows: int | None = None
) -> tables.ImportResult:
    """Validate every line, then create or update all points in one transaction."""
    return PointImport(areas).run(source, dry_run=dry_run, max_rows=max_rows)


def import_devices(source, *, dry_run: bool = False) -> tables.ImportResult:
    """Validate every line, then create or update all devices in one transaction."""
    return DeviceImport().run(source, dry_run=dry_run)
