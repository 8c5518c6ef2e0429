"""Dashboards: every pillar's figures for an area and a fiscal year, joined through the
platform's read contract (``core.numbers``), and oversight's own open and overdue actions by
agency.

- :func:`area_dashboard` — the country, a province, district, sub-district or village: each
  pillar's numbers (``core.numbers.area_numbers``: a fixed budget per pillar), the areas one
  level down to drill into, and the actions by owner agency (one grouped query).
- :func:`national_table` — one row per province, every pillar side by side, read with
  ``core.numbers.by_province`` (each pillar's batched read: a fixed number of queries for the
  77 provinces, not 77 times its budget).

Pillars are read by key and shown when present: a pillar registered later (learning,
volunteers) appears with its own numbers and labels, no change here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pracharat.core import numbers as core_numbers
from pracharat.core import registry
from pracharat.core.collation import by_name
from pracharat.core.lib import area, thaidate
from pracharat.core.numbers import Number, Period
from pracharat.geo.models import District, Province, SubDistrict, Village

#: How pillars are named on the dashboards; a pillar not listed shows its registered name.
PILLAR_LABELS = {
    "network": _("Village Wi-Fi"),
    "market": _("Community market"),
    "learning": _("Learning"),
    "volunteers": _("Volunteers"),
    "oversight": _("Oversight"),
}

#: The columns of the national table on the page, per pillar (the files carry every key).
#: A pillar not listed shows all of its numbers.
NATIONAL_COLUMNS = {
    "network": ["points", "online_share", "user_days", "incidents_opened", "sla_met_share"],
    "market": ["groups", "orders", "revenue"],
    "oversight": ["visits", "findings", "actions_open", "actions_overdue"],
}


def pillar_label(pillar: str) -> str:
    return str(PILLAR_LABELS.get(pillar, pillar))


def fiscal_period(be: int | None = None, today: dt.date | None = None):
    """``(fiscal year, period)``: the fiscal year named by ``be`` (default: the current one),
    and its days up to today (all of it when it is over)."""
    today = today or timezone.localdate()
    year = thaidate.fiscal_year(be) if be else thaidate.fiscal_year_of(today)
    if year.start > today:
        raise Http404
    return year, Period(year.start, min(year.end, today))


def fiscal_year_from(request) -> int | None:
    value = request.GET.get("fy", "")
    if not value:
        return None
    if not value.isdigit() or not 2560 <= int(value) <= 2643:
        raise Http404
    return int(value)


def recent_fiscal_years(today: dt.date | None = None, count: int = 5) -> list:
    """The current fiscal year and the ones before it, newest first (the year picker)."""
    year = thaidate.fiscal_year_of(today or timezone.localdate())
    years = []
    for _n in range(count):
        years.append(year)
        year = year.previous()
    return years


@dataclass
class PillarNumbers:
    pillar: str
    label: str
    numbers: list[Number]

    def get(self, key: str) -> Number | None:
        return next((n for n in self.numbers if n.key == key), None)


@dataclass
class AreaDashboard:
    code: str
    place: object | None
    year: thaidate.FiscalYear
    period: Period
    pillars: list[PillarNumbers]
    crumbs: list[tuple[str, str]]
    children: list = field(default_factory=list)
    by_agency: list[dict] = field(default_factory=list)

    @property
    def level(self) -> int:
        return len(self.code)

    def number(self, pillar: str, key: str):
        for p in self.pillars:
            if p.pillar == pillar:
                found = p.get(key)
                return found.value if found else None
        return None


def place_of(code: str):
    """The geography row for ``code`` ("" is the country: None); 404 when there is none."""
    if code == "":
        return None
    if len(code) == 2:
        return get_object_or_404(Province, code=code)
    if len(code) == 4:
        return get_object_or_404(District.objects.select_related("province"), code=code)
    if len(code) == 6:
        return get_object_or_404(
            SubDistrict.objects.select_related("district__province"), code=code
        )
    return get_object_or_404(
        Village.objects.select_related("subdistrict__district__province"), code=code
    )


def crumbs_of(place) -> list[tuple[str, str]]:
    """``(code, name)`` of the areas above ``place``, outermost first (no query: the place
    was read with its parents)."""
    chain = []
    parent_of = {Village: "subdistrict", SubDistrict: "district", District: "province"}
    while place is not None and type(place) in parent_of:
        place = getattr(place, parent_of[type(place)])
        chain.append(place)
    return [(p.code, p.name) for p in reversed(chain)]


def children_of(code: str, place) -> list:
    """The areas one level down (one query): provinces, districts, sub-districts, villages."""
    if code == "":
        return list(Province.objects.order_by(*by_name()))
    if len(code) == 2:
        return list(place.districts.order_by(*by_name()))
    if len(code) == 4:
        return list(place.subdistricts.order_by(*by_name()))
    if len(code) == 6:
        return list(place.villages.order_by("moo"))
    return []


def _pillars(figures: dict[str, list[Number]]) -> list[PillarNumbers]:
    return [PillarNumbers(p, pillar_label(p), numbers) for p, numbers in figures.items()]


def area_dashboard(code: str, be: int | None = None) -> AreaDashboard:
    """Everything an area's dashboard shows; its queries are the place, its children, each
    pillar's fixed budget and one grouped query of actions by agency, whatever the area."""
    try:
        code = area.clean(code)
    except area.BadAreaCode as exc:
        raise Http404 from exc
    year, period = fiscal_period(be)
    place = place_of(code)
    from pracharat.oversight import numbers as oversight_numbers

    return AreaDashboard(
        code=code,
        place=place,
        year=year,
        period=period,
        pillars=_pillars(core_numbers.area_numbers(code, period)),
        crumbs=crumbs_of(place),
        children=children_of(code, place),
        by_agency=oversight_numbers.actions_by_agency(code),
    )


