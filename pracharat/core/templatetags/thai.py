"""Template filters for dates: Buddhist Era in Thai, plain CE in English."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import formats, timezone, translation

from pracharat.core.lib import thaidate

register = template.Library()


def _is_thai() -> bool:
    return (translation.get_language() or "th").startswith("th")


@register.filter
def bedate(value: dt.date | dt.datetime | None, style: str = "") -> str:
    """``{{ day|bedate }}`` → 23 กรกฎาคม 2563; ``{{ day|bedate:"long" }}`` adds the weekday;
    ``{{ day|bedate:"short" }}`` → 23 ก.ค. 2563. English pages get the CE date."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    if _is_thai():
        return thaidate.thai_date(value, weekday=style == "long", short=style == "short")
    fmt = {"long": "l j F Y", "short": "j M Y"}.get(style, "j F Y")
    return formats.date_format(value, fmt)


@register.filter
def bedatetime(value: dt.datetime | None) -> str:
    if not value:
        return ""
    value = timezone.localtime(value) if timezone.is_aware(value) else value
    if _is_thai():
        return thaidate.thai_datetime(value)
    return formats.date_format(value, "j M Y H:i")


@register.filter
def beyear(value: dt.date | int | None) -> str:
    if value in (None, ""):
        return ""
    year = value if isinstance(value, int) else value.year
    return str(year + thaidate.BE_OFFSET) if _is_thai() else str(year)
