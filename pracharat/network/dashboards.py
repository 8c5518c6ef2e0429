"""Aggregate reads for the network pages: the national, province and district pictures.

Every figure comes from the rollups (``AreaDailyUsage`` for curves, ``MonthlyUsage`` for
rankings, ``DailyUsage`` only below district level), never from sessions, and each picture
runs a fixed number of queries whatever the number of points or days: at 44,000 points ×
365 days the national curve reads 77 province rows per day, and the rankings read one month
of per-point rows through the (month, area_code) index.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Sum
from django.utils import timezone

from pracharat.core.collation import by_name
from pracharat.core.lib import thaidate
from pracharat.network.models import (
    AreaDailyUsage,
    DailyUsage,
    Incident,
    MonthlyUsage,
    PointStatus,
    ServicePoint,
)

RECENT_DAYS = 30
RANK_SIZE = 5
RANK_KEYS = {"users": "user_days", "sessions": "sessions"}


@dataclass
class DayRow:
    day: dt.date
    sessions: int = 0
    users: int = 0
    seconds: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    points: int = 0

    @property
    def bytes_total(self) -> int:
        return self.bytes_in + self.bytes_out

    @property
    def hours(self) -> float:
        return self.seconds / 3600


@dataclass
class FiscalTotals:
    year: thaidate.FiscalYear
    sessions: int = 0
    users: int = 0
    seconds: int = 0
    bytes_total: int = 0
    partial: bool = False

    @property
    def hours(self) -> float:
        return self.seconds / 3600


@dataclass
class Picture:
    """What a dashboard shows for one area ("" is the whole country)."""

    code: str
    today: dt.date
    status_counts: dict[str, int]
    online: int
    days: list[DayRow]
    months: list[DayRow]
    fiscal_years: list[FiscalTotals]
    rank_month: dt.date
    rank_key: str
    best: list = field(default_factory=list)
    worst: list = field(default_factory=list)
    idle: list = field(default_factory=list)
    idle_count: int = 0
    open_incidents: int = 0

    @property
    def points_total(self) -> int:
        return sum(self.status_counts.values())

    @property
    def in_service(self) -> int:
        return self.points_total - self.status_counts.get(PointStatus.DECOMMISSIONED, 0)

    @property
    def today_row(self) -> DayRow:
        return self.days[-1]

    @property
    def recent_totals(self) -> DayRow:
        total = DayRow(self.days[0].day)
        for row in self.days:
            total.sessions += row.sessions
            total.users += row.users
            total.seconds += row.seconds
            total.bytes_in += row.bytes_in
            total.bytes_out += row.bytes_out
        return total


def _daily_source(code: str):
    """The cheapest rollup that holds per-day sums for ``code``."""
    if code == "":
        return AreaDailyUsage.objects.provinces()
    if len(code) == 2:
        return AreaDailyUsage.objects.provinces().filter(area_code=code)
    if len(code) == 4:
        return AreaDailyUsage.objects.districts().filter(area_code=code)
    return DailyUsage.objects.in_area(code)


def _row(day: dt.date, values: dict) -> DayRow:
    return DayRow(
        day=day,
        sessions=values.get("sessions_sum") or 0,
        users=values.get("users") or 0,
        seconds=values.get("seconds") or 0,
        bytes_in=values.get("bytes_in_sum") or 0,
        bytes_out=values.get("bytes_out_sum") or 0,
        points=values.get("points_sum") or values.get("points") or 0,
    )


def _per_day(code: str, start: dt.date, end: dt.date) -> dict[dt.date, dict]:
    """{day: sums} for the area, grouped by day in the database (one query)."""
    return {r["day"]: r for r in _daily_source(code).between(start, end).per_day()}


def daily_series(
    code: str, start: dt.date, end: dt.date, rows: dict[dt.date, dict] | None = None
) -> list[DayRow]:
    """One row per day from ``start`` to ``end`` inclusive, zeros where nothing was used."""
    if rows is None:
        rows = _per_day(code, start, end)
    out = []
    day = start
    while day <= end:
        out.append(_row(day, rows.get(day, {})))
        day += dt.timedelta(days=1)
    return out


def monthly_series(
    code: str, start: dt.date, end: dt.date, rows: dict[dt.date, dict] | None = None
) -> list[DayRow]:
    """One row per calendar month (``day`` is its first day) from ``start``'s month to
    ``end``'s. The database groups by day (at most 77 province rows a day nationally); the
    few hundred day sums are added up into months here, which is cheaper than a month
    truncation per row (SQLite evaluates that in Python)."""
    if rows is None:
        rows = _per_day(code, thaidate.month_start(start), end)
    months: dict[dt.date, DayRow] = {}
    month = thaidate.month_start(start)
    while month <= end:
        months[month] = DayRow(month)
        month = thaidate.next_month(month)
    for day, values in rows.items():
        total = months.get(thaidate.month_start(day))
        if total is None:
            continue
        row = _row(day, values)
        total.sessions += row.sessions
        total.users += row.users
        total.seconds += row.seconds
        total.bytes_in += row.bytes_in
        total.bytes_out += row.bytes_out
    return list(months.values())


def _fiscal_totals(months: list[DayRow], today: dt.date) -> list[FiscalTotals]:
    current = thaidate.fiscal_year_of(today)
    previous = current.previous()
    result = []
    for year in (current, previous):
        totals = FiscalTotals(year, partial=year.end >= today)
        for row in months:
            if year.start <= row.day <= year.end:
                totals.sessions += row.sessions
                totals.users += row.users
                totals.seconds += row.seconds
                totals.bytes_total += row.bytes_total
        result.append(totals)
    return result


def _decommissioned():
    return ServicePoint.objects.filter(status=PointStatus.DECOMMISSIONED).values("pk")


def rankings(code: str, month: dt.date, key: str = "users", size: int = RANK_SIZE):
    """(best, worst, used) for the area in ``month``: the best and worst points by users
    (user-days) or sessions, and how many in-service points were used at all.

    One read of the month's ``MonthlyUsage`` figures (through the (month, area_code) index,
    no join; three small integers a point, 40,000 rows nationally) serves all three: it was
    three times faster than a top-N query each way plus a count, which each re-read the same
    rows from the table. A second query fetches the few winners and losers with their
    village."""
    column = RANK_KEYS.get(key, "user_days")
    qs = MonthlyUsage.objects.for_month(month).exclude(service_point_id__in=_decommissioned())
    if code:
        qs = qs.in_area(code)
    figures = list(qs.order_by().values_list(column, "service_point_id", "pk"))
    best = heapq.nsmallest(size, figures, key=lambda r: (-r[0], r[1]))
    worst = heapq.nsmallest(size, figures, key=lambda r: (r[0], r[1]))
    rows = MonthlyUsage.objects.filter(pk__in=[r[2] for r in best + worst])
    by_id = {row.pk: row for row in rows.select_related("service_point__village")}
    return [by_id[r[2]] for r in best], [by_id[r[2]] for r in worst], len(figures)


def idle_points(code: str, month: dt.date, size: int = RANK_SIZE) -> list:
    """The first in-service points with no use at all in ``month`` (no monthly row): the
    true bottom of the ranking, which ``MonthlyUsage`` alone cannot show. NOT EXISTS stops
    as soon as it has found them; their number is in-service points minus used ones."""
    points = ServicePoint.objects.in_service()
    if code:
        points = points.in_area(code)
    used = MonthlyUsage.objects.filter(service_point=OuterRef("pk"), month=month)
    idle = points.filter(~Exists(used))
    return list(idle.select_related("village").order_by("area_code", "code")[:size])


def picture(code: str, *, today: dt.date | None = None, rank_key: str = "users") -> Picture:
    """Everything the area dashboard shows, in nine queries whatever the area's size."""
    today = today or timezone.localdate()
    points = ServicePoint.objects.in_area(code) if code else ServicePoint.objects.all()
    status_counts = points.status_counts()
    online = points.online().count()
    previous_fy = thaidate.fiscal_year_of(today).previous()
    first = min(previous_fy.start, thaidate.month_start(today, 11))
    per_day = _per_day(code, first, today)
    days = daily_series(code, today - dt.timedelta(days=RECENT_DAYS - 1), today, per_day)
    all_months = monthly_series(code, first, today, per_day)
    rank_month = thaidate.month_start(today)
    incidents = Incident.objects.unresolved()
    if code:
        incidents = incidents.in_area(code)
    in_service = sum(status_counts.values()) - status_counts.get(PointStatus.DECOMMISSIONED, 0)
    key = rank_key if rank_key in RANK_KEYS else "users"
    best, worst, used = rankings(code, rank_month, key)
    return Picture(
        code=code,
        today=today,
        status_counts=status_counts,
        online=online,
        days=days,
        months=all_months[-12:],
        fiscal_years=_fiscal_totals(all_months, today),
        rank_month=rank_month,
        rank_key=key,
        best=best,
        worst=worst,
        idle=idle_points(code, rank_month),
        idle_count=max(in_service - used, 0),
        open_incidents=incidents.count(),
    )


