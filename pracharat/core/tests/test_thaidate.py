import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

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
