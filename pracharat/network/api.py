"""The network API at /api/v1/network/: the public service-point registry, daily usage (JSON,
CSV and XLSX), GeoJSON for maps, and incidents for the officers who handle them.

Public reads need no auth and never include device secrets or anything about people; incident
endpoints take a bearer token or the browser session (CSRF applies to session writes).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Body, Field, Path, Query, Router, Schema
from ninja.security import HttpBearer

from pracharat.accounts.api_auth import token_or_session
from pracharat.core import tables
from pracharat.core.api_schemas import ErrorOut, period_query, with_errors
from pracharat.core.numbers import period_from_query
from pracharat.core.tables import Column, Table
from pracharat.geo.models import Province
from pracharat.network import actions, alerts
from pracharat.network.models import (
    AlertKind,
    AreaDailyUsage,
    DailyUsage,
    Incident,
    IncidentStatus,
    PointStatus,
    ServicePoint,
)

router = Router(tags=["network"])

AREA_PATTERN = r"^(?:\d{2}|\d{4}|\d{6}|\d{8})$"
CODE_PATTERN = r"^[A-Z0-9][A-Z0-9-]{2,23}$"
MAX_USAGE_DAYS = 3 * 366
DEFAULT_USAGE_DAYS = 30
CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}
XLSX_CONTENT = {tables.XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}}}
GEOJSON_CONTENT = {"application/geo+json": {"schema": {"type": "object"}}}


class ProviderOut(Schema):
    slug: str
    name_th: str
    name_en: str


class PointOut(Schema):
    code: str
    place_name: str
    village_code: str = Field(..., alias="village_id")
    area_code: str
    latitude: float | None
    longitude: float | None
    programme: str
    provider: ProviderOut | None
    installed_on: dt.date | None
    bandwidth_down_mbps: int
    bandwidth_up_mbps: int
    monthly_cost: float | None
    ssid: str
    status: str
    last_seen: dt.datetime | None
    online_users: int


class PointPage(Schema):
    count: int
    items: list[PointOut]


class PlaceOut(Schema):
    code: str
    name_th: str
    name_en: str


class OpenIncidentOut(Schema):
    status: str
    opened_at: dt.datetime


class PointDetail(PointOut):
    village: PlaceOut
    subdistrict: PlaceOut
    district: PlaceOut
    province: PlaceOut
    open_incident: OpenIncidentOut | None


class UsageDay(Schema):
    day: dt.date
    sessions: int
    unique_users: int
    session_seconds: int
    bytes_in: int
    bytes_out: int
    peak_concurrent: int


class PointFilter(Schema):
    area: str | None = Field(None, pattern=AREA_PATTERN, description="DOPA area code prefix")
    status: PointStatus | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class AreaFilter(Schema):
    area: str | None = Field(None, pattern=AREA_PATTERN, description="DOPA area code prefix")
    status: PointStatus | None = None


Period = period_query("30 days before end")


def _points(area: str | None, status: str | None):
    qs = ServicePoint.objects.select_related("provider").order_by("area_code", "code")
    if area:
        qs = qs.in_area(area)
    if status:
        qs = qs.with_status(status)
    return qs


def _period(period: Period) -> tuple[dt.date, dt.date]:
    """The inclusive range asked for; bad, reversed or longer than three years is a 422."""
    asked = period_from_query(
        period.start,
        period.end,
        default_start=lambda end: end - dt.timedelta(DEFAULT_USAGE_DAYS - 1),
        max_days=MAX_USAGE_DAYS,
    )
    return asked.start, asked.end


def _usage_rows(point: ServicePoint, start: dt.date, end: dt.date) -> list[dict]:
    """Every day of the period, zeros where nothing was recorded."""
    stored = {
        r["day"]: r
        for r in DailyUsage.objects.filter(service_point=point)
        .between(start, end)
        .values(
            "day",
            "sessions",
            "unique_users",
            "session_seconds",
            "bytes_in",
            "bytes_out",
            "peak_concurrent",
        )
    }
    rows = []
    day = start
    while day <= end:
        rows.append(
            stored.get(day)
            or {
                "day": day,
                "sessions": 0,
                "unique_users": 0,
                "session_seconds": 0,
                "bytes_in": 0,
                "bytes_out": 0,
                "peak_concurrent": 0,
            }
        )
        day += dt.timedelta(days=1)
    return rows


def _point(code: str) -> ServicePoint:
    return get_object_or_404(
        ServicePoint.objects.select_related("provider", "village__subdistrict__district__province"),
        code=code,
    )


@router.get(
    "/service-points",
    response=with_errors(PointPage),
    summary="Service points, filtered by area and status, paginated",
)
def service_points(request, filters: Query[PointFilter]):
    qs = _points(filters.area, filters.status)
    return {
        "count": qs.count(),
        "items": list(qs[filters.offset : filters.offset + filters.limit]),
    }


@router.get(
    "/service-points.geojson",
    response={200: dict, 422: ErrorOut},
    url_name="network_points_geojson",
    summary="Service points with their status as a GeoJSON FeatureCollection (for maps)",
    openapi_extra={"responses": {200: {"description": "OK", "content": GEOJSON_CONTENT}}},
)
def service_points_geojson(request, filters: Query[AreaFilter]):
    labels = dict(PointStatus.choices)
    rows = (
        _points(filters.area, filters.status)
        .select_related(None)
        .values_list(
            "code",
            "place_name",
            "status",
            "latitude",
            "longitude",
            "village__name_th",
            "village__latitude",
            "village__longitude",
        )
    )
    features = []
    for code, place, status, lat, lon, village, vlat, vlon in rows:
        lat, lon = (lat, lon) if lat is not None and lon is not None else (vlat, vlon)
        if lat is None or lon is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "code": code,
                    "place_name": place,
                    "village": village,
                    "status": status,
                    "status_label": str(labels.get(status, status)),
                },
            }
        )
    response = HttpResponse(
        _json({"type": "FeatureCollection", "features": features}),
        content_type="application/geo+json",
    )
    return response


def _json(data) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


@router.get(
    "/service-points/{code}",
    response=with_errors(PointDetail, 404),
    summary="One service point, where it is and whether an incident is open",
)
def service_point(request, code: str = Path(..., pattern=CODE_PATTERN)):
    point = _point(code)
    sub = point.village.subdistrict
    incident = point.incidents.exclude(status=IncidentStatus.RESOLVED).first()
    point.subdistrict = sub
    point.district = sub.district
    point.province = sub.district.province
    point.open_incident = incident
    return point


@router.get(
    "/service-points/{code}/usage",
    response=with_errors(list[UsageDay], 404),
    summary="A point's daily usage in aggregate (every day of the period, at most 3 years)",
)
def service_point_usage(
    request, period: Query[Period], code: str = Path(..., pattern=CODE_PATTERN)
):
    point = _point(code)
    start, end = _period(period)
    return _usage_rows(point, start, end)


def _keyed(*keys: str) -> Table:
    """Tables the API serves: the header is the keys, the same names as the JSON's."""
    return Table([Column(key, key) for key in keys], header="key")


