"""Usage rollups: sessions into per-point days, per-point months and per-area days.

Incremental: :mod:`.accounting` writes a ``RollupMark`` for every (point, day) a changed session
touches, in the same transaction. :func:`rollup_pending` recomputes exactly those days from the
sessions (so a late Stop or a corrected Interim fixes the right day, not just today), then the
months and district/province days they belong to, and deletes the marks it read.

Attribution of a session to local (Asia/Bangkok) days, documented in ``docs/network.md``:

- ``sessions``: the day it started;
- ``unique_users``: every day it was online (a person online across midnight used the
  service on both days); users are told apart by the pseudonymised User-Name, else the
  pseudonymised Calling-Station-Id, else the session itself;
- ``session_seconds``, ``bytes_in``, ``bytes_out``: split across the days in proportion to the
  time spent in each, with cumulative rounding so the days add up exactly to the session;
- ``peak_concurrent``: the most sessions open at one instant of the day.

Months and fiscal years (1 October to 30 September, named by the BE year they end in: fiscal
year 2569 = Oct 2025 - Sep 2026) come from ``core.lib.thaidate``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Max, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from pracharat.core.generations import Generation
from pracharat.core.lib import thaidate
from pracharat.core.models import area_q
from pracharat.network.accounting import MAX_SESSION_DAYS
from pracharat.network.models import (
    AccountingSession,
    AreaDailyUsage,
    DailyUsage,
    MonthlyUsage,
    RollupMark,
)

logger = logging.getLogger(__name__)

# Above this many points on one day, read the day's sessions in one range scan instead of
# per-point index lookups.
WHOLE_DAY_THRESHOLD = 2000
CHUNK = 500


@dataclass(slots=True)
class RollupResult:
    marks: int = 0
    point_days: int = 0
    sessions_read: int = 0
    months: int = 0
    area_days: int = 0

    def add(self, other: RollupResult) -> None:
        for name in self.__slots__:
            setattr(self, name, getattr(self, name) + getattr(other, name))


def local_midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


# -- one day of one point, from its sessions ------------------------------------------------


@dataclass(slots=True)
class _Session:
    point: int
    area_code: str
    start: datetime
    end: datetime
    seconds: int
    bytes_in: int
    bytes_out: int
    who: str


def _share(total: int, start: datetime, end: datetime, lo: datetime, hi: datetime) -> int:
    """The part of ``total`` that falls in [lo, hi), by time, rounded cumulatively."""
    span = (end - start).total_seconds()
    if span <= 0:
        return total if lo <= start < hi else 0

    def upto(moment: datetime) -> int:
        fraction = min(1.0, max(0.0, (moment - start).total_seconds() / span))
        return round(total * fraction)

    return upto(hi) - upto(lo)


def day_usage(sessions: Iterable[_Session], lo: datetime, hi: datetime) -> dict | None:
    """The DailyUsage figures of one point for [lo, hi), or None when nothing overlaps."""
    count = seconds = bytes_in = bytes_out = 0
    users: set[str] = set()
    edges: list[tuple[datetime, int]] = []
    any_overlap = False
    for s in sessions:
        if not (s.start < hi and (s.end > lo or s.start >= lo)):
            continue
        any_overlap = True
        if s.start >= lo:
            count += 1
        users.add(s.who)
        seconds += _share(s.seconds, s.start, s.end, lo, hi)
        bytes_in += _share(s.bytes_in, s.start, s.end, lo, hi)
        bytes_out += _share(s.bytes_out, s.start, s.end, lo, hi)
        begin, finish = max(s.start, lo), min(s.end, hi)
        if finish <= begin:
            finish = begin + timedelta(microseconds=1)
        edges.append((begin, 1))
        edges.append((finish, -1))
    if not any_overlap:
        return None
    peak = current = 0
    for _, delta in sorted(edges):  # at equal times ends (-1) come before starts
        current += delta
        peak = max(peak, current)
    return {
        "sessions": count,
        "unique_users": len(users),
        "session_seconds": seconds,
        "bytes_in": bytes_in,
        "bytes_out": bytes_out,
        "peak_concurrent": peak,
    }


_COLUMNS = (
    "service_point_id",
    "area_code",
    "started_at",
    "ended_at",
    "session_time",
    "input_octets",
    "output_octets",
    "user_hash",
    "calling_station_hash",
    "session_key",
)


def _sessions(qs) -> Iterable[_Session]:
    for point, area_code, start, end, secs, b_in, b_out, user, calling, key in qs.values_list(
        *_COLUMNS
    ).iterator(chunk_size=5000):
        span = int((end - start).total_seconds())
        yield _Session(
            point, area_code, start, end, secs or max(span, 0), b_in, b_out, user or calling or key
        )


def _read_points(day: date, points: set[int]) -> dict[int, list[_Session]]:
    """Sessions of some points overlapping ``day``: per point, those ending on or after the
    day's start (an index range that is short for recent days)."""
    lo, hi = local_midnight(day), local_midnight(day + timedelta(days=1))
    ordered = sorted(points)
    by_point: dict[int, list[_Session]] = defaultdict(list)
    for i in range(0, len(ordered), CHUNK):
        qs = AccountingSession.objects.filter(
            service_point_id__in=ordered[i : i + CHUNK],
            ended_at__gte=lo,
            started_at__lt=hi,
            started_at__gte=lo - timedelta(days=MAX_SESSION_DAYS),
        )
        for session in _sessions(qs):
            by_point[session.point].append(session)
    return by_point


