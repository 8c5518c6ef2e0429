"""Template filters for dates: Buddhist Era in Thai, plain CE in English (``core.i18n``)."""

from __future__ import annotations

import datetime as dt

from django import template

from pracharat.core import i18n

register = template.Library()


@register.filter
def bedate(value: dt.date | dt.datetime | None, style: str = "") -> str:
    """``{{ day|bedate }}`` → 23 กรกฎาคม 2563; ``{{ day|bedate:"long" }}`` adds the weekday;
    ``{{ day|bedate:"short" }}`` → 23 ก.ค. 2563. English pages get the CE date."""
    return i18n.date_label(value, style)


@register.filter
def bedatetime(value: dt.datetime | None) -> str:
    return i18n.datetime_label(value)


@register.filter
def beyear(value: dt.date | int | None) -> str:
    if value in (None, ""):
        return ""
    return i18n.year_label(value)


@register.filter
def bemonth(value: dt.date | None, style: str = "") -> str:
    """``{{ month|bemonth }}`` → พฤศจิกายน 2569 / November 2026; ``"short"``: พ.ย. / Nov."""
    if not value:
        return ""
    return i18n.month_label(value, short=style == "short")


@register.filter
def fiscalyear(value) -> str:
    """``{{ fy|fiscalyear }}`` (a ``thaidate.FiscalYear``) → ปีงบประมาณ 2569 / Fiscal year 2026."""
    return i18n.fiscal_year_label(value)