USAGE_TABLE = _keyed(
    "day",
    "sessions",
    "unique_users",
    "session_seconds",
    "bytes_in",
    "bytes_out",
    "peak_concurrent",
)
AREA_TABLE = _keyed(
    "area_code",
    "area_name",
    "level",
    "day",
    "points",
    "users",
    "sessions",
    "session_seconds",
    "bytes_in",
    "bytes_out",
)
Format = Literal["csv", "xlsx"]


def _export_endpoints(path: str, pattern: str, name: str, summary: str, export) -> None:
    """``path.csv`` and ``path.xlsx``: the same rows, ``export(period, code, fmt)``."""

    def endpoint_for(fmt: Format):
        def endpoint(request, period: Query[Period], code: str = Path(..., pattern=pattern)):
            return export(period, code, fmt)

        endpoint.__name__ = f"{name}_{fmt}"
        return endpoint

    for fmt, kind, content in (("csv", "CSV", CSV_CONTENT), ("xlsx", "XLSX", XLSX_CONTENT)):
        router.get(
            f"{path}.{fmt}",
            response={200: str, 404: ErrorOut, 422: ErrorOut},
            url_name=f"network_{name}_{fmt}",
            summary=f"{summary} as {kind}",
            openapi_extra={"responses": {200: {"description": "OK", "content": content}}},
        )(endpoint_for(fmt))


def _point_usage_export(period: Period, code: str, fmt: Format):
    point = _point(code)
    start, end = _period(period)
    rows = _usage_rows(point, start, end)
    return tables.export_response(USAGE_TABLE, rows, f"{point.code}-{start}-{end}", fmt)


