"""Bulk import of service points and RADIUS devices from CSV: all lines or nothing.

Every line is checked first; any error in any line means nothing is written and every error is
reported with its line number, so an operator fixes the file and runs it again. A valid file
is written in one transaction. Rows are matched by natural key (point ``code``; device
``nas_ip`` + ``nas_identifier``), so importing the same file twice changes nothing.

Points (UTF-8, header row; * required)::

    code*, village_code*, place_name*, village_name, latitude, longitude, programme,
    provider, installed_on, bandwidth_down_mbps, bandwidth_up_mbps, monthly_cost, ssid, status

``village_code`` is the 8-digit DOPA code; an unknown village is created in its (real)
sub-district when ``village_name`` is given. ``programme`` is mdes / nbtc_border / nbtc_rural,
``provider`` an agency short name (e.g. nt-phitsanulok), ``installed_on`` YYYY-MM-DD (a
Buddhist-Era year such as 2561 is accepted), ``monthly_cost`` in baht.

Devices::

    point_code*, nas_ip*, secret*, nas_identifier, called_station_id, active
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from ipaddress import ip_address

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pracharat.accounts.models import Agency
from pracharat.geo.models import SubDistrict, Village
from pracharat.network.models import Nas, PointStatus, Programme, ServicePoint

POINT_COLUMNS = [
    "code",
    "village_code",
    "place_name",
    "village_name",
    "latitude",
    "longitude",
    "programme",
    "provider",
    "installed_on",
    "bandwidth_down_mbps",
    "bandwidth_up_mbps",
    "monthly_cost",
    "ssid",
    "status",
]
DEVICE_COLUMNS = ["point_code", "nas_ip", "secret", "nas_identifier", "called_station_id", "active"]
MAX_ROWS = 100_000


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line number, message)

    @property
    def ok(self) -> bool:
        return not self.errors


class LineError(ValueError):
    pass


def _reader(source) -> tuple[csv.DictReader, list[str]]:
    if isinstance(source, bytes):
        source = source.decode("utf-8-sig")
    if isinstance(source, str):
        source = io.StringIO(source)
    reader = csv.DictReader(source)
    header = [h.strip().lower() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    return reader, header


def _missing_columns(header: list[str], required: list[str]) -> list[str]:
    return [c for c in required if c not in header]


def _get(row: dict, name: str) -> str:
    value = row.get(name)
    return value.strip() if isinstance(value, str) else ""


def _float(row, name, low, high) -> float | None:
    raw = _get(row, name)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise LineError(
            _("%(column)s is not a number: %(value)s") % {"column": name, "value": raw}
        ) from None
    if not low <= value <= high:
        raise LineError(
            _("%(column)s must be between %(low)s and %(high)s")
            % {"column": name, "low": low, "high": high}
        )
    return value


def _int(row, name, default: int) -> int:
    raw = _get(row, name)
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) <= 10_000:
        raise LineError(_("%(column)s must be a whole number of Mbps") % {"column": name})
    return int(raw)


def _date(row, name) -> date | None:
    raw = _get(row, name)
    if not raw:
        return None
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise LineError(
            _("%(column)s is not a date (YYYY-MM-DD): %(value)s") % {"column": name, "value": raw}
        ) from None
    if value.year > 2400:  # Buddhist Era
        value = value.replace(year=value.year - 543)
    return value


def _choice(row, name, choices, default):
    raw = _get(row, name).lower()
    if not raw:
        return default
    values = {str(v) for v in choices.values}
    if raw not in values:
        raise LineError(
            _("%(column)s must be one of %(values)s")
            % {"column": name, "values": ", ".join(sorted(values))}
        )
    return raw


def import_points(source, *, dry_run: bool = False) -> ImportReport:
    """Validate every line, then create or update all points in one transaction."""
    report = ImportReport()
    reader, header = _reader(source)
    missing = _missing_columns(header, ["code", "village_code", "place_name"])
    if missing:
        report.errors.append(
            (1, _("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        )
        return report
    agencies = {a.slug: a for a in Agency.objects.all()}
    seen: dict[str, int] = {}
    points: list[tuple[int, ServicePoint, Village | None]] = []
    rows = list(reader)
    if len(rows) > MAX_ROWS:
        report.errors.append((1, _("At most %(n)d lines per file.") % {"n": MAX_ROWS}))
        return report
    codes = [_get(r, "village_code") for r in rows]
    villages = Village.objects.in_bulk([c for c in codes if len(c) == 8 and c.isdigit()])
    subdistricts = set(
        SubDistrict.objects.filter(code__in={c[:6] for c in codes if len(c) == 8}).values_list(
            "code", flat=True
        )
    )
    existing = ServicePoint.objects.in_bulk(
        [_get(r, "code").upper() for r in rows], field_name="code"
    )
    for line, row in enumerate(rows, start=2):
        try:
            code = _get(row, "code").upper()
            if code in seen:
                raise LineError(
                    _("code %(code)s is also on line %(line)d") % {"code": code, "line": seen[code]}
                )
            seen[code] = line
            village_code = _get(row, "village_code")
            village = villages.get(village_code)
            new_village = None
            if village is None:
                if len(village_code) != 8 or not village_code.isdigit():
                    raise LineError(_("village_code must have 8 digits"))
                if village_code[:6] not in subdistricts:
                    raise LineError(_("No sub-district %(code)s") % {"code": village_code[:6]})
                name = _get(row, "village_name")
                if not name:
                    raise LineError(
                        _("Village %(code)s is not registered; give village_name to add it")
                        % {"code": village_code}
                    )
                new_village = Village(
                    code=village_code,
                    subdistrict_id=village_code[:6],
                    moo=int(village_code[6:]) or 1,
                    name_th=name,
                )
                villages[village_code] = village = new_village
            provider_slug = _get(row, "provider")
            provider = agencies.get(provider_slug) if provider_slug else None
            if provider_slug and provider is None:
                raise LineError(_("No agency %(slug)s") % {"slug": provider_slug})
            cost_raw = _get(row, "monthly_cost").replace(",", "")
            try:
                cost = Decimal(cost_raw) if cost_raw else None
            except InvalidOperation:
                raise LineError(
                    _("monthly_cost is not an amount: %(value)s") % {"value": cost_raw}
                ) from None
            point = existing.get(code) or ServicePoint(code=code)
            point.village = village
            point.area_code = village_code
            point.place_name = _get(row, "place_name")
            point.latitude = _float(row, "latitude", 5.0, 21.0)
            point.longitude = _float(row, "longitude", 97.0, 106.0)
            point.programme = _choice(
                row, "programme", Programme, point.programme or Programme.MDES_24700
            )
            point.provider = provider
            point.installed_on = _date(row, "installed_on")
            point.bandwidth_down_mbps = _int(row, "bandwidth_down_mbps", 30)
            point.bandwidth_up_mbps = _int(row, "bandwidth_up_mbps", 10)
            point.monthly_cost = cost
            point.ssid = _get(row, "ssid")
            point.status = _choice(row, "status", PointStatus, point.status or PointStatus.ACTIVE)
            try:
                point.full_clean(exclude=["village", "provider"], validate_unique=False)
            except ValidationError as exc:
                raise LineError(
                    "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())
                ) from None
            points.append((line, point, new_village))
        except LineError as exc:
            report.errors.append((line, str(exc)))
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        created_villages = {}
        for _line, point, new_village in points:
            if new_village is not None and new_village.code not in created_villages:
                new_village.save()
                created_villages[new_village.code] = new_village
            was_new = point.pk is None
            if not was_new and not _point_changed(point):
                report.unchanged += 1
                continue
            point.save()
            if was_new:
                report.created += 1
            else:
                report.updated += 1
    return report


def _point_changed(point: ServicePoint) -> bool:
    stored = ServicePoint.objects.filter(pk=point.pk).values(*_POINT_FIELDS).get()
    return any(stored[name] != getattr(point, name) for name in _POINT_FIELDS)


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
    "monthly_cost",
    "ssid",
    "status",
]


def import_devices(source, *, dry_run: bool = False) -> ImportReport:
    """Validate every line, then create or update all devices in one transaction."""
    report = ImportReport()
    reader, header = _reader(source)
    missing = _missing_columns(header, ["point_code", "nas_ip", "secret"])
    if missing:
        report.errors.append(
            (1, _("Missing columns: %(columns)s") % {"columns": ", ".join(missing)})
        )
        return report
    rows = list(reader)
    if len(rows) > MAX_ROWS:
        report.errors.append((1, _("At most %(n)d lines per file.") % {"n": MAX_ROWS}))
        return report
    points = ServicePoint.objects.in_bulk(
        [_get(r, "point_code").upper() for r in rows], field_name="code"
    )
    existing = {(n.nas_ip, n.nas_identifier): n for n in Nas.objects.all()}
    seen: dict[tuple[str, str], int] = {}
    devices: list[Nas] = []
    for line, row in enumerate(rows, start=2):
        try:
            point = points.get(_get(row, "point_code").upper())
            if point is None:
                raise LineError(_("No service point %(code)s") % {"code": _get(row, "point_code")})
            try:
                nas_ip = str(ip_address(_get(row, "nas_ip")))
            except ValueError:
                raise LineError(
                    _("nas_ip is not an IP address: %(value)s") % {"value": _get(row, "nas_ip")}
                ) from None
            identifier = _get(row, "nas_identifier")[:64]
            key = (nas_ip, identifier)
            if key in seen:
                raise LineError(_("The same device is also on line %(line)d") % {"line": seen[key]})
            seen[key] = line
            secret = _get(row, "secret")
            if len(secret) < 8:
                # RFC 2865 §3 asks for at least 16 octets; 8 is the least we accept at all.
                raise LineError(_("secret must have at least 8 characters"))
            if len(secret) > 128:
                raise LineError(_("secret must have at most 128 characters"))
            active_raw = _get(row, "active").lower()
            if active_raw not in ("", "1", "0", "yes", "no", "true", "false"):
                raise LineError(_("active must be yes or no"))
            nas = existing.get(key) or Nas(nas_ip=nas_ip, nas_identifier=identifier)
            nas.service_point = point
            nas.called_station_id = _get(row, "called_station_id")[:64]
            nas.secret = secret
            nas.is_active = active_raw not in ("0", "no", "false")
            devices.append(nas)
        except LineError as exc:
            report.errors.append((line, str(exc)))
    if report.errors or dry_run:
        return report
    with transaction.atomic():
        for nas in devices:
            if nas.pk is None:
                report.created += 1
            elif _device_changed(nas):
                report.updated += 1
            else:
                report.unchanged += 1
                continue
            nas.save()
    return report


def _device_changed(nas: Nas) -> bool:
    fields = ["service_point_id", "called_station_id", "secret", "is_active"]
    stored = Nas.objects.filter(pk=nas.pk).values(*fields).get()
    return any(stored[name] != getattr(nas, name) for name in fields)
