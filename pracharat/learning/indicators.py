"""The learning indicators page's figures for one area and fiscal year.

The headline figures are the pillar's own read contract (``learning.numbers``); volunteer
activities and people helped are the ``volunteers`` pillar's numbers read by key from the
same contract (``core.registry.area_number_sources``), shown only when that pillar is
installed. Besides: sessions per month, the breakdown by the next level of areas, and, per
service point, unique Wi-Fi users in the 30 days before and after a class held there.

**Wi-Fi users before and after a class** (:func:`wifi_before_after`). For each of the
:data:`WIFI_CLASSES` most recent classes of the period held at a service point (the class's
own venue, or the linked point of its centre), two windows of local days:

- *before*: the 30 days before the day of the class's first session;
- *after*: the 30 days after the day of its last session (fewer when they are not all past:
  ``after_days`` says how many have elapsed).

A person is counted once per window however many sessions or days they were online: users
are told apart as the network's rollups tell them (the pseudonymised User-Name, else the
pseudonymised Calling-Station-Id, else the session itself). The per-day rollup
(``DailyUsage.unique_users``) cannot give this (a person online on 12 days would count 12
times), so it is read from the accounting sessions that overlap each window (started before
its end, last known activity after its start), through the ``(service_point, ended_at)``
index, in **one** query for all classes: two ``COUNT(DISTINCT …) FILTER (…)`` per class
(and two before it to find the classes).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q, Value
from django.db.models.functions import Coalesce, NullIf, Substr
from django.utils import timezone

from pracharat.core import registry
from pracharat.core.lib import thaidate
from pracharat.core.numbers import Number, Period
from pracharat.learning import numbers as learning_numbers
from pracharat.learning.models import ATTENDED, Attendance, Certificate, ClassSession, Cohort
from pracharat.learning.numbers import in_area

#: The keys read from the volunteers pillar (its helper registers them).
VOLUNTEER_KEYS = ("volunteers", "activities", "people_helped")
WIFI_WINDOW_DAYS = 30
WIFI_CLASSES = 20


def volunteer_numbers(code: str, period: Period) -> list[Number]:
    """The volunteers pillar's figures we show, by key; [] when it is not installed."""
    for pillar, fn in registry.area_number_sources:
        if pillar == "volunteers":
            found = {n.key: n for n in fn(code, period)}
            return [found[key] for key in VOLUNTEER_KEYS if key in found]
    return []


def months(code: str, period: Period) -> list[tuple[dt.date, int]]:
    """Sessions per calendar month of the period (every month, zeros included), one query:
    a filtered count per month on the indexed start time (no per-row date truncation)."""
    firsts, month = [], period.start.replace(day=1)
    while month <= period.end:
        firsts.append(month)
        month = thaidate.next_month(month)
    lo, hi = period.bounds()
    counts = {}
    for i, first in enumerate(firsts):
        m_lo, m_hi = Period(first, thaidate.next_month(first) - dt.timedelta(days=1)).bounds()
        window = Q(starts_at__gte=max(lo, m_lo), starts_at__lt=min(hi, m_hi))
        counts[f"m{i}"] = Count("pk", filter=window)
    found = (
        in_area(ClassSession.objects, code)
        .filter(starts_at__gte=lo, starts_at__lt=hi)
        .order_by()
        .aggregate(**counts)
    )
    return [(first, found[f"m{i}"] or 0) for i, first in enumerate(firsts)]


@dataclass
class AreaRow:
    code: str
    classes: int = 0
    sessions: int = 0
    learners: int = 0
    certificates: int = 0
    place: object = None


def children(code: str, period: Period) -> list[AreaRow]:
    """Classes, sessions, unique learners and certificates per next-level area (provinces
    of the country, districts of a province …), three queries; [] for a village."""
    if len(code) >= 8:
        return []
    n = len(code) + 2
    lo, hi = period.bounds()
    rows: dict[str, AreaRow] = {}

    def row(key):
        return rows.setdefault(key, AreaRow(key))

    held = (
        in_area(ClassSession.objects, code)
        .filter(starts_at__gte=lo, starts_at__lt=hi)
        .annotate(child=Substr("cohort__area_code", 1, n))
        .order_by()
        .values("child")
        .annotate(sessions=Count("pk"), classes=Count("cohort_id", distinct=True))
    )
    for r in held:
        row(r["child"]).sessions, row(r["child"]).classes = r["sessions"], r["classes"]
    learners = (
        in_area(Attendance.objects, code)
        .filter(status__in=ATTENDED, session__starts_at__gte=lo, session__starts_at__lt=hi)
        .annotate(child=Substr("session__cohort__area_code", 1, n))
        .order_by()
        .values("child")
        .annotate(n=Count("enrolment__learner_id", distinct=True))
    )
    for r in learners:
        row(r["child"]).learners = r["n"]
    issued = (
        in_area(Certificate.objects, code)
        .valid()
        .filter(issued_on__gte=period.start, issued_on__lte=period.end)
        .annotate(child=Substr("enrolment__cohort__area_code", 1, n))
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
    )
    for r in issued:
        row(r["child"]).certificates = r["n"]
    return [rows[k] for k in sorted(rows) if len(k) == n]