def _read_whole_day(day: date, carry: list[_Session] | None) -> list[_Session]:
    """Every session overlapping ``day``: those started that day, plus those started before
    and still going (carried from the previous day when it was just read, else looked up)."""
    lo, hi = local_midnight(day), local_midnight(day + timedelta(days=1))
    if carry is None:
        earlier = AccountingSession.objects.filter(
            started_at__gte=lo - timedelta(days=MAX_SESSION_DAYS),
            started_at__lt=lo,
            ended_at__gte=lo,
        )
        carry = list(_sessions(earlier))
    else:
        carry = [s for s in carry if s.end >= lo]
    return carry + list(
        _sessions(AccountingSession.objects.filter(started_at__gte=lo, started_at__lt=hi))
    )


def recompute_days(days: dict[date, set[int] | None]) -> RollupResult:
    """Recompute DailyUsage for the given points on each day (None: every point with sessions
    that day), then the months and area days that depend on them."""
    result = RollupResult()
    months: dict[date, set[int]] = defaultdict(set)
    area_days: dict[date, set[str]] = defaultdict(set)
    now = timezone.now()
    carry: list[_Session] | None = None
    previous: date | None = None
    for day in sorted(days):
        points = days[day]
        lo = local_midnight(day)
        hi = local_midnight(day + timedelta(days=1))
        if points is None or len(points) > WHOLE_DAY_THRESHOLD:
            continuing = previous is not None and previous == day - timedelta(days=1)
            sessions_of_day = _read_whole_day(day, carry if continuing else None)
            carry, previous = [s for s in sessions_of_day if s.end >= hi], day
            by_point = defaultdict(list)
            for session in sessions_of_day:
                if points is None or session.point in points:
                    by_point[session.point].append(session)
        else:
            carry, previous = None, None
            by_point = _read_points(day, points)
        rows = []
        for point, sessions in by_point.items():
            result.sessions_read += len(sessions)
            figures = day_usage(sessions, lo, hi)
            if figures is None:
                continue
            rows.append(
                DailyUsage(
                    service_point_id=point,
                    area_code=sessions[0].area_code,
                    day=day,
                    computed_at=now,
                    **figures,
                )
            )
        written = {row.service_point_id for row in rows}
        with transaction.atomic():
            if points is not None:
                # Points that no longer have anything on that day lose their row.
                gone = sorted(points - written)
                for i in range(0, len(gone), CHUNK):
                    stale = DailyUsage.objects.filter(
                        day=day, service_point_id__in=gone[i : i + CHUNK]
                    )
                    for code in stale.values_list("area_code", flat=True):
                        area_days[day].add(code[:4])
                    stale.delete()
            DailyUsage.objects.bulk_create(
                rows,
                batch_size=CHUNK,
                update_conflicts=True,
                unique_fields=["service_point", "day"],
                update_fields=[
                    "area_code",
                    "sessions",
                    "unique_users",
                    "session_seconds",
                    "bytes_in",
                    "bytes_out",
                    "peak_concurrent",
                    "computed_at",
                ],
            )
        result.point_days += len(rows)
        for row in rows:
            months[thaidate.month_start(day)].add(row.service_point_id)
            area_days[day].add(row.area_code[:4])
        if points is not None:
            months[thaidate.month_start(day)].update(points)
    for month, points in months.items():
        result.months += recompute_months(month, points)
    for day, districts in area_days.items():
        result.area_days += recompute_area_days(day, districts)
    if days:
        rollups_changed(days)
    return result


