"""Oversight's numbers per area and period (the ``core.numbers`` contract), and its actions
by owner agency for the dashboards.

Three queries whatever the area (and three for every province at once, ``by_province``):
the submitted visits that began in the period, their findings, and the follow-up actions.
Visits and actions belong to a province; below the province (a district, sub-district or
village) a visit counts when it visited a place there, and findings and actions count by
the place their finding was heard at.

- ``visits``, ``findings``: submitted visits that began in the period, and their findings;
- ``actions_open``: actions created by the period's end still to be done now (open, in
  progress or reopened), ``actions_overdue`` those of them past their due date today;
- ``actions_done``: reported done in the period (``done_at``; done or verified now);
  ``actions_verified``: verified by an inspector in the period.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.core.numbers import Number, Period
from pracharat.oversight.models import (
    PENDING_STATUSES,
    ActionStatus,
    Finding,
    FollowUpAction,
    Visit,
    VisitPlace,
    VisitStatus,
)

LABELS = {
    "visits": _("Inspection visits"),
    "findings": _("Findings"),
    "actions_open": _("Follow-up actions open"),
    "actions_overdue": _("Follow-up actions overdue"),
    "actions_done": _("Actions reported done in the period"),
    "actions_verified": _("Actions verified in the period"),
}

KEYS = list(LABELS)


def _below_province(code: str) -> bool:
    return len(code) > 2


def _visits(code: str, period: Period):
    visits = Visit.objects.filter(
        status=VisitStatus.SUBMITTED, start_date__gte=period.start, start_date__lte=period.end
    ).order_by()
    if _below_province(code):
        here = VisitPlace.objects.filter(visit=OuterRef("pk"), area_code__in_area=code)
        return visits.filter(Exists(here))
    return visits.in_area(code) if code else visits


def _findings(code: str, period: Period):
    findings = Finding.objects.filter(
        visit__status=VisitStatus.SUBMITTED,
        visit__start_date__gte=period.start,
        visit__start_date__lte=period.end,
    ).order_by()
    if _below_province(code):
        return findings.filter(place__area_code__in_area=code)
    return findings.in_area(code) if code else findings


def _actions(code: str):
    actions = FollowUpAction.objects.order_by()
    if _below_province(code):
        return actions.filter(finding__place__area_code__in_area=code)
    return actions.in_area(code) if code else actions


def _action_figures(period: Period) -> dict:
    lo, hi = period.bounds()
    pending = Q(status__in=PENDING_STATUSES, created__lt=hi)
    today = timezone.localdate()
    return {
        "actions_open": Count("pk", filter=pending),
        "actions_overdue": Count("pk", filter=pending & Q(due_date__lt=today)),
        "actions_done": Count(
            "pk",
            filter=Q(
                status__in=(ActionStatus.DONE, ActionStatus.VERIFIED),
                done_at__gte=lo,
                done_at__lt=hi,
            ),
        ),
        "actions_verified": Count(
            "pk",
            filter=Q(status=ActionStatus.VERIFIED, verified_at__gte=lo, verified_at__lt=hi),
        ),
    }


def _numbers(values: dict) -> list[Number]:
    return [Number(key, LABELS[key], values.get(key) or 0, "count") for key in KEYS]


def area_numbers(code: str, period: Period) -> list[Number]:
    """Visits, findings and follow-up actions of the area in the period (three queries)."""
    values = {
        "visits": _visits(code, period).count(),
        "findings": _findings(code, period).count(),
        **_actions(code).aggregate(**_action_figures(period)),
    }
    return _numbers(values)


def by_province(period: Period, codes: list[str]) -> dict[str, list[Number]]:
    """:func:`area_numbers` for every province of ``codes`` in three grouped queries."""

    def per_province(qs, column: str, **figures):
        rows = qs.annotate(prov=Substr(column, 1, 2)).values("prov").annotate(**figures)
        return {row.pop("prov"): row for row in rows}

    visits = per_province(_visits("", period), "area_code", visits=Count("pk"))
    findings = per_province(_findings("", period), "visit__area_code", findings=Count("pk"))
    actions = per_province(_actions(""), "area_code", **_action_figures(period))
    return {
        code: _numbers({**visits.get(code, {}), **findings.get(code, {}), **actions.get(code, {})})
        for code in codes
    }


def actions_by_agency(code: str, today=None) -> list[dict]:
    """Per owner agency with actions in the area: open (still to be done), overdue and closed
    (done or verified), most open first: one grouped query. Agencies are public bodies, the
    counts aggregates."""
    today = today or timezone.localdate()
    pending = Q(status__in=PENDING_STATUSES)
    rows = (
        _actions(code)
        .values("owner_id", "owner__name_th", "owner__name_en", "owner__slug")
        .annotate(
            open=Count("pk", filter=pending),
            overdue=Count("pk", filter=pending & Q(due_date__lt=today)),
            closed=Count("pk", filter=Q(status__in=(ActionStatus.DONE, ActionStatus.VERIFIED))),
            total=Count("pk"),
        )
        .order_by()
    )
    from pracharat.core import i18n

    out = [
        {
            "agency_id": r["owner_id"],
            "name": i18n.localised(r["owner__name_th"], r["owner__name_en"]),
            "short": r["owner__slug"],
            "open": r["open"],
            "overdue": r["overdue"],
            "closed": r["closed"],
            "total": r["total"],
        }
        for r in rows
    ]
    out.sort(key=lambda r: (-r["overdue"], -r["open"], r["name"]))
    return out


__all__ = ["KEYS", "LABELS", "actions_by_agency", "area_numbers", "by_province"]
