"""The worth review's demo: Phitsanulok FY 2569 with a visible mix, idempotent."""

from __future__ import annotations

import pytest

from pracharat.core.numbers import Period
from pracharat.network import simulate
from pracharat.network.demo import khlong_mem_point
from pracharat.network.models import DailyUsage, Incident
from pracharat.oversight import demo_worth, worth

pytestmark = pytest.mark.django_db


def test_the_demo_shows_the_mix_and_a_rerun_changes_nothing(ban_khlong_mem):
    khlong = khlong_mem_point()
    simulate.create_points(["65"], 14, seed=65)
    demo_worth.load()
    counts = (DailyUsage.objects.count(), Incident.objects.count())
    result = worth.review("65", Period.fiscal_year(2569))
    rows = {r.code: r for r in result.points}
    assert rows[khlong.code].klass == "well_used"
    assert rows[khlong.code].classes == 2 and rows[khlong.code].learners == 32
    assert rows[khlong.code].months_costed == 12
    assert rows[khlong.code].cost == 6 * 1000 + 6 * 900
    got = result.counts()
    assert got["idle"] == 5 and got["broken"] == 3 and got["well_used"] >= 1
    raised = [r for r in result.points if r.first_class and r.code != khlong.code]
    assert len(raised) == 1 and raised[0].klass == "under_used" and raised[0].class_raised_use
    assert raised[0].recommendation == "promote"
    demo_worth.load()
    assert (DailyUsage.objects.count(), Incident.objects.count()) == counts
    again = worth.review("65", Period.fiscal_year(2569))
    assert [(r.code, r.klass) for r in again.rows] == [(r.code, r.klass) for r in result.rows]