def _year_generation(be: int) -> Generation:
    return Generation(f"network:rollups:generation:{be}")


def generations(first: date, last: date) -> list[Generation]:
    """The generations of the rollups of the days from ``first`` to ``last``: one per fiscal
    year, which changes whenever a day of that year is rolled up again (shared by every worker
    through the platform cache). Readers that cache answers computed from the rollups (the
    worth review) put their numbers in their keys, so today's rollups leave a past year's
    answers valid."""
    years = range(thaidate.fiscal_year_of(first).be, thaidate.fiscal_year_of(last).be + 1)
    return [_year_generation(be) for be in years]


def rollups_changed(days: Iterable[date]) -> None:
    """The rollups of ``days`` were rewritten: answers cached from the old rollups of their
    fiscal years are no longer read."""
    for be in sorted({thaidate.fiscal_year_of(day).be for day in days}):
        _year_generation(be).bump_for_write()


def recompute_months(month: date, points: set[int]) -> int:
    """MonthlyUsage of the given points for one month, from their DailyUsage rows."""
    ordered = sorted(points)
    written = 0
    for i in range(0, len(ordered), CHUNK):
        chunk = ordered[i : i + CHUNK]
        figures = (
            DailyUsage.objects.filter(
                service_point_id__in=chunk, day__gte=month, day__lt=thaidate.next_month(month)
            )
            .order_by()
            .values("service_point_id", "area_code")
            .annotate(
                n_sessions=Sum("sessions"),
                n_user_days=Sum("unique_users"),
                n_active_days=Count("pk"),
                n_seconds=Sum("session_seconds"),
                n_in=Sum("bytes_in"),
                n_out=Sum("bytes_out"),
                n_peak=Max("peak_concurrent"),
                n_max_users=Max("unique_users"),
            )
        )
        rows = [
            MonthlyUsage(
                service_point_id=f["service_point_id"],
                area_code=f["area_code"],
                month=month,
                sessions=f["n_sessions"],
                user_days=f["n_user_days"],
                active_days=f["n_active_days"],
                session_seconds=f["n_seconds"],
                bytes_in=f["n_in"],
                bytes_out=f["n_out"],
                peak_concurrent=f["n_peak"],
                max_daily_users=f["n_max_users"],
            )
            for f in figures
        ]
        with transaction.atomic():
            present = {row.service_point_id for row in rows}
            missing = [p for p in chunk if p not in present]
            if missing:
                MonthlyUsage.objects.filter(month=month, service_point_id__in=missing).delete()
            MonthlyUsage.objects.bulk_create(
                rows,
                batch_size=CHUNK,
                update_conflicts=True,
                unique_fields=["service_point", "month"],
                update_fields=[
                    "area_code",
                    "sessions",
                    "user_days",
                    "active_days",
                    "session_seconds",
                    "bytes_in",
                    "bytes_out",
                    "peak_concurrent",
                    "max_daily_users",
                ],
            )
        written += len(rows)
    return written


