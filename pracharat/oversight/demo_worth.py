"""The worth review's demo (called by oversight's demo loader): Phitsanulok's points over
FY 2569 (Oct 2025 – Sep 2026) with a visible mix.

- Ban Khlong Mem (``NP-65060209``) well used: 25–40 users a day, two classes at the point as a
  training venue, the chili-paste group's orders paid online, a volunteer's help days; its rate
  goes from 1,000 to 900 baht in April 2026 (the cost history);
- five simulated points idle (a handful of days with use), three broken (outages of 40–80
  days), one under-used point where a class in March 2026 raised use afterwards (2 users a day
  before, 7 after), the others well used or under-used by a fixed pattern;
- the villages' registered population and households (year 2569).

Use is written as rollup rows (``DailyUsage`` upserted, then the monthly and area rows by
``network.rollups``), not as raw sessions: the review reads only rollups. A rebuild of the
rollups from sessions (``rollup_range`` over FY 2569) would therefore remove this history.
Idempotent: rows are upserted or found by natural keys; rerunning changes nothing.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from pracharat.core.lib import thaidate
from pracharat.core.numbers import Period

FY = 2569
KHLONG_MEM_CODE = "NP-65060209"
GROUP_CODE = "khlong-mem-chili"
IDLE, BROKEN, RAISED = range(0, 5), range(5, 8), 8
OUTAGE_SUMMARY = "จุดบริการไม่ตอบสนอง (ไฟฟ้าดับ/อุปกรณ์เสีย)"


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _days(period: Period) -> list[dt.date]:
    return [period.start + dt.timedelta(days=n) for n in range(period.days)]


def _plan(index: int, rng: random.Random, days: list[dt.date]) -> tuple[str, list[int], int]:
    """(what, users per day, outage days) of the ``index``-th simulated point."""
    if index in IDLE:
        used = set(rng.sample(range(len(days)), rng.randint(4, 25)))
        return "idle", [rng.randint(1, 3) if n in used else 0 for n in range(len(days))], 0
    if index in BROKEN:
        down, first = rng.randint(40, 80), rng.randint(20, 200)
        users = [0 if first <= n < first + down else rng.randint(8, 20) for n in range(len(days))]
        return "broken", users, down
    if index == RAISED:
        march = dt.date(2026, 3, 1)
        return "raised", [(2 if d < march else 7) for d in days], 0
    if index % 3 == 0:
        return "under_used", [rng.randint(1, 7) for _ in days], 0
    return "well_used", [rng.randint(9, 24) for _ in days], 0


def _usage(point, users_by_day: dict[dt.date, int]):
    from pracharat.network.models import DailyUsage

    rows = [
        DailyUsage(
            service_point=point,
            area_code=point.area_code,
            day=day,
            sessions=n + n // 2,
            unique_users=n,
            session_seconds=n * 2400,
            bytes_in=n * 12_000_000,
            bytes_out=n * 95_000_000,
            peak_concurrent=max(1, n // 4),
        )
        for day, n in users_by_day.items()
        if n
    ]
    DailyUsage.objects.bulk_create(
        rows,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["service_point", "day"],
        update_fields=[
            "sessions", "unique_users", "session_seconds", "bytes_in", "bytes_out",
            "peak_concurrent",
        ],
    )  # fmt: skip


def _outage(point, first: dt.date, days: int) -> None:
    from pracharat.network.models import Incident, IncidentSource, IncidentStatus

    opened = _at(first, 6)
    Incident.objects.get_or_create(
        service_point=point,
        opened_at=opened,
        source=IncidentSource.OUTAGE,
        defaults={
            "area_code": point.area_code,
            "agency": point.provider,
            "status": IncidentStatus.RESOLVED,
            "summary": OUTAGE_SUMMARY,
            "resolved_at": opened + dt.timedelta(days=days),
            "sla_due": opened + dt.timedelta(hours=24),
            "resolution": "เปลี่ยนอุปกรณ์",
        },
    )


def _learners(village, count: int, prefix: str) -> list:
    from pracharat.learning.models import AgeGroup, Learner, Occupation

    people = []
    occupations, ages = list(Occupation), list(AgeGroup)
    for n in range(count):
        learner, _ = Learner.objects.get_or_create(
            full_name=f"{prefix} {n + 1}",
            village=village,
            defaults={
                "occupation": occupations[n % len(occupations)],
                "age_group": ages[n % len(ages)],
                "consent_text": "ยินยอมให้เก็บข้อมูลเพื่อการอบรม (ข้อมูลสาธิต)",
                "consent_version": "demo",
            },
        )
        people.append(learner)
    return people


def _class(point, number: int, day: dt.date, learners: int, prefix: str) -> None:
    from pracharat.learning.models import ClassSession, Cohort, Course, Enrolment

    course = Course.objects.filter(slug="internet-basics").first() or Course.objects.first()
    if course is None:
        course, _ = Course.objects.get_or_create(
            slug="worth-demo-basics",
            defaults={"title_th": "อินเทอร์เน็ตเบื้องต้น", "topic": "basics", "hours": 6},
        )
    cohort, _ = Cohort.objects.get_or_create(
        course=course,
        number=number,
        defaults={"service_point": point, "status": "completed", "capacity": 30},
    )
    ClassSession.objects.get_or_create(
        cohort=cohort, starts_at=_at(day, 9), defaults={"ends_at": _at(day, 12)}
    )
    for learner in _learners(point.village, learners, prefix):
        Enrolment.objects.get_or_create(
            learner=learner, cohort=cohort, defaults={"channel": "walk_in"}
        )


def _orders(period: Period) -> int:
    from pracharat.market.models import Order, OrderStatus, ProducerGroup

    group = ProducerGroup.objects.filter(code=GROUP_CODE).select_related("village").first()
    if group is None:
        return 0
    sub = group.village.subdistrict
    made = 0
    for n in range(12):
        day = period.start + dt.timedelta(days=15 + 30 * n)
        amount = Decimal(360 + 40 * (n % 4))
        _order, created = Order.objects.get_or_create(
            number=f"WR69{n + 1:04d}",
            defaults={
                "group": group,
                "area_code": group.area_code,
                "status": OrderStatus.DELIVERED,
                "buyer_name": "ลูกค้าสาธิต",
                "buyer_phone": "0800000000",
                "address_line1": "99 ถนนสาธิต",
                "subdistrict": sub,
                "postcode": sub.postcode,
                "subtotal": amount,
                "shipping_fee": Decimal(50),
                "total": amount + 50,
                "paid_at": _at(day, 10),
                "shipped_at": _at(day + dt.timedelta(days=1), 10),
                "delivered_at": _at(day + dt.timedelta(days=3), 10),
            },
        )
        made += created
    return made


def _volunteering(point, period: Period) -> None:
    from pracharat.volunteers.models import ActivityKind, Volunteer, VolunteerActivity

    volunteer = Volunteer.objects.filter(postings__village_id=point.village_id).first()
    if volunteer is None:
        return
    for n in range(10):
        day = period.start + dt.timedelta(days=20 + 35 * n)
        VolunteerActivity.objects.get_or_create(
            volunteer=volunteer,
            date=day,
            kind=ActivityKind.HELPED_AT_POINT,
            village_id=point.village_id,
            defaults={"area_code": point.area_code, "service_point": point, "people_helped": 6},
        )


def load(stdout=None) -> None:
    from pracharat.network import contracts, rollups
    from pracharat.network.models import DailyUsage, Incident, ServicePoint
    from pracharat.network.simulate import SIM_PREFIX
    from pracharat.oversight.models import VillagePopulation

    khlong = ServicePoint.objects.filter(code=KHLONG_MEM_CODE).select_related("village").first()
    sims = list(
        ServicePoint.objects.filter(code__startswith=SIM_PREFIX, area_code__startswith="65")
        .in_service()
        .select_related("village", "provider")
        .order_by("code")
    )
    if khlong is None or len(sims) < 10:
        if stdout:
            stdout.write("worth review demo: skipped (the network demo's points are missing)")
        return
    period = Period.fiscal_year(FY)
    days = _days(period)
    rng = random.Random(14)
    with transaction.atomic():
        # The year is written whole each run (a point's plan may have changed since).
        DailyUsage.objects.filter(
            service_point__in=[khlong, *sims], day__gte=period.start, day__lte=period.end
        ).delete()
        lo, hi = period.bounds()
        Incident.objects.filter(
            service_point__in=[khlong, *sims], summary=OUTAGE_SUMMARY, opened_at__gte=lo,
            opened_at__lt=hi,
        ).delete()  # fmt: skip
        # Ban Khlong Mem: well used, a training venue, its rate lowered in April 2026.
        contracts.set_monthly_cost(khlong, Decimal("1000.00"), dt.date(2018, 6, 1))
        contracts.set_monthly_cost(khlong, Decimal("900.00"), dt.date(2026, 4, 1), "ต่อสัญญาใหม่")
        _usage(khlong, {d: rng.randint(25, 40) for d in days})
        _class(khlong, 91, dt.date(2026, 1, 15), 18, "ผู้เรียนคลองเมม")
        _class(khlong, 92, dt.date(2026, 6, 10), 14, "ผู้เรียนคลองเมม (2)")
        _volunteering(khlong, period)
        orders = _orders(period)
        kinds: dict[str, int] = {}
        for index, point in enumerate(sims):
            what, users, down = _plan(index, rng, days)
            kinds[what] = kinds.get(what, 0) + 1
            if not point.costs.exists():
                cost = point.monthly_cost or Decimal("1200.00")
                contracts.set_monthly_cost(point, cost, point.installed_on or dt.date(2018, 1, 1))
            _usage(point, dict(zip(days, users, strict=True)))
            if down:
                first = days[users.index(0)]
                _outage(point, first, down)
            if what == "raised":
                _class(point, 90, dt.date(2026, 3, 12), 12, f"ผู้เรียน {point.code}")
        for point in [khlong, *sims]:
            seed = random.Random(point.code)
            VillagePopulation.objects.update_or_create(
                village_id=point.village_id,
                year=FY,
                defaults={
                    "population": seed.randint(350, 1400),
                    "households": seed.randint(110, 420),
                    "source": "สำนักงานสถิติจังหวัดพิษณุโลก (ข้อมูลสาธิต)",
                },
            )
        ids = {p.pk for p in [khlong, *sims]}
        month = period.start
        while month <= period.end:
            rollups.recompute_months(month, ids)
            month = thaidate.next_month(month)
    districts = {p.area_code[:4] for p in [khlong, *sims]}
    for day in days:
        rollups.recompute_area_days(day, districts)
    if stdout:
        stdout.write(
            f"worth review demo: FY {FY} for {len(sims) + 1} Phitsanulok points "
            f"(Ban Khlong Mem well used; {kinds}), {orders} new orders of the chili group"
        )