def national_summary(today: dt.date | None = None) -> dict:
    """The index page's numbers: points by status, online now, today's use (four queries)."""
    today = today or timezone.localdate()
    points = ServicePoint.objects.all()
    today_totals = (
        AreaDailyUsage.objects.provinces()
        .filter(day=today)
        .aggregate(sessions=Sum("sessions"), users=Sum("user_days"), points=Sum("points"))
    )
    return {
        "today": today,
        "status_counts": points.status_counts(),
        "online": points.online().count(),
        "sessions": today_totals["sessions"] or 0,
        "users": today_totals["users"] or 0,
        "points_used": today_totals["points"] or 0,
        "open_incidents": Incident.objects.unresolved().count(),
    }


def province_table(today: dt.date | None = None) -> list[dict]:
    """Per province: points by status and today's users, for the index's province list
    (three queries whatever the size)."""
    from django.db.models import Count, Q
    from django.db.models.functions import Substr

    from pracharat.geo.models import Province

    today = today or timezone.localdate()
    counts = {
        r["prov"]: r
        for r in ServicePoint.objects.order_by()
        .annotate(prov=Substr("area_code", 1, 2))
        .values("prov")
        .annotate(
            total=Count("pk"),
            down=Count("pk", filter=Q(status=PointStatus.DOWN)),
            degraded=Count("pk", filter=Q(status=PointStatus.DEGRADED)),
        )
    }
    users = dict(
        AreaDailyUsage.objects.provinces().filter(day=today).values_list("area_code", "user_days")
    )
    rows = []
    for province in Province.objects.order_by(*by_name()):
        row = counts.get(province.code)
        if not row:
            continue
        rows.append(
            {
                "province": province,
                "total": row["total"],
                "down": row["down"],
                "degraded": row["degraded"],
                "users_today": users.get(province.code, 0),
            }
        )
    return rows


def point_usage(point: ServicePoint, today: dt.date | None = None) -> dict:
    """A point's last 30 days, one query: per-day rows (zeros filled) and their sums."""
    today = today or timezone.localdate()
    start = today - dt.timedelta(days=RECENT_DAYS - 1)
    rows = {r.day: r for r in DailyUsage.objects.filter(service_point=point).between(start, today)}
    days = []
    day = start
    while day <= today:
        r = rows.get(day)
        days.append(
            DayRow(
                day=day,
                sessions=r.sessions if r else 0,
                users=r.unique_users if r else 0,
                seconds=r.session_seconds if r else 0,
                bytes_in=r.bytes_in if r else 0,
                bytes_out=r.bytes_out if r else 0,
                points=r.peak_concurrent if r else 0,  # the point's peak concurrent users
            )
        )
        day += dt.timedelta(days=1)
    total = DayRow(start)
    for row in days:
        total.sessions += row.sessions
        total.users += row.users
        total.seconds += row.seconds
        total.bytes_in += row.bytes_in
        total.bytes_out += row.bytes_out
        total.points = max(total.points, row.points)
    return {"days": days, "today": days[-1], "total": total, "start": start, "end": today}