def _area_usage_export(period: Period, code: str, fmt: Format):
    province = get_object_or_404(Province, code=code)
    start, end = _period(period)
    names = {province.code: province.name_th}
    names.update(province.districts.values_list("code", "name_th"))
    rows = (
        {**row, "area_name": names.get(row["area_code"], ""), "users": row["user_days"]}
        for row in AreaDailyUsage.objects.in_area(code)
        .between(start, end)
        .order_by("level", "area_code", "day")
        .values(
            "area_code",
            "level",
            "day",
            "points",
            "user_days",
            "sessions",
            "session_seconds",
            "bytes_in",
            "bytes_out",
        )
        .iterator(chunk_size=tables.CHUNK_SIZE)
    )
    return tables.export_response(AREA_TABLE, rows, f"network-{code}-{start}-{end}", fmt)


_export_endpoints(
    "/service-points/{code}/usage",
    CODE_PATTERN,
    "point_usage",
    "A point's daily usage",
    _point_usage_export,
)
_export_endpoints(
    "/areas/{code}/usage",
    r"^\d{2}$",
    "area_usage",
    "Daily usage of a province and each of its districts",
    _area_usage_export,
)


# --- Incidents (officers) ----------------------------------------------------------------------


class AgencyRef(Schema):
    slug: str
    name_th: str


class IncidentOut(Schema):
    id: int
    service_point: str = Field(..., alias="service_point.code")
    area_code: str
    agency: AgencyRef | None
    source: str
    status: str
    summary: str
    opened_at: dt.datetime
    acknowledged_at: dt.datetime | None
    resolved_at: dt.datetime | None
    sla_due: dt.datetime
    overdue: bool = Field(..., alias="is_overdue")


class IncidentPage(Schema):
    count: int
    items: list[IncidentOut]


class EventOut(Schema):
    at: dt.datetime
    kind: str
    actor: str | None
    note: str
    from_status: str = Field(description="Status before a status change; empty otherwise")
    to_status: str = Field(description="Status after a status change; empty otherwise")

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.get_short_name() if obj.actor else None


class IncidentFilter(Schema):
    status: IncidentStatus | None = None
    area: str | None = Field(None, pattern=AREA_PATTERN)
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


class Acknowledge(Schema):
    action: Literal["acknowledge"]
    note: str = Field("", max_length=2000, description="An optional note")


class NoteOrResolve(Schema):
    action: Literal["note", "resolve"]
    # The schema says what the action needs: a note with something besides spaces in it.
    note: str = Field(
        ..., min_length=1, max_length=2000, pattern=r"\S", description="The note, or what was done"
    )


#: What to do to an incident; ``note`` and ``resolve`` need a note (OpenAPI ``oneOf``).
IncidentUpdate = Annotated[Acknowledge | NoteOrResolve, Field(discriminator="action")]


def _visible_incidents(request):
    return Incident.objects.visible_to(request.auth).select_related("service_point", "agency")


class IncidentDetailOut(IncidentOut):
    resolution: str
    events: list[EventOut] = Field(..., alias="events_list")
    reports: int = Field(..., alias="report_count")


