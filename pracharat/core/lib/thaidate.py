"""Thai calendar helpers: Buddhist Era dates, calendar months and the Thai government fiscal
year. The one place for them: pages reach them through ``core.i18n`` (the active language),
code that needs periods (rollups, dashboards, reports) calls these directly.

BE = CE + 543. The fiscal year runs 1 October to 30 September and is named by the BE year it
ends in: FY 2563 = 1 Oct 2019 – 30 Sep 2020 (Budget Procedure Act B.E. 2561, section 4).
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

BE_OFFSET = 543

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)
THAI_MONTHS_SHORT = (
    "ม.ค.",
    "ก.พ.",
    "มี.ค.",
    "เม.ย.",
    "พ.ค.",
    "มิ.ย.",
    "ก.ค.",
    "ส.ค.",
    "ก.ย.",
    "ต.ค.",
    "พ.ย.",
    "ธ.ค.",
)
# datetime.weekday(): Monday is 0.
THAI_WEEKDAYS = ("จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์", "อาทิตย์")


def be_year(day: dt.date) -> int:
    return day.year + BE_OFFSET


def ce_year(year: int) -> int:
    """A year as written in Thailand, BE or CE, as CE: a year past 2400 is Buddhist Era
    (2400 BE was 1857 CE, before any date this system holds)."""
    return year - BE_OFFSET if year > 2400 else year


# -- calendar months: a month is the date of its first day ----------------------------------


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of ``day``'s month, or of the month ``back`` months earlier (a negative
    ``back`` goes forward)."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def next_month(month: dt.date) -> dt.date:
    """The first day of the month after ``month``'s (an exclusive upper bound)."""
    return month_start(month, -1)


def last_months(day: dt.date, count: int) -> list[dt.date]:
    """The ``count`` months up to and including ``day``'s, oldest first."""
    return [month_start(day, back) for back in range(count - 1, -1, -1)]


def thai_date(day: dt.date, *, weekday: bool = False, short: bool = False) -> str:
    """``23 กรกฎาคม 2563``; with ``weekday``: ``วันพฤหัสบดีที่ 23 กรกฎาคม 2563``;
    with ``short``: ``23 ก.ค. 2563``."""
    months = THAI_MONTHS_SHORT if short else THAI_MONTHS
    text = f"{day.day} {months[day.month - 1]} {be_year(day)}"
    if weekday:
        text = f"วัน{THAI_WEEKDAYS[day.weekday()]}ที่ {text}"
    return text


def thai_datetime(moment: dt.datetime, *, short: bool = True) -> str:
    return f"{thai_date(moment.date(), short=short)} {moment:%H:%M} น."


def thai_month(year: int, month: int) -> str:
    """``กรกฎาคม 2563`` for (2020, 7)."""
    return f"{THAI_MONTHS[month - 1]} {year + BE_OFFSET}"


class FiscalYear(NamedTuple):
    be: int  # e.g. 2563
    start: dt.date  # first day, 1 October
    end: dt.date  # last day, 30 September

    @property
    def label(self) -> str:
        return f"ปีงบประมาณ {self.be}"

    @property
    def ce(self) -> int:
        """The CE year it ends in, as English texts name it: FY 2563 is FY 2020."""
        return self.be - BE_OFFSET

    def previous(self) -> FiscalYear:
        return fiscal_year(self.be - 1)


def fiscal_year(be: int) -> FiscalYear:
    """The fiscal year named ``be`` (Buddhist Era): FY 2563 = 2019-10-01 .. 2020-09-30."""
    ce_end = be - BE_OFFSET
    return FiscalYear(be, dt.date(ce_end - 1, 10, 1), dt.date(ce_end, 9, 30))


def fiscal_year_of(day: dt.date) -> FiscalYear:
    """The fiscal year that contains ``day``."""
    ce_end = day.year + 1 if day.month >= 10 else day.year
    return fiscal_year(ce_end + BE_OFFSET)