def _area_rows(qs, level: int, day: date, prefix_field: str, users: str, points) -> list:
    figures = (
        qs.order_by()
        .annotate(prefix=Substr(prefix_field, 1, level))
        .values("prefix")
        .annotate(
            n_sessions=Sum("sessions"),
            n_users=Sum(users),
            n_seconds=Sum("session_seconds"),
            n_in=Sum("bytes_in"),
            n_out=Sum("bytes_out"),
            n_points=points,
            n_peak=Sum("peak_concurrent"),
        )
    )
    return [
        AreaDailyUsage(
            area_code=f["prefix"],
            level=level,
            day=day,
            sessions=f["n_sessions"],
            user_days=f["n_users"],
            session_seconds=f["n_seconds"],
            bytes_in=f["n_in"],
            bytes_out=f["n_out"],
            points=f["n_points"],
            peak_concurrent=f["n_peak"],
        )
        for f in figures
    ]


_AREA_UPDATE = [
    "sessions",
    "user_days",
    "session_seconds",
    "bytes_in",
    "bytes_out",
    "points",
    "peak_concurrent",
]


def recompute_area_days(day: date, districts: set[str]) -> int:
    """District rows for ``districts`` on ``day`` from DailyUsage, then their provinces' rows
    from the district rows."""
    districts = {d for d in districts if len(d) == 4}
    if not districts:
        return 0
    provinces = {d[:2] for d in districts}
    daily = DailyUsage.objects.filter(day=day)
    if len(provinces) < 10:
        daily = daily.filter(area_q(sorted(districts)))
    district_rows = [
        row
        for row in _area_rows(daily, 4, day, "area_code", "unique_users", Count("pk"))
        if row.area_code in districts
    ]
    with transaction.atomic():
        _replace_area_rows(day, 4, districts, district_rows)
        district_level = AreaDailyUsage.objects.filter(day=day, level=4).filter(
            area_q(sorted(provinces))
        )
        province_rows = _area_rows(district_level, 2, day, "area_code", "user_days", Sum("points"))
        _replace_area_rows(day, 2, provinces, province_rows)
    return len(district_rows) + len(province_rows)


def _replace_area_rows(day: date, level: int, codes: set[str], rows: list) -> None:
    present = {row.area_code for row in rows}
    missing = sorted(codes - present)
    if missing:
        AreaDailyUsage.objects.filter(day=day, level=level, area_code__in=missing).delete()
    AreaDailyUsage.objects.bulk_create(
        rows,
        batch_size=CHUNK,
        update_conflicts=True,
        unique_fields=["area_code", "day"],
        update_fields=_AREA_UPDATE,
    )


# -- entry points ----------------------------------------------------------------------------


_RETENTION = object()


def rollup_pending(*, chunk: int = 50_000, frozen_before=_RETENTION) -> RollupResult:
    """Bring every marked (point, day) up to date. Marks added while this runs stay for the
    next run: only the marks read are deleted.

    Days before ``frozen_before`` (default: the first kept day of the last accounting purge,
    ``network.retention``) are not recomputed, their marks only dropped: their sessions may be
    gone, and a recompute would wipe the figures the rollups keep for ever. The retention job
    itself passes None, to roll those days up before it purges them."""
    if frozen_before is _RETENTION:
        from pracharat.network import retention

        frozen_before = retention.frozen_before()
    total = RollupResult()
    while True:
        marks = list(
            RollupMark.objects.order_by("pk").values_list("pk", "service_point_id", "day")[:chunk]
        )
        if not marks:
            return total
        days: dict[date, set[int] | None] = defaultdict(set)
        for _, point, day in marks:
            if frozen_before is None or day >= frozen_before:
                days[day].add(point)  # type: ignore[union-attr]
        result = recompute_days(days)
        ids = [pk for pk, _, _ in marks]
        for i in range(0, len(ids), CHUNK):
            RollupMark.objects.filter(pk__in=ids[i : i + CHUNK]).delete()
        result.marks = len(marks)
        total.add(result)
        if len(marks) < chunk:
            return total


