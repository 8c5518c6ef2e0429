"""Oversight's numbers per area and period (the core.numbers contract): right figures at every
level, three queries whatever the area, and the batched read for every province."""

from __future__ import annotations

import datetime as dt

import pytest

from pracharat.core import numbers as core_numbers
from pracharat.core.numbers import Period
from pracharat.oversight import numbers
from pracharat.oversight.tests.reports_fixtures import *  # noqa: F403

pytestmark = pytest.mark.django_db

FY2563 = Period.fiscal_year(2563)
FY2564 = Period.fiscal_year(2564)


def figures(code, period=FY2563):
    return {n.key: n.value for n in numbers.area_numbers(code, period)}


@pytest.mark.parametrize(
    ("code", "expected"),
    # visits, findings, actions open, overdue, done and verified in the period
    [
        # the overdue and the in-progress actions are open; the verified one was done in FY 2564
        ("", (1, 2, 2, 1, 0, 0)),
        ("65", (1, 2, 2, 1, 0, 0)),
        # below the province only what was heard at Ban Khlong Mem counts
        ("6506", (1, 1, 1, 0, 0, 0)),
        ("65060209", (1, 1, 1, 0, 0, 0)),
        ("6501", (0, 0, 0, 0, 0, 0)),
        ("50", (0, 0, 0, 0, 0, 0)),
    ],
)  # fmt: skip
def test_figures_at_every_level(khlong_mem_visit, code, expected):
    assert figures(code) == dict(zip(numbers.KEYS, expected, strict=True))


def test_done_and_verified_count_in_their_period(khlong_mem_visit):
    later = figures("65", FY2564)
    assert (later["visits"], later["actions_done"], later["actions_verified"]) == (0, 1, 1)


def test_drafts_do_not_count(khlong_mem_visit):
    make_visit(status="draft", start=dt.date(2020, 8, 1), end=dt.date(2020, 8, 1))  # noqa: F405
    assert figures("65")["visits"] == 1


@pytest.mark.parametrize("code", ["", "65", "6506", "650602", "65060209"])
def test_three_queries_whatever_the_area(khlong_mem_visit, code, django_assert_num_queries):
    with django_assert_num_queries(3):
        numbers.area_numbers(code, FY2563)


def test_by_province_is_area_numbers_for_each(khlong_mem_visit, django_assert_num_queries):
    codes = ["65", "50", "10"]
    with django_assert_num_queries(3):
        batched = numbers.by_province(FY2563, codes)
    for code in codes:
        assert batched[code] == numbers.area_numbers(code, FY2563)


def test_registered_with_the_platform(khlong_mem_visit):
    assert core_numbers.area_numbers("65", FY2563)["oversight"] == numbers.area_numbers(
        "65", FY2563
    )


def test_actions_by_agency(khlong_mem_visit, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = numbers.actions_by_agency("65")
    by_slug = {r["short"]: r for r in rows}
    assert rows[0]["short"] == "mdes-phitsanulok"  # the overdue one first
    assert (by_slug["mdes-phitsanulok"]["open"], by_slug["mdes-phitsanulok"]["overdue"]) == (1, 1)
    assert by_slug["post-phitsanulok"] == {**by_slug["post-phitsanulok"], "open": 1,
                                           "overdue": 0, "closed": 1, "total": 2}  # fmt: skip
    assert numbers.actions_by_agency("50") == []
