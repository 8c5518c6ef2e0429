"""The network's numbers per area and period (the ``core.numbers`` contract).

Three queries whatever the area (and three for every province at once, ``by_province``):
the points, the usage (from the cheapest rollup that holds
the area: province or district rows of ``AreaDailyUsage``, else the points' ``DailyUsage``),
and the incidents opened or resolved in the period.
"""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.core.numbers import Number, Period, share
from pracharat.network.models import AreaDailyUsage, DailyUsage, Incident, ServicePoint

LABELS = {
    "points": _("Service points in service"),
    "online_share": _("Days with use (share of point-days)"),
    "sessions": _("Sessions"),
    "user_days": _("Users (summed per day)"),
    "bytes": _("Data used"),
    "incidents_opened": _("Incidents opened"),
    "incidents_resolved": _("Incidents resolved"),
    "sla_met_share": _("Resolved within the SLA"),
}


def _usage(code: str, period: Period) -> dict:
    """Sessions, user-days, bytes and point-days with use, in one query."""
    if len(code) in (0, 2, 4):
        rows = AreaDailyUsage.objects.filter(level=len(code) or 2)
        if code:
            rows = rows.filter(area_code=code)
        users, point_days = Sum("user_days"), Sum("points")
    else:
        rows = DailyUsage.objects.in_area(code)
        users, point_days = Sum("unique_users"), Count("pk")
    figures = (
        rows.filter(day__gte=period.start, day__lte=period.end)
        .order_by()
        .aggregate(
            sessions=Sum("sessions"),
            user_days=users,
            bytes=Sum(F("bytes_in") + F("bytes_out")),
            point_days=point_days,
        )
    )
    return {key: value or 0 for key, value in figures.items()}


def _points(period: Period):
    return (
        ServicePoint.objects.in_service()
        .filter(Q(installed_on__isnull=True) | Q(installed_on__lte=period.end))
        .order_by()
    )


def _incident_figures(period: Period) -> tuple[Q, dict]:
    lo, hi = period.bounds()
    opened = Q(opened_at__gte=lo, opened_at__lt=hi)
    resolved = Q(resolved_at__gte=lo, resolved_at__lt=hi)
    return opened | resolved, {
        "opened": Count("pk", filter=opened),
        "resolved": Count("pk", filter=resolved),
        "met": Count("pk", filter=resolved & Q(resolved_at__lte=F("sla_due"))),
    }


def _numbers(period: Period, points: int, usage: dict, incidents: dict) -> list[Number]:
    elapsed = period.until(timezone.localdate())
    possible = points * elapsed.days if elapsed else 0
    online = share(min(usage.get("point_days") or 0, possible), possible)
    values = {
        "points": (points, "count"),
        "online_share": (online, "percent"),
        "sessions": (usage.get("sessions") or 0, "count"),
        "user_days": (usage.get("user_days") or 0, "count"),
        "bytes": (usage.get("bytes") or 0, "bytes"),
        "incidents_opened": (incidents.get("opened", 0), "count"),
        "incidents_resolved": (incidents.get("resolved", 0), "count"),
        "sla_met_share": (share(incidents.get("met", 0), incidents.get("resolved", 0)), "percent"),
    }
    return [Number(key, LABELS[key], value, unit) for key, (value, unit) in values.items()]


def area_numbers(code: str, period: Period) -> list[Number]:
    """Points in service (installed by the period's end, or with no date), the share of
    point-days with any use over the days elapsed, sessions, users summed per day, bytes both
    ways, incidents opened and resolved in the period and the share of those resolved by their
    SLA deadline."""
    points = _points(period).in_area(code).count()
    usage = _usage(code, period)
    where, figures = _incident_figures(period)
    incidents = Incident.objects.in_area(code).filter(where).aggregate(**figures)
    return _numbers(period, points, usage, incidents)


def by_province(period: Period, codes: list[str]) -> dict[str, list[Number]]:
    """:func:`area_numbers` for every province of ``codes`` in three queries, each grouped by
    province in the database (the ``core.numbers.by_province`` contract)."""
    province = Substr("area_code", 1, 2)
    points = dict(
        _points(period).annotate(prov=province).values("prov").annotate(n=Count("pk"))
        .values_list("prov", "n")
    )  # fmt: skip
    usage = {
        row["area_code"]: row
        for row in AreaDailyUsage.objects.filter(
            level=2, day__gte=period.start, day__lte=period.end
        )
        .order_by()
        .values("area_code")
        .annotate(
            sessions=Sum("sessions"),
            user_days=Sum("user_days"),
            bytes=Sum(F("bytes_in") + F("bytes_out")),
            point_days=Sum("points"),
        )
    }
    where, figures = _incident_figures(period)
    incidents = {
        row["prov"]: row
        for row in Incident.objects.filter(where)
        .order_by()
        .annotate(prov=province)
        .values("prov")
        .annotate(**figures)
    }
    return {
        code: _numbers(period, points.get(code, 0), usage.get(code, {}), incidents.get(code, {}))
        for code in codes
    }
