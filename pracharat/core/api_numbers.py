"""``/api/v1/areas/…/numbers``: every pillar's public numbers for an area and a period
(``core.numbers``). Aggregates only; no login needed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Path, Query, Router, Schema

from pracharat.core.api_schemas import period_query, with_errors
from pracharat.core.lib import thaidate
from pracharat.core.numbers import Period, area_numbers, period_from_query

router = Router(tags=["areas"])

AREA_PATTERN = r"^(?:\d{2}|\d{4}|\d{6}|\d{8})$"
#: The longest period asked at once: ten years (the programme began in 2017).
MAX_DAYS = 3653


PeriodQuery = period_query("the first day of end's fiscal year")


class NumberOut(Schema):
    key: str
    label: str
    value: int | Decimal | float | None = Field(
        description="count/bytes/seconds: integer; baht: decimal string; percent: 0-100 or null"
    )
    unit: str


class AreaNumbersOut(Schema):
    code: str = Field(description='DOPA area code; "" is the whole country')
    start: dt.date
    end: dt.date
    pillars: dict[str, list[NumberOut]]


def parse_period(query: PeriodQuery) -> Period:
    """The period asked for (default: the fiscal year to date); bad, reversed or longer than
    ten years is a 422."""
    return period_from_query(
        query.start,
        query.end,
        default_start=lambda end: thaidate.fiscal_year_of(end).start,
        max_days=MAX_DAYS,
    )


def _answer(code: str, query: PeriodQuery) -> dict:
    period = parse_period(query)
    numbers = area_numbers(code, period)
    return {
        "code": code,
        "start": period.start,
        "end": period.end,
        "pillars": {pillar: [n.as_dict() for n in figures] for pillar, figures in numbers.items()},
    }


@router.get(
    "/numbers",
    response=with_errors(AreaNumbersOut),
    summary="Every pillar's numbers for the whole country over a period",
)
def country_numbers(request, period: Query[PeriodQuery]):
    return _answer("", period)


@router.get(
    "/{code}/numbers",
    response=with_errors(AreaNumbersOut),
    summary="Every pillar's numbers for a province, district, sub-district or village",
)
def area_numbers_view(
    request, period: Query[PeriodQuery], code: str = Path(..., pattern=AREA_PATTERN)
):
    return _answer(code, period)
