"""The network section of the geo area pages (registered in apps.py with
``registry.area_panel(panels.area_panel)``): point counts by status with links to the
dashboard and map, and the points themselves on sub-district and village pages."""

from __future__ import annotations

from django.template.loader import render_to_string

from pracharat.network.models import ServicePoint

LIST_LIMIT = 20


def area_panel(request, code: str) -> str:
    points = ServicePoint.objects.in_area(code)
    counts = points.status_counts()
    if not counts:
        return ""
    listed = []
    if len(code) >= 6:
        listed = list(points.select_related("village").order_by("code")[:LIST_LIMIT])
    return render_to_string(
        "network/_panel.html",
        {"code": code, "counts": counts, "total": sum(counts.values()), "points": listed},
        request=request,
    )
