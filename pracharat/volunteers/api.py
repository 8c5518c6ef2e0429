"""The volunteers API at /api/v1/volunteers/: the public counts per area (no login) and a
volunteer's own activity log with create (bearer token or the browser session)."""

from __future__ import annotations

import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema, Status

from pracharat.accounts.api_auth import token_or_session
from pracharat.core.api_numbers import PeriodQuery, parse_period
from pracharat.core.api_schemas import with_errors
from pracharat.core.errors import Invalid, NotAllowed
from pracharat.geo.models import Village
from pracharat.learning.models import Cohort
from pracharat.network.models import Incident, ServicePoint
from pracharat.volunteers import actions, numbers
from pracharat.volunteers.models import ActivityKind, VolunteerActivity

router = Router(tags=["volunteers"])

AREA_PATTERN = r"^(?:\d{2}|\d{4}|\d{6}|\d{8})$"


class CountsOut(Schema):
    code: str = Field(description='DOPA area code; "" is the whole country')
    start: dt.date
    end: dt.date
    volunteers: int = Field(description="Active volunteers serving a village in the area")
    activities: int = Field(description="Activities recorded in the area in the period")
    people_helped: int


def _counts(code: str, period: PeriodQuery) -> dict:
    asked = parse_period(period)
    figures = {n.key: n.value for n in numbers.area_numbers(code, asked)}
    return {"code": code, "start": asked.start, "end": asked.end, **figures}


@router.get("/counts", response=with_errors(CountsOut), summary="The whole country's counts")
def country_counts(request, period: Query[PeriodQuery]):
    return _counts("", period)


@router.get("/areas/{code}/counts", response=with_errors(CountsOut), summary="One area's counts")
def area_counts(request, period: Query[PeriodQuery], code: str = Path(..., pattern=AREA_PATTERN)):
    return _counts(code, period)


class ActivityOut(Schema):
    id: int
    kind: str
    date: dt.date
    village: str = Field(..., alias="village_id")
    service_point: str | None = Field(None, alias="service_point.code")
    people_helped: int
    note: str
    has_photo: bool
    incident: int | None = Field(None, alias="incident_id")
    cohort: int | None = Field(None, alias="cohort_id")

    @staticmethod
    def resolve_has_photo(obj) -> bool:
        return bool(obj.photo)


class ActivityPage(Schema):
    count: int
    items: list[ActivityOut]


class ActivityIn(Schema):
    kind: ActivityKind
    date: dt.date | None = Field(None, description="Default: today")
    village: str = Field(..., pattern=r"^\d{8}$", description="One of your villages' codes")
    service_point: str | None = Field(None, min_length=3, max_length=24, description="A point code")
    people_helped: int = Field(0, ge=0, le=100_000)
    note: str = Field("", max_length=1000)
    incident: int | None = Field(None, ge=1, le=2**62)
    cohort: int | None = Field(None, ge=1, le=2**62)


class ListQuery(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


def _own(request):
    volunteer = actions.volunteer_of(request.auth)
    if volunteer is None:
        raise NotAllowed(_not_a_volunteer())
    return volunteer


def _not_a_volunteer():
    from django.utils.translation import gettext as _

    return _("You are not registered as a volunteer.")


@router.get(
    "/me/activities",
    auth=token_or_session,
    response=with_errors(ActivityPage, 401, 403),
    summary="Your own activities, newest first",
)
def my_activities(request, page: Query[ListQuery]):
    qs = _own(request).activities.select_related("service_point").order_by("-date", "-pk")
    return {"count": qs.count(), "items": list(qs[page.offset : page.offset + page.limit])}


def _found(model, field: str, **lookup):
    from django.utils.translation import gettext as _

    item = model.objects.filter(**lookup).first()
    if item is None:
        raise Invalid(_("Not found."), field=field)
    return item


@router.post(
    "/me/activities",
    auth=token_or_session,
    response={**with_errors(ActivityOut, 401, 403), 201: ActivityOut},
    summary="Record one of your activities (no photo: use the page for that)",
)
def create_activity(request, body: ActivityIn):
    _own(request)
    data = actions.ActivityInput(
        kind=body.kind,
        village=_found(Village, "village", code=body.village),
        date=body.date,
        people_helped=body.people_helped,
        note=body.note,
        service_point=body.service_point
        and _found(ServicePoint, "service_point", code=body.service_point),
        incident=body.incident and _found(Incident, "incident", pk=body.incident),
        cohort=body.cohort and _found(Cohort, "cohort", pk=body.cohort),
    )
    activity = actions.record_activity(request.auth, data)
    saved = get_object_or_404(
        VolunteerActivity.objects.select_related("service_point"), pk=activity.pk
    )
    return Status(201, saved)