@router.get(
    "/incidents",
    auth=token_or_session,
    response=with_errors(IncidentPage, 401),
    summary="Incidents the caller may see, newest first",
)
def incidents(request, filters: Query[IncidentFilter]):
    qs = _visible_incidents(request).order_by("-opened_at", "-pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.area:
        qs = qs.in_area(filters.area)
    return {"count": qs.count(), "items": list(qs[filters.offset : filters.offset + filters.limit])}


def _incident_detail(request, pk: int) -> Incident:
    from django.db.models import Count

    incident = get_object_or_404(
        _visible_incidents(request).annotate(report_count=Count("reports")), pk=pk
    )
    incident.events_list = list(incident.events.select_related("actor"))
    return incident


@router.get(
    "/incidents/{incident_id}",
    auth=token_or_session,
    response=with_errors(IncidentDetailOut, 401, 404),
    summary="One incident with its history",
)
def incident(request, incident_id: int = Path(..., ge=1, le=2**62)):
    return _incident_detail(request, incident_id)


@router.post(
    "/incidents/{incident_id}/events",
    auth=token_or_session,
    response=with_errors(IncidentDetailOut, 401, 403, 404, 409),
    summary="Acknowledge, add a note to, or resolve an incident (officers of its agency)",
)
def update_incident(
    request, body: Body[IncidentUpdate], incident_id: int = Path(..., ge=1, le=2**62)
):
    item = _incident_detail(request, incident_id)
    if body.action == "acknowledge":
        actions.acknowledge_incident(item, request.auth, body.note)
    elif body.action == "note":
        actions.add_incident_note(item, request.auth, body.note)
    else:
        actions.resolve_incident(item, request.auth, body.note)
    return _incident_detail(request, incident_id)


# --- Alerts from the providers' monitoring (alerts.py) -----------------------------------------


class AlertToken(HttpBearer):
    """``Authorization: Bearer <token>`` of an active alert source of this kind (made with
    ``pracharat alert_token``); the source becomes ``request.auth``."""

    def __init__(self, kind: str):
        self.kind = kind
        super().__init__()

    def authenticate(self, request, token):
        return alerts.source_for(token, self.kind)


class AlertmanagerAlert(Schema):
    status: Literal["firing", "resolved"]
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    startsAt: dt.datetime | None = None
    endsAt: dt.datetime | None = None
    generatorURL: str = ""
    fingerprint: str = Field("", max_length=200)


class AlertmanagerWebhook(Schema):
    """Alertmanager's webhook body, version 4 (prometheus.io/docs/alerting/latest/configuration,
    ``<webhook_config>``)."""

    version: Literal["4"]
    groupKey: str = ""
    truncatedAlerts: int = 0
    status: Literal["firing", "resolved"]
    receiver: str = ""
    groupLabels: dict[str, str] = Field(default_factory=dict)
    commonLabels: dict[str, str] = Field(default_factory=dict)
    commonAnnotations: dict[str, str] = Field(default_factory=dict)
    externalURL: str = ""
    alerts: list[AlertmanagerAlert] = Field(..., max_length=1000)


class ZabbixTag(Schema):
    tag: str
    value: str = ""


class ZabbixEvent(Schema):
    """What the Zabbix webhook media type (docs/network.md, "Alerts") posts for a problem
    and for its recovery: Zabbix's macros {EVENT.ID}, {EVENT.VALUE}, {EVENT.NAME},
    {HOST.HOST}, {EVENT.SEVERITY}, {EVENT.TAGSJSON}, {EVENT.UPDATE.STATUS}."""

    event_id: str = Field(..., min_length=1, max_length=64)
    event_value: Literal["0", "1"] = Field(description="1 problem, 0 recovered")
    event_name: str = Field("", max_length=200)
    host: str = Field("", max_length=128)
    severity: str = Field("", max_length=32)
    tags: list[ZabbixTag] | dict[str, str] = Field(default_factory=list)
    event_update_status: Literal["0", "1"] = "0"


class AlertOutcomeOut(Schema):
    opened: list[int]
    joined: list[int]
    resolved: list[int]
    ended: int
    unchanged: int
    ignored: list[dict]


def _real_time(value: dt.datetime | None) -> dt.datetime | None:
    """Alertmanager sends ``0001-01-01T00:00:00Z`` for "not ended"."""
    return value if value is not None and value.year > 1970 else None


def _fingerprint(labels: dict[str, str]) -> str:
    import hashlib

    text = "\x00".join(f"{k}={v}" for k, v in sorted(labels.items()))
    return hashlib.sha256(text.encode()).hexdigest()[:32]


@router.post(
    "/alerts/alertmanager",
    auth=AlertToken(AlertKind.ALERTMANAGER),
    response=with_errors(AlertOutcomeOut, 401),
    summary="Prometheus Alertmanager webhook (v4): firing alerts open incidents, resolved ones "
    "close them",
)
def alertmanager_webhook(request, body: AlertmanagerWebhook):
    items = [
        alerts.AlertInput(
            fingerprint=alert.fingerprint or _fingerprint(alert.labels),
            firing=alert.status == "firing",
            name=alert.labels.get("alertname", "")[:200],
            summary=(
                alert.annotations.get("summary") or alert.annotations.get("description") or ""
            )[:200],
            labels={**body.commonLabels, **alert.labels},
            started_at=_real_time(alert.startsAt),
            ended_at=_real_time(alert.endsAt),
        )
        for alert in body.alerts
    ]
    return alerts.receive(request.auth, items).as_dict()


@router.post(
    "/alerts/zabbix",
    auth=AlertToken(AlertKind.ZABBIX),
    response=with_errors(AlertOutcomeOut, 401),
    summary="Zabbix webhook: a problem opens an incident, its recovery closes it",
)
def zabbix_webhook(request, body: ZabbixEvent):
    if body.event_update_status == "1":  # an acknowledgement or comment in Zabbix
        return alerts.Outcome(unchanged=1).as_dict()
    tags = body.tags if isinstance(body.tags, dict) else {t.tag: t.value for t in body.tags}
    item = alerts.AlertInput(
        fingerprint=f"zabbix:{body.event_id}",
        firing=body.event_value == "1",
        name=body.event_name[:200],
        summary=body.event_name[:200],
        labels=tags,
        host=body.host,
    )
    return alerts.receive(request.auth, [item]).as_dict()
