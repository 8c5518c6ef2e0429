"""The monthly SLA report: how each provider kept its points running in a province.

Per provider (the agency incidents are assigned to) and for the province in all, over one
calendar month (local days):

- ``incidents``: opened in the month;
- ``acknowledged`` / ``ack_hours``: of those, how many were acknowledged, and the median hours
  from opening to acknowledgement;
- ``fixed`` / ``fix_hours``: how many were resolved, the median hours from opening to the fix;
- ``missed``: opened in the month and resolved after their deadline, or still unresolved past
  it (at the month's end, or now for the current month);
- ``uptime``: the share of point-time the provider's points in service were not in an outage
  (incidents from the outage monitor or a monitoring alert), clipped to the month (up to now
  for the current month): 100 × (1 − down hours ÷ (points × hours)).

Three queries whatever the number of incidents or points: the incidents touching the month,
the points per provider, the agencies.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.accounts.models import Agency, Role
from pracharat.accounts.scoping import agency_ids_for, area_codes_for
from pracharat.core.numbers import Period
from pracharat.core.tables import Column, Table
from pracharat.network.models import Incident, IncidentSource, ServicePoint

DOWN_SOURCES = (IncidentSource.OUTAGE, IncidentSource.ALERT)
SLA_AREA_ROLES = {Role.PROVINCIAL_OFFICER, Role.INSPECTOR, Role.OPERATOR}


@dataclass
class ProviderRow:
    agency: Agency | None
    points: int = 0
    incidents: int = 0
    acknowledged: int = 0
    fixed: int = 0
    missed: int = 0
    open_at_end: int = 0
    down_seconds: float = 0.0
    span_seconds: float = 0.0
    ack_durations: list[float] = field(default_factory=list)
    fix_durations: list[float] = field(default_factory=list)
    is_total: bool = False

    @property
    def name(self) -> str:
        if self.is_total:
            return str(_("All providers"))
        return self.agency.name if self.agency else str(_("No provider"))

    @property
    def slug(self) -> str:
        return self.agency.slug if self.agency else ""

    @property
    def ack_hours(self) -> float | None:
        return _median_hours(self.ack_durations)

    @property
    def fix_hours(self) -> float | None:
        return _median_hours(self.fix_durations)

    @property
    def down_hours(self) -> float:
        return round(self.down_seconds / 3600, 1)

    @property
    def uptime(self) -> float | None:
        total = self.points * self.span_seconds
        if not total:
            return None
        return round(100 * max(0.0, 1 - self.down_seconds / total), 2)

    @property
    def missed_share(self) -> float | None:
        return round(100 * self.missed / self.incidents, 1) if self.incidents else None


def _median_hours(seconds: list[float]) -> float | None:
    return round(statistics.median(seconds) / 3600, 1) if seconds else None


@dataclass
class SlaReport:
    province: object
    month: dt.date
    period: Period
    rows: list[ProviderRow]
    total: ProviderRow
    until: dt.datetime


def sla_agencies_for(user, province: str) -> list[int] | None:
    """The providers whose figures ``user`` may read in ``province``: None for all (the
    province's officers, inspectors, operators, superusers), else their own agencies; raises
    PermissionDenied for anyone else."""
    codes = area_codes_for(user, roles=SLA_AREA_ROLES)
    if codes is None or any(province.startswith(c) for c in codes):
        return None
    agencies = agency_ids_for(user, {Role.AGENCY_OFFICER, Role.OPERATOR})
    if agencies:
        return agencies
    raise PermissionDenied(_("Only network officers may read SLA reports."))


def touching(incidents, start: dt.datetime, end: dt.datetime):
    """The incidents open at some moment of [start, end)."""
    return incidents.filter(opened_at__lt=end).filter(
        Q(resolved_at__isnull=True) | Q(resolved_at__gte=start)
    )


def down_seconds(source, opened, resolved, start, until) -> float:
    """Seconds of [start, until) a point was down by this incident (outages and alerts only)."""
    if source not in DOWN_SOURCES:
        return 0.0
    down_from, down_to = max(opened, start), min(resolved or until, until)
    return max((down_to - down_from).total_seconds(), 0.0)


def missed_sla(resolved, due, until) -> bool:
    """Fixed after its deadline, or still not fixed at ``until`` when the deadline has passed."""
    return (resolved is not None and resolved > due) or (
        (resolved is None or resolved >= until) and until > due
    )


def monthly_report(user, province, month: dt.date, now=None) -> SlaReport:
    """The report of ``province`` (a geo Province) for the month of ``month``; see the doc."""
    now = now or timezone.now()
    agencies = sla_agencies_for(user, province.code)
    period = Period.month(month.year, month.month)
    start, end = period.bounds()
    until = min(end, max(now, start))
    incidents = touching(Incident.objects.in_area(province.code), start, end)
    points = ServicePoint.objects.in_area(province.code).in_service()
    if agencies is not None:
        incidents = incidents.filter(agency_id__in=agencies)
        points = points.filter(provider_id__in=agencies)
    counts = dict(
        points.order_by()
        .values_list("provider_id")
        .annotate(n=Count("pk"))
        .values_list("provider_id", "n")
    )
    rows: dict[int | None, ProviderRow] = {}
    span = (until - start).total_seconds()
    for agency_id, n in counts.items():
        rows[agency_id] = ProviderRow(agency=None, points=n, span_seconds=span)
    fields = ("agency_id", "source", "opened_at", "acknowledged_at", "resolved_at", "sla_due")
    for agency_id, source, opened, acked, resolved, due in incidents.values_list(*fields):
        row = rows.setdefault(agency_id, ProviderRow(agency=None, span_seconds=span))
        row.down_seconds += down_seconds(source, opened, resolved, start, until)
        if not (start <= opened < end):
            continue
        row.incidents += 1
        if acked is not None and acked < until:
            row.acknowledged += 1
            row.ack_durations.append((acked - opened).total_seconds())
        if resolved is not None and resolved < until:
            row.fixed += 1
            row.fix_durations.append((resolved - opened).total_seconds())
        else:
            row.open_at_end += 1
        if missed_sla(resolved, due, until):
            row.missed += 1
    named = Agency.objects.in_bulk([pk for pk in rows if pk is not None])
    for pk, row in rows.items():
        row.agency = named.get(pk)
    ordered = sorted(rows.values(), key=lambda r: (r.agency is None, r.name))
    return SlaReport(
        province=province,
        month=period.start,
        period=period,
        rows=ordered,
        total=_total(ordered, span),
        until=until,
    )


def _total(rows: list[ProviderRow], span: float) -> ProviderRow:
    total = ProviderRow(agency=None, span_seconds=span, is_total=True)
    for row in rows:
        for name in ("points", "incidents", "acknowledged", "fixed", "missed", "open_at_end"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        total.down_seconds += row.down_seconds
        total.ack_durations += row.ack_durations
        total.fix_durations += row.fix_durations
    return total


def report_table() -> Table:
    """The report's rows as CSV/XLSX (one per provider, then the province's total)."""
    return Table(
        [
            Column("provider", _("Provider"), value="slug"),
            Column("provider_name", _("Provider name"), value="name"),
            Column("points", _("Points in service")),
            Column("incidents", _("Incidents")),
            Column("acknowledged", _("Acknowledged")),
            Column("ack_hours_median", _("Median hours to acknowledge"), value="ack_hours"),
            Column("fixed", _("Fixed")),
            Column("fix_hours_median", _("Median hours to fix"), value="fix_hours"),
            Column("sla_missed", _("SLA missed"), value="missed"),
            Column("open_at_end", _("Still open")),
            Column("down_hours", _("Hours down")),
            Column("uptime_percent", _("Uptime (%)"), value="uptime"),
        ]
    )
