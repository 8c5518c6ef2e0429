"""Money and status display for the market's templates."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def baht(value) -> str:
    """``1250.5`` -> ``1,250.50`` (Thai writes baht with comma thousands and two satang
    places); exact: the Decimal is quantised, never passed through a float."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(value).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError, ValueError):
        return ""
    return f"{amount:,.2f}"


@register.filter
def thb(value) -> str:
    """``฿1,250.50`` for prices in running text."""
    shown = baht(value)
    return _("฿%(amount)s") % {"amount": shown} if shown else ""


@register.filter
def status_badge(status: str) -> str:
    """The badge class of an order status: ok, warn or bad."""
    return {
        "pending_payment": "warn",
        "payment_review": "warn",
        "paid": "ok",
        "shipped": "ok",
        "delivered": "ok",
        "cancelled": "bad",
    }.get(status, "")


@register.filter
def grams(value) -> str:
    """``1500`` -> ``1,500``; the unit goes in the template."""
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return ""
