"""The worth review's API (mounted by oversight's api.py under ``/api/v1/oversight/``):
``worth-review?area=65&start=YYYY-MM-DD&end=YYYY-MM-DD`` and one point's review, for the
roles that read the review pages (``worth.may_review``); thresholds as query parameters
of the same names as :class:`pracharat.oversight.worth.Thresholds`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from pracharat.accounts.api_auth import token_or_session
from pracharat.core.api_schemas import with_errors
from pracharat.core.errors import NotAllowed, NotFound
from pracharat.oversight import worth

router = Router(tags=["oversight worth review"])
AREA_PATTERN = r"^(?:|\d{2}|\d{4}|\d{6}|\d{8})$"


def _limited(name: str):
    low, high = worth.LIMITS[name]
    return Field(None, ge=low, le=high)


class WorthQuery(Schema):
    area: str = Field("", pattern=AREA_PATTERN, description='DOPA code; "" is the country')
    start: str | None = Field(None, description="YYYY-MM-DD; default: the last full fiscal year")
    end: str | None = Field(None, description="YYYY-MM-DD")
    broken_uptime: float | None = _limited("broken_uptime")
    idle_active_share: float | None = _limited("idle_active_share")
    well_used_daily_users: float | None = _limited("well_used_daily_users")
    centre_well_used_learners: float | None = _limited("centre_well_used_learners")
    hand_over_days: int | None = _limited("hand_over_days")
    raised_factor: float | None = _limited("raised_factor")


class WorthEvidenceOut(Schema):
    th: str
    en: str


class WorthRowOut(Schema):
    kind: str
    id: int
    code: str
    name: str
    area_code: str
    programme: str
    provider: str
    latitude: float | None
    longitude: float | None
    days_in_service: int
    months_costed: int
    cost: Decimal
    unique_users: int
    active_days: int
    user_days: int
    sessions: int
    bytes: int
    peak_concurrent: int
    population: int | None
    households: int | None
    reach_population: float | None
    reach_households: float | None
    uptime: float | None
    incidents: int
    sla_missed: int
    classes: int
    learners: int
    certificates: int
    activities: int
    group_income: Decimal
    cost_per_user: Decimal | None
    cost_per_user_day: Decimal | None
    cost_per_learner: Decimal | None
    previous_user_days: int | None
    change: float | None
    use_before_class: float | None
    use_after_class: float | None
    klass: str = Field(alias="class")
    recommendation: str
    evidence: list[WorthEvidenceOut]


class WorthSensitivityOut(Schema):
    threshold: str
    factor: float
    value: float
    changed: int
    counts: dict[str, int]


class WorthReviewOut(Schema):
    area: str
    start: dt.date
    end: dt.date
    previous_start: dt.date
    previous_end: dt.date
    thresholds: dict[str, float]
    counts: dict[str, int]
    centre_counts: dict[str, int]
    recommendations: dict[str, int]
    totals: dict[str, Decimal | int | None]
    sensitivity: list[WorthSensitivityOut]
    rows: list[WorthRowOut]


def _row(r: worth.Row) -> dict:
    out = {f: getattr(r, f) for f in WorthRowOut.model_fields if hasattr(r, f) and f != "klass"}
    out.update(
        id=r.pk,
        **{"class": r.klass},
        evidence=[{"th": th, "en": en} for th, en in r.evidence],
    )
    return out


def _args(q: WorthQuery):
    period = worth.asked_period(q.start, q.end)
    moved = {n: getattr(q, n) for n in worth.Thresholds.names() if getattr(q, n, None) is not None}
    return period, worth.Thresholds.read(moved)


def _out(result: worth.Review, rows) -> dict:
    return {
        "area": result.code,
        "start": result.period.start,
        "end": result.period.end,
        "previous_start": result.previous.start,
        "previous_end": result.previous.end,
        "thresholds": dataclasses.asdict(result.thresholds),
        "counts": result.counts(),
        "centre_counts": result.counts("centre"),
        "recommendations": result.recommendation_counts(),
        "totals": result.totals,
        "sensitivity": result.sensitivity(),
        "rows": [_row(r) for r in rows],
    }


@router.get(
    "/worth-review",
    auth=token_or_session,
    response=with_errors(WorthReviewOut, 401, 403, 422),
    by_alias=True,
    summary="The worth review of an area over a period (default: the last full fiscal year)",
)
def worth_review(request, q: Query[WorthQuery]):
    if not worth.may_review(request.auth, q.area):
        raise NotAllowed(_("You may not read the worth review of this area."))
    period, thresholds = _args(q)
    result = worth.cached_review(q.area, period, thresholds)
    return _out(result, result.rows)


@router.get(
    "/worth-review/points/{point_id}",
    auth=token_or_session,
    response=with_errors(WorthReviewOut, 401, 403, 404, 422),
    by_alias=True,
    summary="One service point's worth review",
)
def worth_review_point(request, q: Query[WorthQuery], point_id: int = Path(..., ge=1, le=2**62)):
    from pracharat.network.models import ServicePoint

    code = ServicePoint.objects.filter(pk=point_id).values_list("area_code", flat=True).first()
    if code is None:
        raise NotFound(_("No such service point."))
    if not worth.may_review(request.auth, code):
        raise NotAllowed(_("You may not read the worth review of this area."))
    period, thresholds = _args(q)
    result = worth.review(code, period, thresholds, point_pk=point_id)
    if not result.points:
        raise NotFound(_("The point was not in service in this period."))
    return _out(result, result.points)
