"""Area panels: how a pillar adds its section to the geography pages without geo knowing it.

``settings.PRACHARAT_AREA_PANELS`` lists dotted paths of callables ``panel(request, code)``
returning rendered HTML (or "" to show nothing) for the area ``code``. The network pillar adds
"service points here", the market pillar "producer groups here", and so on.
"""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.safestring import mark_safe


@cache
def _panels():
    return [import_string(path) for path in settings.PRACHARAT_AREA_PANELS]


def area_panels(request, code: str) -> list[str]:
    rendered = (panel(request, code) for panel in _panels())
    return [mark_safe(html) for html in rendered if html]  # noqa: S308 - rendered templates
