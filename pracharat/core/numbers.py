"""Numbers per area and period: the read contract every pillar offers to dashboards, the home
page, the worth review and ``/api/v1/areas/{code}/numbers``.

A pillar registers one function in its ``AppConfig.ready()``::

    registry.area_numbers("network", numbers.area_numbers)

``fn(code, period) -> list[Number]`` answers for any area code ("" is the whole country, then
province, district, sub-district, village) and any :class:`Period`. The rules it keeps:

- public aggregates only: counts, sums and shares, never a row, a name or a contact;
- the same keys in the same order whatever the area or period (zeros, or ``None`` for a share
  with nothing to divide by), so callers can lay pillars and areas side by side;
- a fixed number of queries, the same for a village and the country (each pillar's tests
  assert its budget), read from rollups or indexed area ranges, never by walking rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from pracharat.core import registry
from pracharat.core.errors import Invalid
from pracharat.core.lib import area, thaidate

#: What a :attr:`Number.unit` may be.
UNITS = {
    "count": "a whole number of things",
    "bytes": "bytes (octets)",
    "seconds": "seconds",
    "baht": "Thai baht, two decimals (a Decimal)",
    "percent": "a share from 0 to 100, one decimal (None when there is nothing to divide by)",
}


@dataclass(frozen=True)
class Number:
    """One figure: ``key`` is stable (``"sessions"``), ``label`` is for people (translated)."""

    key: str
    label: str
    value: int | float | Decimal | None
    unit: str = "count"

    def __post_init__(self):
        if self.unit not in UNITS:
            raise ValueError(f"unit {self.unit!r} is not one of {sorted(UNITS)}")

    def as_dict(self) -> dict:
        """The figure for JSON: the label as text in the reader's language (it may be lazy)."""
        return {"key": self.key, "label": str(self.label), "value": self.value, "unit": self.unit}


@dataclass(frozen=True)
class Period:
    """Local (Asia/Bangkok) days ``start`` to ``end``, both included."""

    start: dt.date
    end: dt.date

    def __post_init__(self):
        if self.start > self.end:
            raise ValueError(f"a period cannot end ({self.end}) before it starts ({self.start})")

    @classmethod
    def day(cls, day: dt.date) -> Period:
        return cls(day, day)

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        first = dt.date(year, month, 1)
        following = dt.date(year + month // 12, month % 12 + 1, 1)
        return cls(first, following - dt.timedelta(days=1))

    @classmethod
    def fiscal_year(cls, be: int) -> Period:
        """Thai government fiscal year named by its BE year: 2568 = 1 Oct 2024 – 30 Sep 2025."""
        year = thaidate.fiscal_year(be)
        return cls(year.start, year.end)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """``[first midnight, the midnight after the last day)`` as aware datetimes in the
        current time zone: filter timestamps with ``__gte`` the first and ``__lt`` the second."""
        zone = timezone.get_current_timezone()
        start = dt.datetime.combine(self.start, dt.time.min, tzinfo=zone)
        end = dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        return start, end

    def until(self, day: dt.date) -> Period | None:
        """The part of the period up to ``day`` (None if it starts later): what can have
        happened yet, e.g. the days a share of days online is taken over."""
        if day < self.start:
            return None
        return Period(self.start, min(self.end, day))


def share(part, whole) -> float | None:
    """``part`` of ``whole`` in percent, one decimal; None when ``whole`` is 0."""
    if not whole:
        return None
    return round(100 * part / whole, 1)


def area_numbers(code: str, period: Period) -> dict[str, list[Number]]:
    """Every pillar's numbers for one area and period: ``{pillar: [Number, ...]}`` in the
    order the pillars registered. Raises ``BadAreaCode`` for a malformed code."""
    code = area.clean(code)
    return {pillar: list(fn(code, period)) for pillar, fn in registry.area_number_sources}


def by_province(
    period: Period, codes: list[str], batched_only: bool = False
) -> dict[str, dict[str, list[Number]]]:
    """Every pillar's numbers for many provinces at once (a national table):
    ``{pillar: {province code: [Number, ...]}}``, the same figures as :func:`area_numbers`
    gives for each code. A pillar that registered ``registry.province_numbers`` answers in its
    fixed number of queries, grouped by province in the database; one that did not is asked
    once per province (its budget times ``len(codes)``), or left out with ``batched_only``."""
    codes = [area.clean(code) for code in codes]
    if any(len(code) != 2 for code in codes):
        raise ValueError("by_province takes two-digit province codes")
    result = {}
    for pillar, fn in registry.area_number_sources:
        batched = registry.province_number_sources.get(pillar)
        if batched is not None:
            answers = batched(period, codes)
            result[pillar] = {code: list(answers[code]) for code in codes}
        elif not batched_only:
            result[pillar] = {code: list(fn(code, period)) for code in codes}
    return result


#: The dates an API period may name: Net Pracharat began in 2017; anything far outside the
#: programme's life is a mistake.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2100, 12, 31)


def _day(value: str, field: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError as exc:
        raise Invalid(_("Give start and end as real dates (YYYY-MM-DD)."), field=field) from exc
    if not EARLIEST <= day <= LATEST:
        raise Invalid(
            _("Dates must be between %(earliest)s and %(latest)s.")
            % {"earliest": EARLIEST, "latest": LATEST},
            field=field,
        )
    return day


def period_from_query(start: str | None, end: str | None, *, default_start, max_days: int):
    """The period an API query asks for (ISO dates, both optional): ``end`` defaults to today,
    ``start`` to ``default_start(end)``. A bad, out-of-range, reversed or too long period is
    an :class:`~pracharat.core.errors.Invalid` (422) naming the field, in the reader's language.
    """
    last = _day(end, "end") if end else timezone.localdate()
    first = _day(start, "start") if start else default_start(last)
    if first > last:
        raise Invalid(_("The start must be on or before the end."), field="start")
    if (last - first).days + 1 > max_days:
        raise Invalid(
            _("Ask for at most %(days)d days at a time.") % {"days": max_days}, field="end"
        )
    return Period(first, last)
