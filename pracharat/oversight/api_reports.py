"""The reports' API (mounted by oversight's api.py under ``/api/v1/oversight/``): the province
report as JSON (scoped like its page), and the dashboards' numbers (public aggregates)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from pracharat.accounts.api_auth import token_or_session
from pracharat.core.api_schemas import with_errors
from pracharat.core.errors import NotAllowed, NotFound
from pracharat.geo.models import Province
from pracharat.oversight import dashboards, reports

router = Router(tags=["oversight reports"])

AREA_PATTERN = r"^(?:\d{2}|\d{4}|\d{6}|\d{8})$"


class ReportYearQuery(Schema):
    fy: int | None = Field(None, ge=2560, le=2643, description="Fiscal year (BE); default: now")


class ReportNumberOut(Schema):
    key: str
    label: str
    value: int | Decimal | float | None
    unit: str


class ReportAgencyActionsOut(Schema):
    agency_id: int
    name: str
    open: int
    overdue: int
    closed: int
    total: int


class ReportDashboardOut(Schema):
    code: str = Field(description='DOPA area code; "" is the whole country')
    fiscal_year: int
    start: dt.date
    end: dt.date
    pillars: dict[str, list[ReportNumberOut]]
    actions_by_agency: list[ReportAgencyActionsOut]


class ReportProvinceRowOut(Schema):
    code: str
    name: str
    numbers: dict[str, int | Decimal | float | None] = Field(description='"pillar.key": value')


class ReportNationalOut(Schema):
    fiscal_year: int
    start: dt.date
    end: dt.date
    columns: list[ReportNumberOut] = Field(description='key is "pillar.key"; value is empty')
    provinces: list[ReportProvinceRowOut]


class ReportCountOut(Schema):
    key: str
    label: str
    count: int


class ReportVisitOut(Schema):
    id: int
    title: str
    start_date: dt.date
    end_date: dt.date
    findings: int
    actions: int


class ReportActionOut(Schema):
    id: int
    title: str
    owner_id: int
    owner: str
    due_date: dt.date
    status: str
    overdue: bool


class ReportProvinceReportOut(Schema):
    province: str
    name: str
    fiscal_year: int
    start: dt.date
    end: dt.date
    visits: list[ReportVisitOut]
    findings_by_category: list[ReportCountOut]
    actions_by_status: list[ReportCountOut]
    actions_by_agency: list[ReportAgencyActionsOut]
    overdue: list[ReportActionOut]


def _numbers(figures) -> list[dict]:
    return [n.as_dict() for n in figures]


def _dashboard(code: str, year: ReportYearQuery) -> dict:
    board = dashboards.area_dashboard(code, year.fy)  # an unknown area is a 404
    return {
        "code": board.code,
        "fiscal_year": board.year.be,
        "start": board.period.start,
        "end": board.period.end,
        "pillars": {p.pillar: _numbers(p.numbers) for p in board.pillars},
        "actions_by_agency": board.by_agency,
    }


@router.get(
    "/dashboard",
    response=with_errors(ReportNationalOut, 404),
    summary="Every province's numbers of every pillar for a fiscal year",
)
def national_dashboard(request, year: Query[ReportYearQuery]):
    table = dashboards.national_table(year.fy)
    return {
        "fiscal_year": table.year.be,
        "start": table.period.start,
        "end": table.period.end,
        "columns": [
            {"key": c.id, "label": c.label, "value": None, "unit": c.unit} for c in table.columns
        ],
        "provinces": [
            {"code": r["province"].code, "name": r["province"].name, "numbers": r["values"]}
            for r in table.rows
        ],
    }


@router.get(
    "/dashboard/{code}",
    response=with_errors(ReportDashboardOut, 404),
    summary="An area's dashboard numbers: every pillar, and actions by owner agency",
)
def area_dashboard(
    request, year: Query[ReportYearQuery], code: str = Path(..., pattern=AREA_PATTERN)
):
    return _dashboard(code, year)


@router.get(
    "/reports/{code}/{fiscal_year}",
    response=with_errors(ReportProvinceReportOut, 401, 403, 404),
    auth=token_or_session,
    summary="A province's report for a fiscal year, as the caller sees it",
)
def province_report(
    request,
    code: str = Path(..., pattern=r"^\d{2}$"),
    fiscal_year: int = Path(..., ge=2560, le=2643),
):
    province = Province.objects.filter(code=code).first()
    if province is None:
        raise NotFound(_("No such province."))
    if not reports.may_see_province(request.auth, code):
        raise NotAllowed(_("This province's report is not yours to see."))
    report = reports.province_report(request.auth, province, fiscal_year)
    return {
        "province": province.code,
        "name": province.name,
        "fiscal_year": report.year.be,
        "start": report.period.start,
        "end": report.period.end,
        "visits": [_visit(v) for v in report.visits],
        "findings_by_category": _counts(report.findings_by_category),
        "actions_by_status": _counts(report.by_status),
        "actions_by_agency": [
            {"agency_id": r["agency"].pk, **{k: r[k] for k in AGENCY_KEYS}}
            for r in report.by_agency
        ],
        "overdue": [_action(a) for a in report.overdue],
    }


AGENCY_KEYS = ("name", "open", "overdue", "closed", "total")


def _counts(rows) -> list[dict]:
    return [{"key": key, "label": label, "count": n} for key, label, n in rows]


def _visit(v) -> dict:
    return {
        "id": v.pk,
        "title": str(v),
        "start_date": v.start_date,
        "end_date": v.end_date,
        "findings": v.finding_count,
        "actions": v.action_count,
    }


def _action(a) -> dict:
    return {
        "id": a.pk,
        "title": a.title,
        "owner_id": a.owner_id,
        "owner": a.owner.name,
        "due_date": a.due_date,
        "status": a.status,
        "overdue": a.is_overdue,
    }
