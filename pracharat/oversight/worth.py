"""The worth review (issue 14): is every service point and centre of an area worth its cost
over a period? Computed from the rollups and the pillars' own tables, never from raw sessions;
the method, thresholds and biases are written in docs/worth-review.md.

For every point in service in the area over the period (default: the last full fiscal year):

- cost: the months' rates from the contract's cost history (``network.contracts``);
- use, from the rollups (:func:`usage`: ``MonthlyUsage`` for the whole months, ``DailyUsage``
  for the days around them): sessions, user-days (users summed per day), active days,
  traffic, session time, peak concurrent users, and ``unique_users``: the most distinct users
  on one day, a lower bound of the people who used the point in the period (the rollups keep
  no distinct count across days);
- reach: ``unique_users`` as a share of the village's registered population and households
  (``VillagePopulation``, the latest year not after the period's);
- reliability, by ``network.sla``'s definitions per point: uptime (down time of incidents from
  the outage monitor or an alert, clipped to the period), incidents opened, SLA misses;
- learning: classes held at the point (directly or at a centre linked to it) with a meeting in
  the period, their registered learners, certificates issued in the period;
- community: volunteer activities at the point (or in its village), the online income of the
  village's producer groups (paid orders' goods total);
- ratios: cost per user (``unique_users``), per user-day, per learner; the change of user-days
  against the previous period of the same length;
- a class and a recommendation (:func:`classify`, :func:`recommend`) with their evidence as
  sentences in Thai and English.

Centres (``learning.Centre``) get a row of their own, classed by their classes and status; their
internet use is their linked point's row, not counted twice in the totals.

A fixed number of queries whatever the area (see :func:`review`); the classification is a pure
function of a row and :class:`Thresholds`, so :func:`sensitivity` reclassifies without reading
again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields, replace
from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, Min, Q, Sum
from django.db.models.signals import post_save
from django.utils import timezone, translation

from pracharat.core.generations import Generation
from pracharat.core.i18n import localised
from pracharat.core.lib import area, thaidate
from pracharat.core.numbers import Period, period_from_query

WELL_USED, UNDER_USED, IDLE, BROKEN = "well_used", "under_used", "idle", "broken"
CLASSES = (WELL_USED, UNDER_USED, IDLE, BROKEN)
KEEP, REPAIR, PROMOTE, RELOCATE, HAND_OVER = "keep", "repair", "promote", "relocate", "hand_over"
RECOMMENDATIONS = (KEEP, REPAIR, PROMOTE, RELOCATE, HAND_OVER)

CLASS_LABELS = {
    WELL_USED: ("ใช้งานดี", "Well used"),
    UNDER_USED: ("ใช้งานน้อย", "Under-used"),
    IDLE: ("ไม่มีการใช้งาน", "Idle"),
    BROKEN: ("ใช้การไม่ได้", "Broken"),
}
RECOMMENDATION_LABELS = {
    KEEP: ("คงไว้", "Keep"),
    REPAIR: ("ให้ผู้ให้บริการซ่อม", "Repair (the provider)"),
    PROMOTE: ("ส่งเสริมการใช้งานด้วยการอบรม", "Promote with training"),
    RELOCATE: ("ย้ายจุดติดตั้ง", "Relocate"),
    HAND_OVER: ("ส่งมอบให้องค์กรปกครองส่วนท้องถิ่น", "Hand over to the local government"),
}


def class_label(key: str) -> str:
    return localised(*CLASS_LABELS[key])


def recommendation_label(key: str) -> str:
    return localised(*RECOMMENDATION_LABELS[key])


@dataclass(frozen=True)
class Thresholds:
    """The review's thresholds; every one is documented in docs/worth-review.md and may be set
    per review (the page's and the API's query parameters of the same names)."""

    #: Uptime (%) below which a point is broken.
    broken_uptime: float = 90.0
    #: Share (%) of its days in service with any use below which a point is idle.
    idle_active_share: float = 10.0
    #: User-days per day in service at or above which a point is well used.
    well_used_daily_users: float = 10.0
    #: A centre with at least this many learners in the period is well used.
    centre_well_used_learners: float = 40.0
    #: A well-used point whose contract ends within this many days after the period is handed
    #: over to the local government rather than renewed.
    hand_over_days: int = 180
    #: Use after a class counts as raised when it is at least this many times the use before.
    raised_factor: float = 1.2

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def read(cls, values: dict) -> Thresholds:
        """The defaults with ``values`` (name: number) set; ValueError for a number outside
        its name's ``LIMITS``. The page and the API read their query parameters through it."""
        moved = {}
        for name, value in values.items():
            low, high = LIMITS[name]
            if not low <= value <= high:
                raise ValueError(f"{name} must be between {low} and {high}")
            moved[name] = round(value) if name == "hand_over_days" else value
        return replace(cls(), **moved) if moved else cls()

    def moved(self, name: str, factor: float) -> Thresholds:
        value = getattr(self, name) * factor
        return replace(
            self, **{name: round(value) if name == "hand_over_days" else round(value, 6)}
        )


#: The range each threshold may be set to: percentages up to 100, a factor up to 100, days up
#: to ten years, counts up to 100,000.
LIMITS = {
    "broken_uptime": (0, 100),
    "idle_active_share": (0, 100),
    "well_used_daily_users": (0, 100_000),
    "centre_well_used_learners": (0, 100_000),
    "hand_over_days": (0, 3660),
    "raised_factor": (0, 100),
}


