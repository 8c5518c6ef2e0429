"""A venue's or an area's calendar: class sessions and confirmed venue events (weekly ones
expanded) as one list, and the same as an iCalendar feed (RFC 5545).

The feed is written here (a few lines: the format is plain text); every event carries a
stable UID, DTSTAMP, DTSTART/DTEND in UTC, and weekly venue events an RRULE, so a phone's
calendar app keeps one series rather than a copy per week.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from pracharat.learning.models import ClassSession, VenueEvent

WEEK = dt.timedelta(days=7)


@dataclass(frozen=True)
class Item:
    uid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    title: str
    place: str
    kind: str  # "class" or a VenueEventKind
    url: str = ""
    weekly_until: dt.date | None = None  # a weekly event's series end (feed only)
    weekly: bool = False


def _session_items(sessions) -> list[Item]:
    from django.urls import reverse

    items = []
    for s in sessions:
        cohort = s.cohort
        items.append(
            Item(
                uid=f"session-{s.pk}@pracharat",
                starts_at=s.starts_at,
                ends_at=s.ends_at,
                title=f"{cohort.course.title} · {cohort.number}",
                place=cohort.venue_name,
                kind="class",
                url=reverse("learning:cohort", args=[cohort.pk]),
            )
        )
    return items


def _occurrences(event: VenueEvent, start: dt.datetime, end: dt.datetime) -> list[Item]:
    length = event.ends_at - event.starts_at
    place = str(event.venue.name if event.centre_id else event.venue.place_name)
    first = event.starts_at
    if not event.weekly:
        starts = [first] if first < end and first + length > start else []
    else:
        starts = []
        if first + length <= start:
            first += WEEK * ((start - first - length) // WEEK + 1)
        until = event.repeat_until
        while first < end and len(starts) < 60:
            if until is not None and timezone.localtime(first).date() > until:
                break
            starts.append(first)
            first += WEEK
    return [
        Item(
            uid=f"event-{event.pk}-{int(s.timestamp())}@pracharat",
            starts_at=s,
            ends_at=s + length,
            title=event.title,
            place=place,
            kind=event.kind,
        )
        for s in starts
    ]


def sessions_query(venue=None, area: str | None = None):
    sessions = ClassSession.objects.public().select_related(
        "cohort__course", "cohort__centre", "cohort__service_point"
    )
    if venue is not None:
        from pracharat.learning.models import Centre

        key = "cohort__centre" if isinstance(venue, Centre) else "cohort__service_point"
        sessions = sessions.filter(**{key: venue})
    if area is not None:
        sessions = sessions.in_area(area)
    return sessions


def events_query(venue=None, area: str | None = None):
    events = VenueEvent.objects.confirmed().select_related("centre", "service_point", "organiser")
    if venue is not None:
        events = events.at_venue(venue)
    if area is not None:
        events = events.in_area(area)
    return events


def items(start, end, *, venue=None, area: str | None = None, limit: int = 200) -> list[Item]:
    """What happens in [start, end) at ``venue`` or in ``area``, by start time (3 queries)."""
    sessions = sessions_query(venue, area).between(start, end).order_by("starts_at")[:limit]
    found = _session_items(sessions)
    for event in events_query(venue, area).overlapping(start, end)[:limit]:
        found.extend(_occurrences(event, start, end))
    found.sort(key=lambda item: (item.starts_at, item.title))
    return found[:limit]


# --- iCalendar -------------------------------------------------------------------------------


def _escape(text: str) -> str:
    return (
        str(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
    )


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines of at most 75 octets, continued with CRLF and a space; never in
    the middle of a UTF-8 character (Thai is 3 octets a letter)."""
    out, current, size = [], "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def ics(name: str, start, end, *, venue=None, area=None, base_url: str = "") -> str:
    """The feed: sessions of public classes in [start, end) and confirmed venue events, a
    weekly event once with its RRULE."""
    stamp = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Net Pracharat//learning//TH",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{_escape(name)}",
        f"X-WR-TIMEZONE:{settings.TIME_ZONE}",
    ]
    sessions = sessions_query(venue, area).between(start, end).order_by("starts_at")[:2000]
    events = []
    for item in _session_items(sessions):
        events.append((item, None))
    for event in events_query(venue, area).overlapping(start, end)[:2000]:
        place = event.venue.name if event.centre_id else event.venue.place_name
        item = Item(
            uid=f"event-{event.pk}@pracharat",
            starts_at=event.starts_at,
            ends_at=event.ends_at,
            title=event.title,
            place=str(place),
            kind=event.kind,
        )
        rule = None
        if event.weekly:
            rule = "FREQ=WEEKLY"
            if event.repeat_until:
                last = dt.datetime.combine(event.repeat_until, dt.time(23, 59, 59))
                rule += f";UNTIL={_utc(timezone.make_aware(last))}"
        events.append((item, rule))
    for item, rule in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{item.uid}",
            f"DTSTAMP:{stamp}",
            f"DTSTART:{_utc(item.starts_at)}",
            f"DTEND:{_utc(item.ends_at)}",
            f"SUMMARY:{_escape(item.title)}",
        ]
        if item.place:
            lines.append(f"LOCATION:{_escape(item.place)}")
        if item.url and base_url:
            lines.append(f"URL:{base_url}{item.url}")
        if rule:
            lines.append(f"RRULE:{rule}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
