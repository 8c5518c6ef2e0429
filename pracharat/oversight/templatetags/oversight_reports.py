"""Filters for the reports and dashboards: a ``core.numbers`` figure as people read it."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import filesizeformat

register = template.Library()


def figure(value, unit: str = "count") -> str:
    """A number in its unit: counts with thousands separators, baht with two decimals,
    percent with one, bytes in KB/MB/GB; "–" when there is none (a share of nothing)."""
    if value is None or value == "":
        return "–"
    if unit == "percent":
        return f"{float(value):.1f}%"
    if unit == "baht":
        return intcomma(f"{Decimal(value):.2f}")
    if unit == "bytes":
        return filesizeformat(value)
    if unit == "seconds":
        return intcomma(round(int(value) / 3600)) + " h"
    return intcomma(value)


@register.filter
def number(n) -> str:
    """``{{ n|number }}`` for a ``core.numbers.Number``."""
    if n is None:
        return "–"
    return figure(n.value, n.unit)


@register.filter
def figure_in(value, unit: str) -> str:
    """``{{ value|figure_in:column.unit }}``."""
    return figure(value, unit)


@register.filter
def lookup(mapping, key):
    """``{{ row.values|lookup:column.id }}``."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None
