"""The network's numbers per area and period (the ``core.numbers`` contract).

Three queries whatever the area: the points, the usage (from the cheapest rollup that holds
the area: province or district rows of ``AreaDailyUsage``, else the points' ``DailyUsage``),
and the incidents opened or resolved in the period.
"""

from __future__ import annotations

from django.db.models import Count, F, Q, Sum
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


def area_numbers(code: str, period: Period) -> list[Number]:
    """Points in service (installed by the period's end, or with no date), the share of
    point-days with any use over the days elapsed, sessions, users summed per day, bytes both
    ways, incidents opened and resolved in the period and the share of those resolved by their
    SLA deadline."""
    points = (
        ServicePoint.objects.in_area(code)
        .in_service()
        .filter(Q(installed_on__isnull=True) | Q(installed_on__lte=period.end))
        .count()
    )
    usage = _usage(code, period)
    elapsed = period.until(timezone.localdate())
    possible = points * elapsed.days if elapsed else 0
    online = share(min(usage["point_days"], possible), possible)
    lo, hi = period.bounds()
    opened = Q(opened_at__gte=lo, opened_at__lt=hi)
    resolved = Q(resolved_at__gte=lo, resolved_at__lt=hi)
    incidents = (
        Incident.objects.in_area(code)
        .filter(opened | resolved)
        .aggregate(
            opened=Count("pk", filter=opened),
            resolved=Count("pk", filter=resolved),
            met=Count("pk", filter=resolved & Q(resolved_at__lte=F("sla_due"))),
        )
    )
    values = {
        "points": (points, "count"),
        "online_share": (online, "percent"),
        "sessions": (usage["sessions"], "count"),
        "user_days": (usage["user_days"], "count"),
        "bytes": (usage["bytes"], "bytes"),
        "incidents_opened": (incidents["opened"], "count"),
        "incidents_resolved": (incidents["resolved"], "count"),
        "sla_met_share": (share(incidents["met"], incidents["resolved"]), "percent"),
    }
    return [Number(key, LABELS[key], value, unit) for key, (value, unit) in values.items()]