@dataclass
class WifiRow:
    cohort: Cohort
    point_id: int
    first_day: dt.date
    last_day: dt.date
    before: int = 0
    after: int = 0
    after_days: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def change(self) -> int:
        return self.after - self.before


def _windows(first_day: dt.date, last_day: dt.date):
    zone = timezone.get_current_timezone()

    def midnight(day):
        return dt.datetime.combine(day, dt.time.min, tzinfo=zone)

    before = (
        midnight(first_day - dt.timedelta(WIFI_WINDOW_DAYS)),
        midnight(first_day),
    )
    after = (
        midnight(last_day + dt.timedelta(1)),
        midnight(last_day + dt.timedelta(WIFI_WINDOW_DAYS + 1)),
    )
    return before, after


def wifi_before_after(code: str, period: Period, limit: int = WIFI_CLASSES) -> list[WifiRow]:
    """Unique Wi-Fi users at the point in the 30 days before and after each of the ``limit``
    most recent classes of the period held at a service point (see the module's doc). Two
    queries: the classes (their first and last sessions, then the rows), then every
    window's count at once."""
    from pracharat.network.models import AccountingSession

    lo, hi = period.bounds()
    # a narrow GROUP BY on the sessions (cohort, point, first and last start), then the rows
    latest = list(
        in_area(ClassSession.objects, code)
        .annotate(point=Coalesce("cohort__service_point_id", "cohort__centre__service_point_id"))
        .filter(point__isnull=False)
        .order_by()
        .values("cohort_id", "point")
        .annotate(first=Min("starts_at"), last=Max("starts_at"))
        .filter(first__gte=lo, first__lt=hi)
        .order_by("-last", "-cohort_id")[:limit]
    )
    if not latest:
        return []
    by_pk = Cohort.objects.select_related("course", "centre", "service_point").in_bulk(
        [r["cohort_id"] for r in latest]
    )
    cohorts = []
    for r in latest:
        c = by_pk[r["cohort_id"]]
        c.point, c.first, c.last = r["point"], r["first"], r["last"]
        cohorts.append(c)
    today = timezone.localdate()
    rows = []
    for c in cohorts:
        first = timezone.localtime(c.first).date()
        last = timezone.localtime(c.last).date()
        rows.append(
            WifiRow(
                c,
                c.point,
                first,
                last,
                after_days=max(0, min(WIFI_WINDOW_DAYS, (today - last).days)),
            )
        )
    user = Coalesce(
        NullIf("user_hash", Value("")), NullIf("calling_station_hash", Value("")), "session_key"
    )
    aggregates, span = {}, Q()
    edges = [_windows(r.first_day, r.last_day) for r in rows]
    # one indexed range over the points first: (service_point, ended_at) serves it
    outer = Q(
        service_point_id__in={r.point_id for r in rows},
        ended_at__gte=min(before[0] for before, _after in edges),
        started_at__lt=max(after[1] for _before, after in edges),
    )
    for i, r in enumerate(rows):
        (b_lo, b_hi), (a_lo, a_hi) = _windows(r.first_day, r.last_day)
        at = Q(service_point_id=r.point_id)
        before = at & Q(started_at__lt=b_hi, ended_at__gte=b_lo)
        after = at & Q(started_at__lt=a_hi, ended_at__gte=a_lo)
        aggregates[f"b{i}"] = Count(user, distinct=True, filter=before)
        aggregates[f"a{i}"] = Count(user, distinct=True, filter=after)
        span |= before | after
    counts = AccountingSession.objects.filter(outer, span).order_by().aggregate(**aggregates)
    for i, r in enumerate(rows):
        r.before, r.after = counts[f"b{i}"] or 0, counts[f"a{i}"] or 0
    return rows


def page(code: str, period: Period) -> dict:
    """Everything the indicators page shows (a fixed number of queries)."""
    figures = learning_numbers.area_numbers(code, period)
    return {
        "numbers": {n.key: n for n in figures},
        "figures": figures,
        "volunteers": volunteer_numbers(code, period),
        "months": months(code, period),
        "children": children(code, period),
        "wifi": wifi_before_after(code, period),
    }
