import datetime as dt
import itertools

from hypothesis import given
from hypothesis import strategies as st

from pracharat.core.lib import thaidate
from pracharat.core.lib.thaidate import fiscal_year, fiscal_year_of, thai_date, thai_month


def test_the_story_date_in_thai_buddhist_era():
    assert thai_date(dt.date(2020, 7, 23), weekday=True) == "วันพฤหัสบดีที่ 23 กรกฎาคม 2563"
    assert thai_date(dt.date(2020, 7, 23)) == "23 กรกฎาคม 2563"
    assert thai_date(dt.date(2020, 7, 22), short=True) == "22 ก.ค. 2563"
    assert thai_month(2026, 11) == "พฤศจิกายน 2569"


def test_fiscal_year_2563_runs_october_2019_to_september_2020():
    fy = fiscal_year(2563)
    assert (fy.start, fy.end) == (dt.date(2019, 10, 1), dt.date(2020, 9, 30))
    assert fy.label == "ปีงบประมาณ 2563"
    assert fiscal_year_of(dt.date(2019, 9, 30)).be == 2562
    assert fiscal_year_of(dt.date(2019, 10, 1)).be == 2563
    assert fiscal_year_of(dt.date(2020, 7, 23)).be == 2563


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2400, 12, 31)))
def test_every_day_falls_in_exactly_its_fiscal_year(day):
    fy = fiscal_year_of(day)
    assert fy.start <= day <= fy.end
    assert (fy.end - fy.start).days in (364, 365)
    assert fiscal_year(fy.be) == fy


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(5000, 12, 31)))
def test_month_start_and_next_month_bound_the_month(day):
    first = thaidate.month_start(day)
    after = thaidate.next_month(day)
    assert first.day == 1 and (first.year, first.month) == (day.year, day.month)
    assert first <= day < after and after.day == 1
    assert (after - dt.timedelta(days=1)).month == day.month


@given(
    st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(5000, 12, 31)),
    st.integers(min_value=-600, max_value=600),
)
def test_month_start_back_and_forth_is_month_arithmetic(day, back):
    month = thaidate.month_start(day, back)
    assert (day.year * 12 + day.month) - (month.year * 12 + month.month) == back
    assert thaidate.month_start(month, -back) == thaidate.month_start(day)


@given(
    st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(5000, 12, 31)),
    st.integers(min_value=1, max_value=48),
)
def test_last_months_are_consecutive_and_end_with_this_one(day, count):
    months = thaidate.last_months(day, count)
    assert len(months) == count and months[-1] == thaidate.month_start(day)
    assert all(thaidate.next_month(a) == b for a, b in itertools.pairwise(months))


def test_fiscal_year_2569_and_its_neighbours():
    fy = fiscal_year_of(dt.date(2025, 10, 1))
    assert (fy.be, fy.ce, fy.start, fy.end) == (
        2569,
        2026,
        dt.date(2025, 10, 1),
        dt.date(2026, 9, 30),
    )
    assert fiscal_year_of(dt.date(2026, 9, 30)) == fy
    assert fy.previous() == fiscal_year(2568) and fiscal_year_of(dt.date(2025, 9, 30)).be == 2568


@given(st.integers(min_value=1, max_value=9999))
def test_ce_year_reads_both_eras(year):
    ce = thaidate.ce_year(year)
    assert ce == (year - 543 if year > 2400 else year)
    assert thaidate.ce_year(ce + 543) == ce or ce + 543 <= 2400
