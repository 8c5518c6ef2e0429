"""The learning section of the geo area pages (``registry.area_panel``): centres and classes
in the area, with links to the province's centres and calendar; on village pages the centres
there and the classes coming up."""

from __future__ import annotations

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone

from pracharat.learning.models import Centre, ClassSession, Cohort

LIST_LIMIT = 10


def area_panel(request, code: str) -> str:
    centres = Centre.objects.in_area(code)
    counts = (
        Cohort.objects.in_area(code)
        .public()
        .aggregate(
            classes=Count("pk"),
            open=Count("pk", filter=Q(status="open")),
        )
    )
    centre_count = centres.count()
    if not centre_count and not counts["classes"]:
        return ""
    listed, upcoming = [], []
    if len(code) >= 6:
        listed = list(centres.select_related("village").order_by("name_th")[:LIST_LIMIT])
        upcoming = list(
            ClassSession.objects.public()
            .in_area(code)
            .upcoming(timezone.now())
            .select_related("cohort__course", "cohort__centre", "cohort__service_point")
            .order_by("starts_at")[:LIST_LIMIT]
        )
    return render_to_string(
        "learning/_panel.html",
        {
            "code": code,
            "centre_count": centre_count,
            "counts": counts,
            "centres": listed,
            "upcoming": upcoming,
        },
        request=request,
    )