@dataclass
class NationalColumn:
    pillar: str
    key: str
    label: str
    unit: str

    @property
    def id(self) -> str:
        return f"{self.pillar}.{self.key}"


@dataclass
class NationalTable:
    year: thaidate.FiscalYear
    period: Period
    columns: list[NationalColumn]  # every number of every pillar
    rows: list[dict]  # {"province": Province, "values": {column id: value}}

    def shown_columns(self) -> list[NationalColumn]:
        return [
            c
            for c in self.columns
            if c.pillar not in NATIONAL_COLUMNS or c.key in NATIONAL_COLUMNS[c.pillar]
        ]

    def column(self, column_id: str) -> NationalColumn | None:
        return next((c for c in self.columns if c.id == column_id), None)

    def sorted_by(self, column_id: str) -> list[dict]:
        """Rows by the column, highest first (no figure last); unknown: Thai name order."""
        if self.column(column_id) is None:
            return self.rows
        present = [r for r in self.rows if r["values"].get(column_id) is not None]
        missing = [r for r in self.rows if r["values"].get(column_id) is None]
        return sorted(present, key=lambda r: -float(r["values"][column_id])) + missing


def national_table(be: int | None = None) -> NationalTable:
    """One row per province (Thai name order) with every pillar's numbers for the fiscal year:
    the provinces (one query) and each pillar's batched read (``core.numbers.by_province``).
    A pillar without a batched read (learning, volunteers) is left out here rather than asked
    77 times; its figures are on each province's dashboard."""
    year, period = fiscal_period(be)
    provinces = list(Province.objects.order_by(*by_name()))
    codes = [p.code for p in provinces]
    figures = core_numbers.by_province(period, codes, batched_only=True)
    columns: list[NationalColumn] = []
    for pillar, per_code in figures.items():
        sample = per_code[codes[0]] if codes else []
        columns += [NationalColumn(pillar, n.key, str(n.label), n.unit) for n in sample]
    rows = []
    for province in provinces:
        values = {}
        for pillar, per_code in figures.items():
            for n in per_code[province.code]:
                values[f"{pillar}.{n.key}"] = n.value
        rows.append({"province": province, "values": values})
    return NationalTable(year, period, columns, rows)


def pillars_registered() -> list[str]:
    return [pillar for pillar, _fn in registry.area_number_sources]
