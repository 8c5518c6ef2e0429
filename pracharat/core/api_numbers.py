"""``/api/v1/areas/…/numbers``: every pillar's public numbers for an area and a period
(``core.numbers``). Aggregates only; no login needed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema

from pracharat.core.api_schemas import with_errors
from pracharat.core.lib import thaidate
from pracharat.core.numbers import Period, area_numbers

router = Router(tags=["areas"])

DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
AREA_PATTERN = r"^(?:\d{2}|\d{4}|\d{6}|\d{8})$"
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)
#: The longest period asked at once: ten years (the programme began in 2017).
MAX_DAYS = 3653


class PeriodQuery(Schema):
    # Strings, not ``date``: pydantic would take a number as a Unix time.
    start: str | None = Field(
        None,
        pattern=DATE_PATTERN,
        description="First day (YYYY-MM-DD); default the first day of end's fiscal year",
        json_schema_extra={"format": "date"},
    )
    end: str | None = Field(
        None,
        pattern=DATE_PATTERN,
        description="Last day (YYYY-MM-DD), inclusive; default today",
        json_schema_extra={"format": "date"},
    )


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


def _day(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise ValidationError("start and end must be real dates (YYYY-MM-DD)") from exc
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(f"dates must be between {EARLIEST} and {LATEST}")
    return day


def parse_period(query: PeriodQuery) -> Period:
    """The period asked for; bad, reversed or longer than ten years is a 422."""
    end = _day(query.end) if query.end else timezone.localdate()
    start = _day(query.start) if query.start else thaidate.fiscal_year_of(end).start
    if start > end:
        raise ValidationError("start must be on or before end")
    period = Period(start, end)
    if period.days > MAX_DAYS:
        raise ValidationError(f"ask for at most {MAX_DAYS} days at a time")
    return period


def _answer(code: str, query: PeriodQuery) -> dict:
    period = parse_period(query)
    numbers = area_numbers(code, period)
    return {
        "code": code,
        "start": period.start,
        "end": period.end,
        "pillars": {
            pillar: [
                {"key": n.key, "label": str(n.label), "value": n.value, "unit": n.unit}
                for n in figures
            ]
            for pillar, figures in numbers.items()
        },
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
