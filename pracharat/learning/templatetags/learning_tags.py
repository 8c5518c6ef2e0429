"""``{% venue_calendar point %}``: a venue's coming classes and activities, for pages of other
apps (the network's service point page includes it) without them knowing learning's models."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

from pracharat.learning import calendar

register = template.Library()

DAYS = 60


@register.inclusion_tag("learning/_venue_calendar.html", takes_context=True)
def venue_calendar(context, venue):
    from pracharat.learning.actions import may_request_booking

    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "venue": venue,
        "items": calendar.items(start, start + dt.timedelta(days=DAYS), venue=venue, limit=30),
        "may_book": bool(user and user.is_authenticated and may_request_booking(user)),
        "request": request,
    }
