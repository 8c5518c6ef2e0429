"""The volunteers' numbers per area and period (the ``core.numbers`` contract).

Two queries whatever the area: active volunteers serving a village in the area (counted once
each, however many of its villages they serve), and the activities recorded there in the
period with the people they helped.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from pracharat.core.numbers import Number, Period
from pracharat.volunteers.models import Volunteer, VolunteerActivity

LABELS = {
    "volunteers": _("Active volunteers"),
    "activities": _("Volunteer activities"),
    "people_helped": _("People helped by volunteers"),
}


def area_numbers(code: str, period: Period) -> list[Number]:
    volunteers = Volunteer.objects.active()
    if code:
        volunteers = volunteers.in_area(code)
    totals = VolunteerActivity.objects.in_area(code).between(period.start, period.end).totals()
    values = {
        "volunteers": volunteers.count(),
        "activities": totals["activities"],
        "people_helped": totals["people_helped"],
    }
    return [Number(key, LABELS[key], value, "count") for key, value in values.items()]