def rollup_range(start: date, end: date, points: set[int] | None = None) -> RollupResult:
    """Recompute every day from ``start`` to ``end`` inclusive (a rebuild, or after a bulk
    load that wrote sessions without marks)."""
    days: dict[date, set[int] | None] = {}
    day = start
    while day <= end:
        days[day] = set(points) if points is not None else None
        day += timedelta(days=1)
    return recompute_days(days)


# -- monthly and fiscal-year views ------------------------------------------------------------


def monthly_totals(area_code: str = "", *, start: date, end: date) -> list[dict]:
    """Rows of {month, sessions, user_days, session_seconds, bytes_in, bytes_out, points} for
    an area (all of Thailand for "") between two months inclusive, from MonthlyUsage."""
    qs = MonthlyUsage.objects.between(start, end)
    if area_code:
        qs = qs.in_area(area_code)
    return list(
        qs.order_by("month")
        .values("month")
        .annotate(
            sessions_sum=Sum("sessions"),
            user_days_sum=Sum("user_days"),
            seconds=Sum("session_seconds"),
            bytes_in_sum=Sum("bytes_in"),
            bytes_out_sum=Sum("bytes_out"),
            points=Count("service_point_id"),
        )
    )


def fiscal_year_totals(be_year: int, area_code: str = "") -> dict:
    """Totals of one Thai fiscal year for an area, from MonthlyUsage (12 months per point)."""
    year = thaidate.fiscal_year(be_year)
    first, last = year.start, year.end
    qs = MonthlyUsage.objects.between(first, last)
    if area_code:
        qs = qs.in_area(area_code)
    figures = qs.order_by().aggregate(
        sessions=Sum("sessions"),
        user_days=Sum("user_days"),
        session_seconds=Sum("session_seconds"),
        bytes_in=Sum("bytes_in"),
        bytes_out=Sum("bytes_out"),
        points=Count("service_point_id", distinct=True),
    )
    return {"fiscal_year": be_year, "start": first, "end": last} | {
        key: value or 0 for key, value in figures.items()
    }


def national_per_day(start: date, end: date) -> list[dict]:
    """Country totals per day from the province rows (77 per day)."""
    return list(AreaDailyUsage.objects.provinces().between(start, end).per_day())


def area_per_day(area_code: str, start: date, end: date) -> list[dict]:
    """Totals per day of a province or district from its own AreaDailyUsage rows, or of a
    sub-district / village from the points' DailyUsage rows."""
    if len(area_code) in (2, 4):
        return list(
            AreaDailyUsage.objects.filter(area_code=area_code).between(start, end).per_day()
        )
    return list(DailyUsage.objects.in_area(area_code).between(start, end).per_day())


def breakdown(area_code: str, start: date, end: date) -> list[dict]:
    """Totals per province (for the country) or per district (for a province), keyed by
    ``area_code``."""
    qs = AreaDailyUsage.objects.between(start, end)
    if area_code:
        return list(qs.districts().in_area(area_code).per_area())
    return list(qs.provinces().per_area())


def ranked_points(area_code: str, month: date, *, worst: bool = False, limit: int = 10):
    """Best (or worst) in-service points of a month by user-days, with their names."""
    qs = MonthlyUsage.objects.for_month(month)
    if area_code:
        qs = qs.in_area(area_code)
    return list(qs.ranked(worst=worst)[:limit])
