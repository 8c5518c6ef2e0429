"""The reader's language: bilingual names and dates as the active language shows them.

Thai is the default and the fallback: a page in English shows a row's English name where it
has one and its Thai name otherwise; dates are Buddhist Era in Thai and CE in English. Models
with ``name_th``/``name_en`` columns take :class:`BilingualName`; other pairs (``title_th``/
``title_en``) are a :class:`bilingual` attribute. Template filters (``core.templatetags.thai``),
charts and the admin all call these, so there is one rule.
"""

from __future__ import annotations

import datetime as dt

from django.utils import formats, timezone, translation

from pracharat.core.lib import thaidate


def is_thai() -> bool:
    """Whether the active language is Thai (also when none is active: Thai is the default)."""
    return (translation.get_language() or "th").startswith("th")


def localised(th: str, en: str) -> str:
    """``en`` on a page in English when there is one, ``th`` otherwise."""
    if en and not is_thai():
        return en
    return th


class bilingual:
    """A read-only attribute that picks ``<stem>_th`` or ``<stem>_en`` for the active language:
    ``title = bilingual("title")``."""

    def __init__(self, stem: str):
        self.stem = stem

    def __set_name__(self, owner, name: str) -> None:
        self.__doc__ = f"``{self.stem}_en`` on English pages when set, else ``{self.stem}_th``."

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        return localised(
            getattr(instance, f"{self.stem}_th"), getattr(instance, f"{self.stem}_en") or ""
        )


class BilingualName:
    """For a model with ``name_th`` and ``name_en`` columns: ``.name`` in the reader's language
    (Thai when there is no English name). Models still spell out ``__str__`` (return
    ``self.name``): Django's ``Model.__str__`` would win over a mixin's placed after it, and
    the linter (DJ008) reads one class at a time."""

    name = bilingual("name")


# -- dates and periods in the active language ------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def date_label(value: dt.date | dt.datetime | None, style: str = "") -> str:
    """23 กรกฎาคม 2563 / 23 July 2020; ``style`` "long" adds the weekday, "short" abbreviates
    the month."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = _local(value).date()
    if is_thai():
        return thaidate.thai_date(value, weekday=style == "long", short=style == "short")
    fmt = {"long": "l j F Y", "short": "j M Y"}.get(style, "j F Y")
    return formats.date_format(value, fmt)


def datetime_label(value: dt.datetime | None) -> str:
    """23 ก.ค. 2563 14:05 น. / 23 Jul 2020 14:05, in the local time zone."""
    if not value:
        return ""
    value = _local(value)
    if is_thai():
        return thaidate.thai_datetime(value)
    return formats.date_format(value, "j M Y H:i")


def year_label(value: dt.date | int) -> str:
    """The year as the reader counts it: 2569 in Thai, 2026 in English."""
    year = value if isinstance(value, int) else value.year
    return str(year + thaidate.BE_OFFSET) if is_thai() else str(year)


def month_label(month: dt.date, *, short: bool = False) -> str:
    """``พฤศจิกายน 2569`` / ``November 2026``; ``short`` gives the month alone, for chart
    axes: ``พ.ย.`` / ``Nov``."""
    if is_thai():
        if short:
            return thaidate.THAI_MONTHS_SHORT[month.month - 1]
        return thaidate.thai_month(month.year, month.month)
    return formats.date_format(month, "M" if short else "F Y")


def day_tick(day: dt.date) -> str:
    """A daily chart's x label: the month's short name on its first day, else the day."""
    return month_label(day, short=True) if day.day == 1 else str(day.day)


def fiscal_year_label(year: thaidate.FiscalYear) -> str:
    """ปีงบประมาณ 2569 / Fiscal year 2026 (the CE year it ends in)."""
    number = year.be if is_thai() else year.ce
    return translation.gettext("Fiscal year %(year)s") % {"year": number}
