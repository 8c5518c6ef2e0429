"""The volunteers' section of the geo area pages (``registry.area_panel``): how many active
volunteers serve the area and, on sub-district and village pages, who they are (public names
only) with their activity counts. Three queries at most."""

from __future__ import annotations

from django.db.models import Count, Q, Sum
from django.template.loader import render_to_string

from pracharat.volunteers.models import Volunteer, VolunteerActivity

LIST_LIMIT = 20


def area_panel(request, code: str) -> str:
    volunteers = Volunteer.objects.active()
    if code:
        volunteers = volunteers.in_area(code)
    total = volunteers.count()
    if not total:
        return ""
    listed = []
    if len(code) >= 6:
        here = Q(activities__area_code__startswith=code)
        listed = list(
            volunteers.select_related("user")
            .annotate(
                activity_count=Count("activities", filter=here),
                helped=Sum("activities__people_helped", filter=here),
            )
            .order_by("since", "pk")[:LIST_LIMIT]
        )
    activities = VolunteerActivity.objects.in_area(code).totals()
    return render_to_string(
        "volunteers/_panel.html",
        {"code": code, "total": total, "volunteers": listed, "activities": activities},
        request=request,
    )
