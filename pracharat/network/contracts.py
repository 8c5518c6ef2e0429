"""A point's contract with its provider: circuit, contract dates and the monthly cost with its
history (``PointCost``). The one place that says what a point cost in a month.

The rule for a month (``cost_for``): the rate in effect on the month's first day; for the month
a point's first rate starts in, that first rate (a contract starting on the 15th still costs that
month); nothing (``None``) before any rate and for months that start after the contract's end.
A rate that changes in the middle of a month counts from the next month. So a month has exactly
one rate, and a year of costs is twelve of them added up.

Reads for many points at once (the worth review: 44,000 points × 12 months) go through
:func:`monthly_costs`, two queries whatever the number of points or months.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.core.errors import Invalid
from pracharat.core.lib import thaidate
from pracharat.network.models import PointCost, ServicePoint


def _rates(
    history: list[tuple[dt.date, Decimal]], months: list[dt.date], contract_end
) -> dict[dt.date, Decimal]:
    """``history`` sorted by date, ``months`` ascending first days: each month's rate by the
    module's rule (months without one are left out)."""
    if not history:
        return {}
    dates = [day for day, _cost in history]
    first_month, first_cost = thaidate.month_start(history[0][0]), history[0][1]
    rates = {}
    for month in months:
        if contract_end is not None and contract_end < month:
            break
        at = bisect_right(dates, month)
        if at:
            rates[month] = history[at - 1][1]
        elif first_month == month:
            rates[month] = first_cost
    return rates


def cost_for(point: ServicePoint, month: dt.date) -> Decimal | None:
    """What ``point`` cost in the month of ``month`` (any day of it), in baht."""
    history = list(
        point.costs.order_by("effective_from").values_list("effective_from", "monthly_cost")
    )
    month = thaidate.month_start(month)
    return _rates(history, [month], point.contract_end).get(month)


#: Up to this many points their costs are read by id (index lookups); beyond, by a subquery of
#: the points' queryset (one hash join: the country's 44,000 points).
BY_ID_MAX = 2000


def monthly_costs(
    points, first: dt.date, last: dt.date, *, ends: dict[int, dt.date | None] | None = None
) -> dict[int, dict[dt.date, Decimal]]:
    """``{point id: {month: cost}}`` for every month from ``first``'s to ``last``'s and every
    point of ``points`` (a queryset or ids) that cost something then; two queries, one when the
    caller already has the points' contract ends (``ends``: ``{point id: contract_end}``)."""
    if not hasattr(points, "values_list"):
        points = ServicePoint.objects.filter(pk__in=list(points))
    if ends is None:
        ends = dict(points.order_by().values_list("pk", "contract_end"))
    histories: dict[int, list] = defaultdict(list)
    which = (
        {"service_point_id__in": list(ends)}
        if len(ends) <= BY_ID_MAX
        else {"service_point__in": points.order_by().values("pk")}
    )
    rows = (
        PointCost.objects.filter(**which, effective_from__lte=last)
        .order_by("service_point_id", "effective_from")
        .values_list("service_point_id", "effective_from", "monthly_cost")
    )
    for pk, day, cost in rows.iterator(chunk_size=5000):
        histories[pk].append((day, cost))
    months = []
    month = thaidate.month_start(first)
    while month <= last:
        months.append(month)
        month = thaidate.next_month(month)
    result: dict[int, dict[dt.date, Decimal]] = {}
    for pk, history in histories.items():
        if costs := _rates(history, months, ends.get(pk)):
            result[pk] = costs
    return result


def total_cost(point: ServicePoint, first: dt.date, last: dt.date) -> Decimal:
    """What ``point`` cost over the months from ``first`` to ``last`` (a fiscal year, say)."""
    return sum(monthly_costs([point.pk], first, last).get(point.pk, {}).values(), Decimal(0))


@transaction.atomic
def set_monthly_cost(
    point: ServicePoint, cost: Decimal, effective_from: dt.date, note: str = ""
) -> PointCost | None:
    """Record a rate from ``effective_from`` (a new row, or the amount of that date's row
    corrected) and keep ``ServicePoint.monthly_cost`` as the rate in effect today. Returns
    ``None`` when nothing changed (a rerun of an import)."""
    if cost is None or cost < 0:
        raise Invalid(
            _("A monthly cost is a number of baht, not below zero."), field="monthly_cost"
        )
    current = point.costs.rate_on(effective_from)
    if current is not None and current.monthly_cost == cost:
        return None
    row, _created = PointCost.objects.update_or_create(
        service_point=point,
        effective_from=effective_from,
        defaults={"monthly_cost": cost, "note": note[:200], "recorded": timezone.now()},
    )
    refresh_current_cost(point)
    return row


def refresh_current_cost(point: ServicePoint) -> None:
    """``monthly_cost`` = the rate in effect today (else the first one to come)."""
    today = timezone.localdate()
    rate = point.costs.rate_on(today) or point.costs.order_by("effective_from").first()
    value = rate.monthly_cost if rate else None
    if point.monthly_cost != value:
        point.monthly_cost = value
        point.save(update_fields=["monthly_cost", "updated"])