#: The thresholds the sensitivity table moves (the ones that decide a class).
SENSITIVE = (
    "broken_uptime",
    "idle_active_share",
    "well_used_daily_users",
    "centre_well_used_learners",
)


@dataclass
class Row:
    kind: str  # "point" or "centre"
    pk: int
    code: str
    name: str
    area_code: str
    programme: str = ""
    provider: str = ""
    provider_slug: str = ""
    latitude: float | None = None
    longitude: float | None = None
    point_id: int | None = None  # a centre's linked point
    contract_end: dt.date | None = None
    status: str = ""
    days_in_service: int = 0
    months_costed: int = 0
    cost: Decimal = Decimal(0)
    unique_users: int = 0
    active_days: int = 0
    user_days: int = 0
    sessions: int = 0
    bytes: int = 0
    session_seconds: int = 0
    peak_concurrent: int = 0
    population: int | None = None
    households: int | None = None
    down_seconds: float = 0.0
    incidents: int = 0
    sla_missed: int = 0
    classes: int = 0
    learners: int = 0
    certificates: int = 0
    activities: int = 0
    people_helped: int = 0
    group_income: Decimal = Decimal(0)
    previous_user_days: int | None = None
    first_class: dt.date | None = None
    use_before_class: float | None = None  # user-days per month before the first class
    use_after_class: float | None = None
    klass: str = ""
    recommendation: str = ""
    #: Whether use after the first class reached ``raised_factor`` times the use before (set
    #: by :func:`decide` through :func:`raised_use`, the one rule).
    class_raised_use: bool = False
    #: The thresholds and period :func:`decide` used, for :attr:`evidence`.
    decided_by: tuple | None = field(default=None, repr=False, compare=False)
    _evidence: list | None = field(default=None, repr=False, compare=False)

    @property
    def evidence(self) -> list[tuple[str, str]]:
        """The sentences (Thai, English) that decided the class and the recommendation, written
        when first read (a page shows a hundred rows' classes, not every row's reasons)."""
        if self._evidence is None:
            self._evidence = explain(self, *self.decided_by) if self.decided_by else []
        return self._evidence

    # -- ratios --------------------------------------------------------------------------------
    @property
    def active_share(self) -> float:
        return 100 * self.active_days / self.days_in_service if self.days_in_service else 0.0

    @property
    def daily_users(self) -> float:
        return self.user_days / self.days_in_service if self.days_in_service else 0.0

    @property
    def uptime(self) -> float | None:
        span = self.days_in_service * 86400
        if self.kind != "point" or not span:
            return None
        return round(100 * max(0.0, 1 - self.down_seconds / span), 2)

    @property
    def down_hours(self) -> float:
        return round(self.down_seconds / 3600, 1)

    def _per(self, n) -> Decimal | None:
        return (self.cost / n).quantize(Decimal("0.01")) if n and self.cost else None

    @property
    def cost_per_user(self) -> Decimal | None:
        return self._per(self.unique_users)

    @property
    def cost_per_user_day(self) -> Decimal | None:
        return self._per(self.user_days)

    @property
    def cost_per_learner(self) -> Decimal | None:
        return self._per(self.learners)

    @property
    def reach_population(self) -> float | None:
        return round(100 * self.unique_users / self.population, 1) if self.population else None

    @property
    def reach_households(self) -> float | None:
        return round(100 * self.unique_users / self.households, 1) if self.households else None

    @property
    def change(self) -> float | None:
        if not self.previous_user_days:
            return None
        return round(100 * (self.user_days - self.previous_user_days) / self.previous_user_days, 1)

    @property
    def community(self) -> bool:
        return bool(self.classes or self.activities or self.group_income)

    @property
    def class_name(self) -> str:
        return class_label(self.klass) if self.klass else ""

    @property
    def recommendation_name(self) -> str:
        return recommendation_label(self.recommendation) if self.recommendation else ""

    @property
    def sentences(self) -> list[str]:
        return [localised(th, en) for th, en in self.evidence]

    @property
    def district(self) -> str:
        return self.area_code[:4]


# -- the decision -----------------------------------------------------------------------------


def classify(row: Row, t: Thresholds) -> str:
    """The row's class under ``t``: broken, then idle, then well used, else under-used."""
    return _class_of(_measures(row), t)


def _measures(row: Row) -> tuple:
    """What :func:`classify` reads of a row, computed once (the sensitivity table classifies
    every row twelve times)."""
    if row.kind == "centre":
        return (True, row.status == "open", row.classes, row.learners)
    return (False, row.uptime, row.active_share, row.daily_users)


def _class_of(m: tuple, t: Thresholds) -> str:
    if m[0]:  # a centre
        _centre, is_open, classes, learners = m
        if not is_open:
            return BROKEN
        if not classes:
            return IDLE
        return WELL_USED if learners >= t.centre_well_used_learners else UNDER_USED
    _centre, uptime, active_share, daily_users = m
    if uptime is not None and uptime < t.broken_uptime:
        return BROKEN
    if active_share < t.idle_active_share:
        return IDLE
    if daily_users >= t.well_used_daily_users:
        return WELL_USED
    return UNDER_USED


