"""Render the pillars' sections of an area page (see ``core.registry.area_panel``)."""

from __future__ import annotations

from django.utils.safestring import mark_safe

from pracharat.core import registry


def area_panels(request, code: str) -> list[str]:
    rendered = (panel(request, code) for panel in registry.area_panels)
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 - rendered templates
