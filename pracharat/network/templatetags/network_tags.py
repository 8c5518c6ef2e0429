"""Small display helpers for network templates."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

register = template.Library()

BADGES = {"active": "ok", "degraded": "warn", "down": "bad", "open": "bad", "acknowledged": "warn"}


@register.filter
def status_badge(status: str) -> str:
    """CSS class of the badge for a point or incident status."""
    return BADGES.get(status, "")


@register.filter
def hours(seconds: int | float | None) -> str:
    """Session time as whole hours (or minutes when under an hour)."""
    seconds = seconds or 0
    if seconds < 3600:
        return _("%(n)d min") % {"n": round(seconds / 60)}
    return _("%(n)s h") % {"n": f"{seconds / 3600:,.0f}"}


@register.filter
def get_item(mapping: dict, key):
    return mapping.get(key, "")