def _n(value, digits: int = 0) -> str:
    return f"{value:,.{digits}f}"


def _baht(value) -> str:
    return f"{value:,.2f}"


def raised_use(row: Row, t: Thresholds) -> bool:
    """Whether a class raised the point's use: user-days a month after its first class at
    least ``t.raised_factor`` times those before (and more than before)."""
    before, after = row.use_before_class, row.use_after_class
    if row.first_class is None or before is None or after is None:
        return False
    return after > before and after >= before * t.raised_factor


def decide(row: Row, t: Thresholds, period: Period) -> None:
    """Set the row's class and recommendation (its :attr:`Row.evidence` says why)."""
    row.klass = classify(row, t)
    row.class_raised_use = raised_use(row, t)
    row.decided_by, row._evidence = (t, period), None
    row.recommendation = _recommendation(row, t, period)


def _recommendation(row: Row, t: Thresholds, period: Period) -> str:
    if row.klass == BROKEN:
        return REPAIR
    if row.kind == "centre":
        return {IDLE: HAND_OVER, WELL_USED: KEEP}.get(row.klass, PROMOTE)
    if row.klass == IDLE:
        return PROMOTE if row.community else RELOCATE
    if row.klass == WELL_USED:
        return HAND_OVER if _contract_ends_soon(row, t, period) else KEEP
    return PROMOTE


def _contract_ends_soon(row: Row, t: Thresholds, period: Period) -> bool:
    ends = row.contract_end
    return ends is not None and period.end <= ends <= period.end + dt.timedelta(t.hand_over_days)


def explain(row: Row, t: Thresholds, period: Period) -> list[tuple[str, str]]:
    """The sentences (Thai, English) behind the class and recommendation :func:`decide` set."""
    say: list[tuple[str, str]] = []
    if row.kind == "centre":
        _explain_centre(row, t, say)
        return say
    uptime = row.uptime if row.uptime is not None else 100.0
    if row.klass == BROKEN:
        say.append(
            (
                f"ใช้งานได้ {_n(uptime, 1)}% ของเวลา (ต่ำกว่าเกณฑ์ {_n(t.broken_uptime, 1)}%) "
                f"ขัดข้องรวม {_n(row.down_hours, 1)} ชั่วโมง จากเหตุขัดข้อง {row.incidents} ครั้ง "
                f"เกินกำหนด SLA {row.sla_missed} ครั้ง",
                f"Up {_n(uptime, 1)}% of the time (below the threshold of "
                f"{_n(t.broken_uptime, 1)}%): down {_n(row.down_hours, 1)} hours over "
                f"{row.incidents} incidents, {row.sla_missed} past the provider's SLA.",
            )
        )
        return say
    share = row.active_share
    if row.klass == IDLE:
        say.append(
            (
                f"มีผู้ใช้เพียง {row.active_days} วัน จาก {row.days_in_service} วันที่ให้บริการ "
                f"({_n(share, 1)}% ต่ำกว่าเกณฑ์ {_n(t.idle_active_share, 1)}%)",
                f"Used on only {row.active_days} of its {row.days_in_service} days in service "
                f"({_n(share, 1)}%, below the threshold of {_n(t.idle_active_share, 1)}%).",
            )
        )
        if row.recommendation == PROMOTE:
            say.append(
                (
                    f"หมู่บ้านมีกิจกรรม (อบรม {row.classes} รุ่น กิจกรรมอาสา {row.activities} ครั้ง "
                    f"รายได้กลุ่มออนไลน์ {_baht(row.group_income)} บาท) จึงควรส่งเสริมด้วยการอบรม",
                    f"The village is active ({row.classes} classes, {row.activities} volunteer "
                    f"activities, {_baht(row.group_income)} baht of group sales online): "
                    "promote the point with training.",
                )
            )
        else:
            say.append(
                (
                    "ไม่มีการอบรม กิจกรรมอาสา หรือการขายออนไลน์ในหมู่บ้านในช่วงนี้ ควรพิจารณาย้ายไปที่ที่มีผู้ใช้",
                    "No class, volunteer activity or online sales in the village in the period: "
                    "consider moving it where people would use it.",
                )
            )
        return say
    daily = row.daily_users
    if row.klass == WELL_USED:
        say.append(
            (
                f"ผู้ใช้เฉลี่ย {_n(daily, 1)} คนต่อวัน (ถึงเกณฑ์ {_n(t.well_used_daily_users, 1)}) "
                f"มีผู้ใช้ {row.active_days} วันจาก {row.days_in_service} วัน",
                f"{_n(daily, 1)} users a day on average (threshold "
                f"{_n(t.well_used_daily_users, 1)}), used on {row.active_days} of "
                f"{row.days_in_service} days.",
            )
        )
        if row.recommendation == HAND_OVER:
            ends = row.contract_end
            say.append(
                (
                    f"สัญญาสิ้นสุด {thaidate.thai_date(ends)} และชุมชนใช้งานดี "
                    "จึงควรส่งมอบให้องค์กรปกครองส่วนท้องถิ่นดูแลต่อ",
                    f"The contract ends on {ends.isoformat()} and the village uses the point "
                    "well: hand it over to the local government rather than renew it.",
                )
            )
    else:
        say.append(
            (
                f"ผู้ใช้เฉลี่ย {_n(daily, 1)} คนต่อวัน ต่ำกว่าเกณฑ์ใช้งานดี "
                f"{_n(t.well_used_daily_users, 1)} คน",
                f"{_n(daily, 1)} users a day on average, below the well-used threshold of "
                f"{_n(t.well_used_daily_users, 1)}.",
            )
        )
    if row.learners or row.activities or row.group_income:
        say.append(
            (
                f"ชุมชน: ผู้เรียน {row.learners} คน กิจกรรมอาสา {row.activities} ครั้ง "
                f"รายได้ออนไลน์ของกลุ่มในหมู่บ้าน {_baht(row.group_income)} บาท",
                f"Community: {row.learners} learners, {row.activities} volunteer activities, "
                f"{_baht(row.group_income)} baht of the village groups' online sales.",
            )
        )
    risen = row.class_raised_use
    if row.first_class and row.use_before_class is not None and row.use_after_class is not None:
        say.append(
            (
                f"หลังการอบรมเดือน{thaidate.thai_month(row.first_class.year, row.first_class.month)} "
                f"การใช้งานเปลี่ยนจาก "
                f"{_n(row.use_before_class)} เป็น {_n(row.use_after_class)} คน-วันต่อเดือน"
                + (" การอบรมได้ผล" if risen else ""),
                f"After the class of {row.first_class:%B %Y}, use went from "
                f"{_n(row.use_before_class)} to {_n(row.use_after_class)} user-days a month"
                + ("; training works here." if risen else "."),
            )
        )
    return say


