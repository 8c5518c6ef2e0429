"""The worth review's computation on simulated data whose truth is known by construction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db.models import F, Max, Sum

from pracharat.core.numbers import Period
from pracharat.network.models import DailyUsage, MonthlyUsage
from pracharat.oversight import worth
from pracharat.oversight.tests.worth_fixtures import PERIOD, at, outage, simulated_province

pytestmark = pytest.mark.django_db


@pytest.fixture
def truth(geography):
    return simulated_province()


def test_every_point_is_classed_as_constructed(truth):
    result = worth.review("65", PERIOD)
    got = {r.pk: r.klass for r in result.points}
    assert got == {t.point.pk: t.klass for t in truth}
    assert result.counts() == {"well_used": 6, "under_used": 6, "idle": 6, "broken": 6}
    recommended = {r.klass: set() for r in result.points}
    for r in result.points:
        recommended[r.klass].add(r.recommendation)
        assert r.evidence and all(th and en for th, en in r.evidence)
    assert recommended["broken"] == {"repair"}
    assert recommended["well_used"] == {"keep"}
    assert recommended["under_used"] == {"promote"}
    assert recommended["idle"] == {"relocate"}  # no class, activity or sales in those villages


def test_totals_match_the_usage_rollups_exactly(truth):
    result = worth.review("65", PERIOD)
    daily = DailyUsage.objects.in_area("65").between(PERIOD.start, PERIOD.end)
    expected = daily.aggregate(
        s=Sum("sessions"), u=Sum("unique_users"), b=Sum(F("bytes_in") + F("bytes_out"))
    )
    monthly = MonthlyUsage.objects.in_area("65").between(PERIOD.start, PERIOD.end)
    assert monthly.aggregate(u=Sum("user_days"))["u"] == expected["u"]
    totals = result.totals
    assert (totals["sessions"], totals["user_days"], totals["bytes"]) == (
        expected["s"],
        expected["u"],
        expected["b"],
    )
    assert totals["active_days"] == daily.count()
    for t in truth:
        row = next(r for r in result.points if r.pk == t.point.pk)
        assert row.user_days == sum(t.daily)
        assert row.active_days == sum(1 for n in t.daily if n)
        assert row.unique_users == max(t.daily)
        assert (
            row.peak_concurrent
            == daily.filter(service_point=t.point).aggregate(m=Max("peak_concurrent"))["m"]
        )
        # twelve months at the point's one rate
        assert row.months_costed == 12
        assert row.cost == 12 * t.point.costs.get().monthly_cost
        assert row.reach_population == round(100 * max(t.daily) / row.population, 1)
    assert totals["cost"] == sum(12 * t.point.costs.get().monthly_cost for t in truth)


def test_broken_points_uptime_from_their_outages(truth):
    result = worth.review("65", PERIOD)
    for t in truth:
        row = next(r for r in result.points if r.pk == t.point.pk)
        if t.klass == "broken":
            down_days = sum(1 for n in t.daily if n == 0)
            assert row.uptime == round(100 * (1 - down_days / 365), 2)
            assert row.incidents == 1 and row.sla_missed == 1
        else:
            assert row.uptime == 100.0


def test_a_threshold_moved_changes_classes_as_the_sensitivity_table_predicted(truth):
    base = worth.review("65", PERIOD)
    table = base.sensitivity()
    assert {(s["threshold"], s["factor"]) for s in table} == {
        (name, f) for name in worth.SENSITIVE for f in (0.8, 1.2)
    }
    for entry in table:
        moved = worth.Thresholds().moved(entry["threshold"], entry["factor"])
        again = worth.review("65", PERIOD, moved)
        assert [(r.kind, r.pk) for r in again.rows] == [(r.kind, r.pk) for r in base.rows]
        changed = sum(1 for a, b in zip(base.rows, again.rows, strict=True) if a.klass != b.klass)
        assert again.counts() == entry["counts"], entry
        assert changed == entry["changed"], entry
    # by construction: three well-used points at 11 users a day fall under 12 (+20 %)
    up = next(s for s in table if (s["threshold"], s["factor"]) == ("well_used_daily_users", 1.2))
    assert up["changed"] == 3
    assert up["counts"]["well_used"] == 3 and up["counts"]["under_used"] == 9


def test_the_previous_period_and_the_change(truth):
    point = truth[1].point  # under-used
    previous = worth.previous_period(PERIOD)
    assert previous == Period.fiscal_year(2567)
    from pracharat.oversight.tests.worth_fixtures import write_usage

    write_usage(point, {previous.start + dt.timedelta(days=n): 2 for n in range(100)})
    row = worth.review("65", PERIOD, point_pk=point.pk).points[0]
    assert row.previous_user_days == 200
    assert row.change == round(100 * (sum(truth[1].daily) - 200) / 200, 1)


def test_a_class_that_raised_use_is_in_the_evidence(geography):
    from pracharat.learning.models import ClassSession, Cohort, Course, Enrolment, Learner
    from pracharat.oversight.tests.worth_fixtures import (
        make_point,
        phitsanulok_villages,
        write_usage,
    )

    village = phitsanulok_villages(1)[0]
    point = make_point("NP-CLASS", village)
    days = [PERIOD.start + dt.timedelta(days=n) for n in range(365)]
    march = dt.date(2025, 3, 1)
    write_usage(point, {d: (2 if d < march else 8) for d in days})
    course = Course.objects.create(
        slug="basic", title_th="อินเทอร์เน็ตเบื้องต้น", topic="basics", hours=Decimal(6)
    )
    cohort = Cohort.objects.create(course=course, number=1, service_point=point, status="completed")
    ClassSession.objects.create(cohort=cohort, starts_at=at(dt.date(2025, 3, 10)),
                                ends_at=at(dt.date(2025, 3, 10), 12))  # fmt: skip
    for n in range(3):
        learner = Learner.objects.create(
            full_name=f"ผู้เรียน {n}", occupation="farmer", age_group="25_39", village=village,
            consent_text="ยินยอม", consent_version="1",
        )  # fmt: skip
        Enrolment.objects.create(learner=learner, cohort=cohort, channel="walk_in")
    row = worth.review("65", PERIOD, point_pk=point.pk).points[0]
    assert row.klass == "under_used" and row.recommendation == "promote"
    assert (row.classes, row.learners) == (1, 3)
    assert row.use_before_class == pytest.approx(2 * 151 / 5)  # Oct–Feb
    assert row.use_after_class == pytest.approx(8 * 183 / 6)  # Apr–Sep
    assert row.class_raised_use
    assert row.cost_per_learner == Decimal("4000.00")
    assert any("การอบรมได้ผล" in th and "training works" in en for th, en in row.evidence)
    # one rule decides both the flag and the sentence: 8/2 a day is 4×, short of a factor of 5
    strict = worth.review(
        "65", PERIOD, worth.Thresholds(raised_factor=5), point_pk=point.pk
    ).points[0]
    assert not strict.class_raised_use
    assert not any("การอบรมได้ผล" in th for th, _ in strict.evidence)


def test_an_idle_point_in_an_active_village_is_promoted_and_a_contract_end_hands_over(truth):
    from pracharat.volunteers.models import VolunteerActivity

    idle = next(t.point for t in truth if t.klass == "idle")
    well = next(t.point for t in truth if t.klass == "well_used")
    well.contract_end = PERIOD.end + dt.timedelta(days=60)
    well.save()
    from pracharat import testing

    record = testing.volunteer_record(villages=(str(idle.village_id),))
    VolunteerActivity.objects.create(
        volunteer=record,
        kind="community",
        date=dt.date(2025, 5, 1),
        village_id=idle.village_id,
        area_code=idle.village_id,
    )
    result = worth.review("65", PERIOD)
    rows = {r.pk: r for r in result.points}
    assert rows[idle.pk].recommendation == "promote"
    assert rows[idle.pk].activities == 1
    assert rows[well.pk].recommendation == "hand_over"


def test_outages_outside_the_period_are_clipped(truth):
    point = next(t.point for t in truth if t.klass == "under_used")
    outage(point, at(PERIOD.end), 48)  # 15 hours inside the period, the rest after
    row = worth.review("65", PERIOD, point_pk=point.pk).points[0]
    assert row.down_hours == 15.0


def test_a_fixed_number_of_queries_whatever_the_area(truth, django_assert_max_num_queries):
    with django_assert_max_num_queries(14):
        worth.review("65", PERIOD)
    with django_assert_max_num_queries(14):
        worth.review("", PERIOD)


@pytest.mark.parametrize(
    "start, end, tables",
    [
        (PERIOD.start, PERIOD.end, {"network_monthlyusage"}),  # the fiscal year: months only
        (
            dt.date(2024, 10, 17),
            dt.date(2025, 3, 9),
            {"network_monthlyusage", "network_dailyusage"},
        ),
        (
            dt.date(2024, 11, 1),
            dt.date(2025, 2, 14),
            {"network_monthlyusage", "network_dailyusage"},
        ),
        (dt.date(2025, 1, 5), dt.date(2025, 1, 31), {"network_dailyusage"}),  # inside one month
        (dt.date(2025, 1, 20), dt.date(2025, 2, 10), {"network_dailyusage"}),  # no whole month
        (dt.date(2025, 2, 1), dt.date(2025, 2, 28), {"network_monthlyusage"}),
    ],
)
def test_usage_from_whole_months_and_edge_days_equals_the_daily_rows(truth, start, end, tables):
    """The review reads MonthlyUsage for the months wholly inside the period and DailyUsage for
    the days around them; every figure equals the one GROUP BY over the daily rows."""
    from django.db import connection
    from django.db.models import Count
    from django.test.utils import CaptureQueriesContext

    period = Period(start, end)
    with CaptureQueriesContext(connection) as read:
        got = worth.usage("65", period)
    assert {t for q in read.captured_queries for t in tables if t in q["sql"]} == tables
    assert len(read.captured_queries) == len(tables)
    expected = {
        f.pop("service_point_id"): f
        for f in DailyUsage.objects.in_area("65")
        .filter(day__gte=start, day__lte=end)
        .order_by()
        .values("service_point_id")
        .annotate(
            sessions=Sum("sessions"),
            user_days=Sum("unique_users"),
            days=Count("pk"),
            bytes=Sum(F("bytes_in") + F("bytes_out")),
            seconds=Sum("session_seconds"),
            peak=Max("peak_concurrent"),
            users=Max("unique_users"),
        )
    }
    assert expected and got == expected


def test_whole_months_of_a_period():
    assert worth.whole_months(PERIOD) == (PERIOD.start, dt.date(2025, 10, 1))
    assert worth.whole_months(Period(dt.date(2025, 1, 2), dt.date(2025, 2, 27))) is None
    assert worth.whole_months(Period(dt.date(2024, 12, 31), dt.date(2025, 2, 28))) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 3, 1),
    )
