"""Centres from CSV or XLSX (on :mod:`pracharat.core.tables`): all lines or nothing, matched
by ``slug``, so importing the same file twice changes nothing.

Columns (header by key or Thai/English name; * required)::

    slug*, name_th*, village_code*, name_en, kind, host, service_point, computers, equipment,
    contact_name, phone, email, opening_hours, status, latitude, longitude

``kind`` is digital_centre / ict_learning_centre / other_venue (or its name), ``host`` an
agency short name, ``service_point`` a point code. An officer imports only into their areas.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pracharat.accounts.models import Agency, Role
from pracharat.accounts.scoping import area_codes_for, has_role
from pracharat.core import tables
from pracharat.core.errors import NotAllowed
from pracharat.core.tables import CellError, Column
from pracharat.geo.models import Village
from pracharat.learning.models import Centre, CentreKind, CentreStatus
from pracharat.network.models import ServicePoint

MAX_ROWS = 20_000
WEB_MAX_ROWS = 5_000

#: Who may import centres: those who keep an area's records.
IMPORT_ROLES = {Role.PROVINCIAL_OFFICER, Role.OPERATOR}


def _village_code(value: str) -> str:
    value = tables.arabic_digits(value)
    if len(value) != 8 or not value.isdigit():
        raise CellError(_("A village code has 8 digits."))
    return value


def _slug(value: str) -> str:
    value = value.strip().lower()
    if not value or len(value) > 80 or not all(c.isalnum() or c in "-_" for c in value):
        raise CellError(_("Use letters, digits and hyphens, e.g. rmutl-phitsanulok."))
    if not value.isascii():
        raise CellError(_("Use letters, digits and hyphens, e.g. rmutl-phitsanulok."))
    return value


COLUMNS = [
    Column("slug", gettext_lazy("Short name"), parse=_slug, required=True, example="rmutl-ict"),
    Column(
        "name_th",
        gettext_lazy("Name (Thai)"),
        parse=tables.text(200),
        required=True,
        example="ศูนย์การเรียนรู้ ICT ชุมชน มทร.ล้านนา พิษณุโลก",
    ),
    Column(
        "village_code",
        gettext_lazy("Village code"),
        parse=_village_code,
        required=True,
        example="65060209",
    ),
    Column("name_en", gettext_lazy("Name (English)"), parse=tables.text(200)),
    Column("kind", gettext_lazy("Kind"), parse=tables.choice(CentreKind), example="digital_centre"),
    Column("host", gettext_lazy("Host agency"), example="rmutl-phitsanulok"),
    Column("service_point", gettext_lazy("Service point"), example="NP-65060209"),
    Column("computers", gettext_lazy("Computers"), parse=tables.integer(0, 10_000), example="10"),
    Column("equipment", gettext_lazy("Equipment"), parse=tables.text(2000), example="โปรเจกเตอร์"),
    Column("contact_name", gettext_lazy("Contact person"), parse=tables.text(150)),
    Column("phone", gettext_lazy("Phone"), parse=tables.text(20), example="055 298 438"),
    Column("email", gettext_lazy("Email"), parse=tables.text(254)),
    Column(
        "opening_hours",
        gettext_lazy("Opening hours"),
        parse=tables.text(500),
        example="จ.–ศ. 8:30–16:30",
    ),
    Column("status", gettext_lazy("Status"), parse=tables.choice(CentreStatus), example="open"),
    Column("latitude", gettext_lazy("Latitude"), parse=tables.real(5.0, 21.0)),
    Column("longitude", gettext_lazy("Longitude"), parse=tables.real(97.0, 106.0)),
]
_FIELDS = [
    "name_th",
    "name_en",
    "kind",
    "village_id",
    "area_code",
    "host_id",
    "service_point_id",
    "computers",
    "equipment",
    "contact_name",
    "phone",
    "email",
    "opening_hours",
    "status",
    "latitude",
    "longitude",
]


def import_areas_for(user) -> list[str] | None:
    """The areas ``user`` may import centres into (None: all); NotAllowed when none."""
    areas = area_codes_for(user, roles=IMPORT_ROLES) if has_role(user, *IMPORT_ROLES) else []
    if areas == []:
        raise NotAllowed(_("Only provincial officers and operators may import centres."))
    return areas


def _in_areas(code: str, areas) -> bool:
    return areas is None or any(code.startswith(a) for a in areas)


class CentreImport(tables.Importer):
    columns = COLUMNS
    max_rows = MAX_ROWS

    def __init__(self, areas: list[str] | None = None):
        self.areas = areas

    def check(self, rows):
        agencies = {a.slug: a for a in Agency.objects.all()}
        villages = Village.objects.in_bulk([r["village_code"] for r in rows if r["village_code"]])
        points = ServicePoint.objects.in_bulk(
            [r["service_point"].upper() for r in rows if r["service_point"]], field_name="code"
        )
        existing = Centre.objects.in_bulk([r["slug"] for r in rows if r["slug"]], field_name="slug")
        seen: dict[str, int] = {}
        planned = []
        for row in rows:
            slug, code = row["slug"], row["village_code"]
            if slug in seen:
                self.error(row, "slug", _("Also on line %(line)d.") % {"line": seen[slug]})
            elif slug:
                seen[slug] = row.line
            centre = existing.get(slug) if slug else None
            if centre is not None and not _in_areas(centre.area_code, self.areas):
                self.error(row, "slug", _("This centre is outside your area."))
            village = villages.get(code) if code else None
            if code and village is None:
                self.error(row, "village_code", _("No village %(code)s.") % {"code": code})
            elif code and not _in_areas(code, self.areas):
                self.error(
                    row,
                    "village_code",
                    _("Village %(code)s is outside your area.") % {"code": code},
                )
            host = agencies.get(row["host"]) if row["host"] else None
            if row["host"] and host is None:
                self.error(row, "host", _("No agency %(slug)s.") % {"slug": row["host"]})
            point = points.get(row["service_point"].upper()) if row["service_point"] else None
            if row["service_point"] and point is None:
                self.error(
                    row,
                    "service_point",
                    _("No service point %(code)s.") % {"code": row["service_point"]},
                )
            if row.errors:
                continue
            centre = centre or Centre(slug=slug)
            centre.name_th, centre.name_en = row["name_th"], row["name_en"] or ""
            centre.kind = row["kind"] or centre.kind or CentreKind.DIGITAL_CENTRE
            centre.village, centre.area_code = village, code
            centre.host, centre.service_point = host, point
            centre.computers = row["computers"] or 0
            for name in ("equipment", "contact_name", "phone", "email", "opening_hours"):
                setattr(centre, name, row[name] or "")
            centre.status = row["status"] or centre.status or CentreStatus.OPEN
            centre.latitude = row["latitude"] if row["latitude"] is not None else village.latitude
            centre.longitude = (
                row["longitude"] if row["longitude"] is not None else village.longitude
            )
            try:
                centre.full_clean(
                    exclude=["village", "host", "service_point"], validate_unique=False
                )
            except ValidationError as exc:
                for key, messages in exc.message_dict.items():
                    self.error(row, key if key != "__all__" else "", " ".join(messages))
            planned.append(centre)
        return planned

    def write(self, planned, result):
        for centre in planned:
            if centre.pk is None:
                result.created += 1
            else:
                stored = Centre.objects.filter(pk=centre.pk).values(*_FIELDS).get()
                if all(stored[name] == getattr(centre, name) for name in _FIELDS):
                    result.unchanged += 1
                    continue
                result.updated += 1
            centre.save()


def import_centres(file, *, areas=None, dry_run=False, max_rows=MAX_ROWS):
    return CentreImport(areas=areas).run(file, dry_run=dry_run, max_rows=max_rows)