def _explain_centre(row: Row, t: Thresholds, say: list) -> None:
    if row.klass == BROKEN:
        say.append(("ศูนย์ปิดให้บริการ", "The centre is closed."))
    elif row.klass == IDLE:
        say.append(
            (
                "ไม่มีการอบรมที่ศูนย์ในช่วงนี้ ควรส่งมอบให้องค์กรปกครองส่วนท้องถิ่นใช้ประโยชน์",
                "No class at the centre in the period: hand it over to the local government.",
            )
        )
    else:
        say.append(
            (
                f"อบรม {row.classes} รุ่น ผู้เรียน {row.learners} คน "
                f"(เกณฑ์ใช้งานดี {_n(t.centre_well_used_learners)} คน) "
                f"ได้รับวุฒิบัตร {row.certificates} ใบ",
                f"{row.classes} classes, {row.learners} learners (well used from "
                f"{_n(t.centre_well_used_learners)}), {row.certificates} certificates.",
            )
        )


# -- reading ------------------------------------------------------------------------------------

#: The longest period reviewed at once: three years.
MAX_DAYS = 3 * 366


def may_review(user, code: str) -> bool:
    """Whether ``user`` reads the per-point review of area ``code``: an oversight role whose
    areas contain it (a provincial officer their province and what is inside it; national
    roles everything). Everyone else, the public included, reads only the open aggregates."""
    from pracharat.oversight import querysets

    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    codes = querysets.area_codes(user)
    if codes is None:
        return True
    return any(area.contains(c, code) for c in codes if c)


def asked_period(start: str | None, end: str | None) -> Period:
    """``start`` and ``end`` (ISO dates; ``start`` defaults to the start of ``end``'s fiscal
    year), read by ``core.numbers.period_from_query``, else the last full fiscal year."""
    if not (start or end):
        return last_full_fiscal_year()
    return period_from_query(
        start, end, default_start=lambda day: thaidate.fiscal_year_of(day).start, max_days=MAX_DAYS
    )


def last_full_fiscal_year(today: dt.date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period.fiscal_year(thaidate.fiscal_year_of(today).be - 1)


def previous_period(period: Period) -> Period:
    """The period of the same length just before (the previous fiscal year for a fiscal year)."""
    end = period.start - dt.timedelta(days=1)
    if period.start.month == 10 and period.start.day == 1 and period.days in (365, 366):
        be = thaidate.fiscal_year_of(period.start).be
        return Period.fiscal_year(be - 1)
    return Period(end - dt.timedelta(days=period.days - 1), end)


@dataclass
class Review:
    code: str
    period: Period
    previous: Period
    thresholds: Thresholds
    rows: list[Row]
    _sensitivity: list | None = field(default=None, repr=False, compare=False)

    @property
    def points(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "point"]

    @property
    def centres(self) -> list[Row]:
        return [r for r in self.rows if r.kind == "centre"]

    def counts(self, kind: str = "point") -> dict[str, int]:
        found = Counter(r.klass for r in self.rows if r.kind == kind)
        return {k: found.get(k, 0) for k in CLASSES}

    def recommendation_counts(self) -> dict[str, int]:
        found = Counter(r.recommendation for r in self.points)
        return {k: found.get(k, 0) for k in RECOMMENDATIONS}

    @property
    def totals(self) -> dict:
        """The points' totals (centres' use is their points')."""
        pts = self.points
        total = {
            key: sum(getattr(r, key) for r in pts)
            for key in (
                "cost",
                "user_days",
                "sessions",
                "bytes",
                "session_seconds",
                "active_days",
                "incidents",
                "sla_missed",
                "classes",
                "certificates",
                "activities",
            )
        }
        total["points"] = len(pts)
        total["centres"] = len(self.centres)
        total["learners"] = sum(r.learners for r in pts) + sum(
            r.learners for r in self.centres if r.point_id is None
        )
        total["cost_per_user_day"] = (
            (total["cost"] / total["user_days"]).quantize(Decimal("0.01"))
            if total["user_days"] and total["cost"]
            else None
        )
        return total

    def sensitivity(self) -> list[dict]:
        if self._sensitivity is None:
            self._sensitivity = sensitivity(self.rows, self.thresholds, self.period)
        return self._sensitivity


def aggregates(result: Review) -> list[dict]:
    """Per district of a province (per province of the country, per sub-district of a
    district): points per class, cost, user-days, sessions, bytes, centres; no point's own
    figures."""
    level = {0: 2, 2: 4}.get(len(result.code), 6)
    groups: dict[str, dict] = defaultdict(
        lambda: (
            {
                "points": 0,
                "centres": 0,
                "cost": Decimal(0),
                "user_days": 0,
                "sessions": 0,
                "bytes": 0,
                "learners": 0,
                "lat": [],
                "lon": [],
            }
            | dict.fromkeys(CLASSES, 0)
        )
    )
    for r in result.rows:
        g = groups[r.area_code[:level]]
        if r.kind == "centre":
            g["centres"] += 1
            continue
        g["points"] += 1
        g[r.klass] += 1
        g["cost"] += r.cost
        g["user_days"] += r.user_days
        g["sessions"] += r.sessions
        g["bytes"] += r.bytes
        g["learners"] += r.learners
        if r.latitude is not None:
            g["lat"].append(r.latitude)
            g["lon"].append(r.longitude)
    out = []
    for code in sorted(groups):
        g = groups[code]
        lat, lon = g.pop("lat"), g.pop("lon")
        g["code"] = code
        g["latitude"] = round(sum(lat) / len(lat), 4) if lat else None
        g["longitude"] = round(sum(lon) / len(lon), 4) if lon else None
        out.append(g)
    return out


#: Bump when the method changes what a review or the open aggregates hold (their cached
#: answers are then not read again); thresholds are part of the keys on their own.
METHOD_VERSION = 1


def _data_generation(code: str, period: Period) -> str:
    """The generation of what the review of ``code`` over ``period`` reads, for the keys of
    cached reviews and open data: that of the rollups of the fiscal years from the previous
    period's to this one's, that of the writes of other inputs (:data:`REVIEW_INPUTS`) made in
    the area's province (every province's for the country) and that of the writes whose
    province cannot be told (:func:`inputs_changed`)."""
    from pracharat.network import rollups

    located = _province_generation(code) if code else _ANY_PROVINCE
    days = rollups.generations(previous_period(period).start, period.end)
    return ".".join(map(str, Generation.current_many([_INPUTS, located, *days])))


def open_cache_key(code: str, period: Period) -> str:
    """The open data's cache key: area, period, the method's and the default thresholds'
    version and the data's generation (:func:`_data_generation`)."""
    version = hashlib.sha256(repr((METHOD_VERSION, Thresholds())).encode()).hexdigest()[:12]
    return (
        f"oversight:worth:open:{version}:{_data_generation(code, period)}:{code or 'th'}:"
        f"{period.start.isoformat()}:{period.end.isoformat()}"
    )


def open_aggregates(code: str, period: Period) -> list[dict]:
    """:func:`aggregates` of the review of ``code`` over ``period`` by default thresholds,
    from the platform cache (shared by every worker) when an answer of the same data
    generation and at most ``OVERSIGHT_WORTH_OPEN_MAX_AGE`` seconds old is there; else computed
    and stored. The public reads only these, never a review of its own."""
    key = open_cache_key(code, period)
    groups = cache.get(key)
    if groups is None:
        groups = aggregates(review(code, period))
        cache.set(key, groups, settings.OVERSIGHT_WORTH_OPEN_MAX_AGE)
    return groups


#: What a review reads besides the rollups (which have their own generation): a save or delete
#: of any of these starts a new generation of the cached reviews of its province and of the
#: country (``oversight.apps``, :func:`inputs_changed`).
REVIEW_INPUTS = (
    "network.ServicePoint",
    "network.PointCost",
    "network.Incident",
    "learning.Centre",
    "learning.Cohort",
    "learning.ClassSession",
    "learning.Enrolment",
    "learning.Certificate",
    "volunteers.VolunteerActivity",
    "market.Order",
    "oversight.VillagePopulation",
)
#: Writes of inputs whose province cannot be told without a query (a learner's enrolment whose
#: class was not loaded, say), or that may move a row between provinces.
_INPUTS = Generation("oversight:worth:inputs")
#: Every write of an input: the country's answers.
_ANY_PROVINCE = Generation("oversight:worth:inputs:all")
#: Reviews of more rows than this (the country's 46,000) are computed for each request, not
#: kept in the cache.
CACHE_MAX_ROWS = 5000


def _province_generation(code: str) -> Generation:
    return Generation(f"oversight:worth:inputs:{code[:2]}")


def _province_of(instance, update_fields=None, moving: bool = False) -> str | None:
    """The province (two digits) of a written input, read without a query: from its own area
    code or that of a related row already loaded (a class session's class). None when it
    cannot be told so, or when the write may have moved the row to another province
    (``moving``: an update that names no fields, or names its village, area or the related
    row its area comes from)."""
    manager = instance.__class__._default_manager
    path = getattr(getattr(manager, "_queryset_class", None), "area_field", "area_code")
    *steps, name = path.split("__")
    if moving and (update_fields is None or {"village", name, *steps[:1]} & set(update_fields)):
        return None
    obj = instance
    for step in steps:
        if not obj.__class__._meta.get_field(step).is_cached(obj):
            return None
        obj = getattr(obj, step)
        if obj is None:
            return None
    code = str(getattr(obj, name, "") or "")
    return code[:2] if len(code) >= 2 else None


def inputs_changed(
    sender=None, instance=None, signal=None, created=False, update_fields=None, **_kwargs
) -> None:
    """A review's input was saved or deleted (``oversight.apps`` connects this to their
    signals; called without arguments, it stands for a write anywhere). Every worker computes
    the reviews of its province again, and the country's; the other provinces' stay valid.
    A write whose province cannot be told starts a new generation of every review."""
    province = None
    if instance is not None:
        moving = signal is post_save and not created
        province = _province_of(instance, update_fields, moving)
    _ANY_PROVINCE.bump_for_write()
    (_province_generation(province) if province else _INPUTS).bump_for_write()


def cached_review(code: str, period: Period, thresholds: Thresholds) -> Review:
    """:func:`review`, kept in the platform cache (shared by every worker) for the pages, exports
    and API of one area: the same area, period, thresholds and reader's language read the
    same answer until a day of the period's or the previous period's fiscal years is rolled
    up again, or a :data:`REVIEW_INPUTS` row of the area's province is written, and at most
    ``OVERSIGHT_WORTH_REVIEW_MAX_AGE`` seconds (a write by a bulk ``update()`` sends no signal;
    the age bounds it). Sorting, filtering and paging a review so cost no second review."""
    wanted = repr((METHOD_VERSION, thresholds, code, period, translation.get_language()))
    key = (
        f"oversight:worth:review:{_data_generation(code, period)}:"
        f"{hashlib.sha256(wanted.encode()).hexdigest()[:24]}"
    )
    result = cache.get(key)
    if result is None:
        result = review(code, period, thresholds)
        if len(result.rows) <= CACHE_MAX_ROWS:
            result.sensitivity()  # kept with it
            cache.set(key, result, settings.OVERSIGHT_WORTH_REVIEW_MAX_AGE)
    return result


def sensitivity(rows: list[Row], base: Thresholds, period: Period) -> list[dict]:
    """For each deciding threshold moved by −20 % and +20 %: how many rows change class, and
    the points' counts per class then."""
    table = []
    measures = [_measures(r) for r in rows]
    points = [not m[0] for m in measures]
    current = [_class_of(m, base) for m in measures]
    for name in SENSITIVE:
        for factor in (0.8, 1.2):
            moved = base.moved(name, factor)
            classes = [_class_of(m, moved) for m in measures]
            counts = Counter(k for k, point in zip(classes, points, strict=True) if point)
            table.append(
                {
                    "threshold": name,
                    "factor": factor,
                    "value": getattr(moved, name),
                    "changed": sum(1 for a, b in zip(classes, current, strict=True) if a != b),
                    "counts": {k: counts.get(k, 0) for k in CLASSES},
                }
            )
    return table


def _in_period(period: Period, installed: dt.date | None, ends: dt.date | None) -> int:
    first = max(period.start, installed) if installed else period.start
    last = min(period.end, ends) if ends else period.end
    return max(0, (last - first).days + 1)


def whole_months(period: Period) -> tuple[dt.date, dt.date] | None:
    """``[first, stop)``: the first days of the calendar months that lie wholly inside
    ``period`` (``stop`` is the month after the last), or None when there is none."""
    first = period.start
    if first.day != 1:
        first = thaidate.next_month(first)
    stop = thaidate.month_start(period.end)
    if period.end + dt.timedelta(days=1) == thaidate.next_month(stop):
        stop = thaidate.next_month(stop)
    return (first, stop) if first < stop else None


def _per_point(rows, user_days, days, busiest_day: str):
    """One GROUP BY per point of daily or monthly rollup rows, under the names :func:`usage`
    returns; the two tables differ only in how user-days, days and a day's users are kept."""
    return (
        rows.order_by()
        .values("service_point_id")
        .annotate(
            sessions=Sum("sessions"),
            user_days=user_days,
            days=days,
            bytes=Sum(F("bytes_in") + F("bytes_out")),
            seconds=Sum("session_seconds"),
            peak=Max("peak_concurrent"),
            users=Max(busiest_day),
        )
    )


def usage(code: str, period: Period, point_pk: int | None = None) -> dict[int, dict]:
    """Each point's use over ``period`` in area ``code``: sessions, user-days, days with use,
    bytes, session seconds, peak concurrent users and ``users`` (the most on one day).

    The months wholly inside the period are read from ``MonthlyUsage`` (12 rows a point for a
    fiscal year), the days before and after them from ``DailyUsage``: one or two GROUP BY
    queries, whose figures add up to the daily rows' exactly (sums add, maxima take the max)."""
    from pracharat.network.models import DailyUsage, MonthlyUsage

    months = whole_months(period)
    parts = []
    edge_days = True
    if months:
        first, stop = months
        edge_days = period.start < first or stop <= period.end
        monthly = MonthlyUsage.objects.in_area(code).filter(month__gte=first, month__lt=stop)
        parts.append(_per_point(monthly, Sum("user_days"), Sum("active_days"), "max_daily_users"))
        edges = Q(day__gte=period.start, day__lt=first) | Q(day__gte=stop, day__lte=period.end)
    else:
        edges = Q(day__gte=period.start, day__lte=period.end)
    if edge_days:
        daily = DailyUsage.objects.in_area(code).filter(edges)
        parts.append(_per_point(daily, Sum("unique_users"), Count("pk"), "unique_users"))
    merged: dict[int, dict] = {}
    for part in parts:
        if point_pk is not None:
            part = part.filter(service_point_id=point_pk)
        for f in part:
            pk = f.pop("service_point_id")
            have = merged.get(pk)
            if have is None:
                merged[pk] = f
                continue
            for key in ("sessions", "user_days", "days", "bytes", "seconds"):
                have[key] += f[key]
            for key in ("peak", "users"):
                have[key] = max(have[key], f[key])
    return merged


def review(
    code: str = "",
    period: Period | None = None,
    thresholds: Thresholds | None = None,
    *,
    now: dt.datetime | None = None,
    point_pk: int | None = None,
) -> Review:
    """The review of area ``code`` ("" is the country) over ``period``. Fourteen queries
    whatever the area's size; ``point_pk`` narrows it to one point (its evidence page)."""
    from pracharat.learning.models import Centre, Cohort, CohortStatus, Enrolment
    from pracharat.market.models import Order, OrderStatus
    from pracharat.network import contracts, sla
    from pracharat.network.models import Incident, MonthlyUsage, ServicePoint
    from pracharat.oversight.models import VillagePopulation
    from pracharat.volunteers.models import VolunteerActivity

    period = period or last_full_fiscal_year()
    thresholds = thresholds or Thresholds()
    previous = previous_period(period)
    now = now or timezone.now()
    lo, hi = period.bounds()
    until = min(hi, max(now, lo))

    points_qs = (
        ServicePoint.objects.in_area(code)
        .in_service()
        .filter(Q(installed_on__isnull=True) | Q(installed_on__lte=period.end))
        .filter(Q(contract_end__isnull=True) | Q(contract_end__gte=period.start))
        .order_by()
    )
    if point_pk is not None:
        points_qs = points_qs.filter(pk=point_pk)
    # 1. the points
    rows: dict[int, Row] = {}
    by_village: dict[str, list[Row]] = defaultdict(list)
    providers: dict[tuple, str] = {}  # the provider's name in the reader's language
    for (
        pk, point_code, place, village, lat, lon, programme, installed, contract_end, status,
        slug, name_th, name_en,
    ) in points_qs.values_list(
        "pk", "code", "place_name", "village_id", "latitude", "longitude", "programme",
        "installed_on", "contract_end", "status",
        "provider__slug", "provider__name_th", "provider__name_en",
    ):  # fmt: skip
        if (name_th, name_en) not in providers:
            providers[name_th, name_en] = localised(name_th or "", name_en or "")
        row = Row(
            kind="point",
            pk=pk,
            code=point_code,
            name=place,
            area_code=str(village),
            programme=programme,
            provider=providers[name_th, name_en],
            provider_slug=slug or "",
            latitude=lat,
            longitude=lon,
            contract_end=contract_end,
            status=status,
            days_in_service=_in_period(period, installed, contract_end),
        )
        rows[pk] = row
        by_village[row.area_code].append(row)

    # 2, 3. use over the period and the previous one's user-days, from the rollups
    for pk, f in usage(code, period, point_pk).items():
        row = rows.get(pk)
        if row is None:
            continue
        row.sessions, row.user_days, row.active_days = f["sessions"], f["user_days"], f["days"]
        row.bytes, row.session_seconds = f["bytes"], f["seconds"]
        row.peak_concurrent, row.unique_users = f["peak"], f["users"]
    for pk, f in usage(code, previous, point_pk).items():
        if pk in rows:
            rows[pk].previous_user_days = f["user_days"]

    # 4. costs: the months' rates (one query: the contract ends are the points' own)
    ends = {pk: r.contract_end for pk, r in rows.items()}
    for pk, months in contracts.monthly_costs(
        points_qs, period.start, period.end, ends=ends
    ).items():
        if pk in rows:
            rows[pk].cost = sum(months.values(), Decimal(0))
            rows[pk].months_costed = len(months)

    # 6. incidents touching the period: down time, incidents opened, SLA misses
    incidents = sla.touching(Incident.objects.in_area(code), lo, hi).order_by()
    if point_pk is not None:
        incidents = incidents.filter(service_point_id=point_pk)
    for pk, source, opened, resolved, due in incidents.values_list(
        "service_point_id", "source", "opened_at", "resolved_at", "sla_due"
    ):
        row = rows.get(pk)
        if row is None:
            continue
        row.down_seconds += sla.down_seconds(source, opened, resolved, lo, until)
        if not (lo <= opened < hi):
            continue
        row.incidents += 1
        if sla.missed_sla(resolved, due, until):
            row.sla_missed += 1

    # 7. registered population: the latest year not after the period's end
    be = thaidate.fiscal_year_of(period.end).be
    for village, pop, households in (
        VillagePopulation.objects.filter(area_code__in_area=code, year__lte=be)
        .order_by("village_id", "year")
        .values_list("village_id", "population", "households")
    ):
        for row in by_village.get(str(village), ()):
            row.population, row.households = pop, households

    # 8. centres
    centres: dict[int, Row] = {}
    if point_pk is None:
        for c in Centre.objects.in_area(code).order_by().only(
            "slug", "name_th", "name_en", "area_code", "service_point_id", "status",
            "latitude", "longitude", "kind",
        ):  # fmt: skip
            centres[c.pk] = Row(
                kind="centre",
                pk=c.pk,
                code=c.slug,
                name=c.name,
                area_code=c.area_code,
                programme=c.kind,
                latitude=c.latitude,
                longitude=c.longitude,
                point_id=c.service_point_id,
                status=c.status,
                days_in_service=period.days,
            )

    # 9. classes with a meeting in the period, at a point (directly or through its centre)
    cohorts = (
        Cohort.objects.exclude(status=CohortStatus.CANCELLED)
        .filter(sessions__starts_at__gte=lo, sessions__starts_at__lt=hi)
        .filter(area_code__in_area=code)
        .order_by()
        .values("pk", "service_point_id", "centre_id", "centre__service_point_id")
        .annotate(first=Min("sessions__starts_at"))
    )
    if point_pk is not None:
        cohorts = cohorts.filter(
            Q(service_point_id=point_pk) | Q(centre__service_point_id=point_pk)
        )
    venue: dict[int, list[Row]] = {}
    for c in cohorts:
        at = []
        point = rows.get(c["service_point_id"] or c["centre__service_point_id"])
        if point is not None:
            at.append(point)
            first = timezone.localtime(c["first"]).date()
            if point.first_class is None or first < point.first_class:
                point.first_class = first
        if c["centre_id"] in centres:
            at.append(centres[c["centre_id"]])
        for r in at:
            r.classes += 1
        venue[c["pk"]] = at

    # 10. their learners and the certificates issued in the period
    learners: dict[int, set[int]] = defaultdict(set)
    if venue:
        for cohort, learner, issued, revoked in (
            Enrolment.objects.filter(cohort_id__in=list(venue), status="registered")
            .order_by()
            .values_list(
                "cohort_id", "learner_id", "certificate__issued_on", "certificate__revoked_at"
            )
        ):
            for r in venue[cohort]:
                learners[id(r)].add(learner)
                if issued and revoked is None and period.start <= issued <= period.end:
                    r.certificates += 1
    for r in [*rows.values(), *centres.values()]:
        r.learners = len(learners.get(id(r), ()))

    # 11. volunteers' activities: at the point, else in its village
    activities = VolunteerActivity.objects.filter(
        area_code__in_area=code, date__gte=period.start, date__lte=period.end
    )
    for point, village, n, people in (
        activities.order_by()
        .values("service_point_id", "village_id")
        .annotate(n=Count("pk"), people=Sum("people_helped"))
        .values_list("service_point_id", "village_id", "n", "people")
    ):
        targets = [rows[point]] if point in rows else by_village.get(str(village), [])[:1]
        for r in targets:
            r.activities += n
            r.people_helped += people or 0

    # 12. the village groups' online income (paid orders' goods total)
    paid = Order.objects.filter(
        area_code__in_area=code,
        status__in=OrderStatus.paid_states(),
        paid_at__gte=lo,
        paid_at__lt=hi,
    )
    for village, income in (
        paid.order_by()
        .values("area_code")
        .annotate(s=Sum("subtotal"))
        .values_list("area_code", "s")
    ):
        for r in by_village.get(village[:8], ()):
            r.group_income += income or 0

    # 13. use per month of the points with classes: before and after the first one
    taught = [r for r in rows.values() if r.first_class]
    if taught:
        per_month: dict[int, dict[dt.date, int]] = defaultdict(dict)
        for pk, month, n in (
            MonthlyUsage.objects.filter(
                service_point_id__in=[r.pk for r in taught],
                month__gte=thaidate.month_start(period.start),
                month__lte=period.end,
            )
            .order_by()
            .values_list("service_point_id", "month", "user_days")
        ):
            per_month[pk][month] = n
        last = min(period.end, timezone.localtime(now).date())
        months = []
        month = thaidate.month_start(period.start)
        while month <= last:
            months.append(month)
            month = thaidate.next_month(month)
        for r in taught:
            class_month = thaidate.month_start(r.first_class)
            before_m = [m for m in months if m < class_month]
            after_m = [
                m
                for m in months
                if m > class_month and thaidate.next_month(m) <= last + dt.timedelta(1)
            ]
            if before_m and after_m:
                r.use_before_class = sum(per_month[r.pk].get(m, 0) for m in before_m) / len(
                    before_m
                )
                r.use_after_class = sum(per_month[r.pk].get(m, 0) for m in after_m) / len(after_m)

    # a centre's internet use is its linked point's
    for c in centres.values():
        point = rows.get(c.point_id)
        if point is not None:
            c.unique_users, c.user_days, c.active_days = (
                point.unique_users,
                point.user_days,
                point.active_days,
            )
            c.sessions, c.bytes = point.sessions, point.bytes

    everything = [*rows.values(), *centres.values()]
    for r in everything:
        decide(r, thresholds, period)
    everything.sort(key=lambda r: (r.kind != "point", r.area_code, r.code))
    return Review(code, period, previous, thresholds, everything)
