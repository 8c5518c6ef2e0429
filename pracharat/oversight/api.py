"""The oversight API at /api/v1/oversight/: visits, findings and follow-up actions, scoped like
the pages (``visible_to``), for a bearer token or the browser session.

An agency updates its own actions here (a dated update, optionally with a step: start,
finish, give_up), and inspectors verify or reopen them, through the same machine as the pages
(``actions.ACTIONS``); a refusal is the API's one error shape. Reports and dashboards are
added to this router by their own module (see the end of the file).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from ninja import Body, Field, Path, Query, Router, Schema

from pracharat.accounts.api_auth import token_or_session
from pracharat.core.api_schemas import with_errors
from pracharat.oversight import actions
from pracharat.oversight.models import (
    ActionStatus,
    Category,
    Finding,
    FollowUpAction,
    Visit,
    VisitStatus,
)

router = Router(tags=["oversight"])

AREA_PATTERN = r"^(?:\d{2}|\d{4}|\d{6}|\d{8})$"
ID = Path(..., ge=1, le=2**62)


class OversightAgencyRef(Schema):
    slug: str
    name_th: str
    name_en: str


class PersonRef(Schema):
    id: int
    name: str = Field(..., alias="full_name")


class Page(Schema):
    count: int


class Paging(Schema):
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0, le=1_000_000)


# --- Visits -------------------------------------------------------------------------------------


class VisitOut(Schema):
    id: int
    title: str
    area_code: str
    start_date: dt.date
    end_date: dt.date
    status: str
    submitted_at: dt.datetime | None
    findings: int = Field(..., alias="finding_count")
    actions: int = Field(..., alias="action_count")


class VisitPage(Page):
    items: list[VisitOut]


class AgencyMetOut(Schema):
    agency: OversightAgencyRef
    representatives: str


class OversightPlaceOut(Schema):
    id: int
    kind: str
    name: str = Field(..., alias="label")
    area_code: str
    visited_on: dt.date | None
    service_point: str | None = None
    centre: str | None = None
    agency: str | None = None
    producer_group: str | None = None

    @staticmethod
    def resolve_service_point(obj) -> str | None:
        return obj.service_point.code if obj.service_point_id else None

    @staticmethod
    def resolve_centre(obj) -> str | None:
        return obj.centre.slug if obj.centre_id else None

    @staticmethod
    def resolve_agency(obj) -> str | None:
        return obj.agency.slug if obj.agency_id else None

    @staticmethod
    def resolve_producer_group(obj) -> str | None:
        return obj.producer_group.code if obj.producer_group_id else None


class VisitDetailOut(VisitOut):
    summary: str
    plan_id: int | None
    inspectors: list[PersonRef] = Field(..., alias="inspector_list")
    agencies_met: list[AgencyMetOut] = Field(..., alias="agencies_list")
    places: list[OversightPlaceOut] = Field(..., alias="place_list")


class VisitFilter(Paging):
    area: str | None = Field(None, pattern=AREA_PATTERN)
    status: VisitStatus | None = None
    fiscal_year: int | None = Field(None, ge=2500, le=2700, description="BE, e.g. 2563")


def _visits(request):
    return Visit.objects.visible_to(request.auth).with_counts()


@router.get(
    "/visits",
    auth=token_or_session,
    response=with_errors(VisitPage, 401),
    summary="Visits the caller may see, newest first",
)
def visits(request, filters: Query[VisitFilter]):
    qs = _visits(request).order_by("-start_date", "-pk")
    if filters.area:
        qs = qs.in_area(filters.area)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.fiscal_year:
        qs = qs.in_fiscal_year(filters.fiscal_year)
    return {
        "count": qs.count(),
        "items": list(qs[filters.offset : filters.offset + filters.limit]),
    }


@router.get(
    "/visits/{visit_id}",
    auth=token_or_session,
    response=with_errors(VisitDetailOut, 401, 404),
    summary="One visit: inspectors, agencies met, places visited",
)
def visit(request, visit_id: int = ID):
    item = get_object_or_404(_visits(request), pk=visit_id)
    item.inspector_list = list(item.inspectors.all())
    item.agencies_list = list(item.agencies_met.select_related("agency"))
    item.place_list = list(
        item.places.select_related("service_point", "centre", "agency", "producer_group")
    )
    return item


# --- Findings -----------------------------------------------------------------------------------


class PhotoOut(Schema):
    id: int
    caption: str
    taken_at: dt.datetime | None
    latitude: float | None
    longitude: float | None
    public: bool


class FindingOut(Schema):
    id: int
    visit_id: int
    place_id: int | None
    category: str
    severity: str
    problem: str
    recommendation: str
    figures: dict
    created: dt.datetime
    photos: list[PhotoOut] = Field(..., alias="photo_list")
    actions: list[int] = Field(..., alias="action_ids")


class FindingPage(Page):
    items: list[FindingOut]


class FindingFilter(Paging):
    visit: int | None = Field(None, ge=1, le=2**62)
    area: str | None = Field(None, pattern=AREA_PATTERN)
    category: Category | None = None


def _findings(request):
    return Finding.objects.visible_to(request.auth).prefetch_related(
        "photos", Prefetch("actions", queryset=FollowUpAction.objects.only("pk", "finding_id"))
    )


def _finding_out(item: Finding) -> Finding:
    item.photo_list = list(item.photos.all())
    item.action_ids = [a.pk for a in item.actions.all()]
    return item


@router.get(
    "/findings",
    auth=token_or_session,
    response=with_errors(FindingPage, 401),
    summary="Findings the caller may see, with photo data (the files are on the pages)",
)
def findings(request, filters: Query[FindingFilter]):
    qs = _findings(request).order_by("-visit__start_date", "pk")
    if filters.visit:
        qs = qs.filter(visit_id=filters.visit)
    if filters.area:
        qs = qs.in_area(filters.area)
    if filters.category:
        qs = qs.filter(category=filters.category)
    items = [_finding_out(f) for f in qs[filters.offset : filters.offset + filters.limit]]
    return {"count": qs.count(), "items": items}


@router.get(
    "/findings/{finding_id}",
    auth=token_or_session,
    response=with_errors(FindingOut, 401, 404),
    summary="One finding",
)
def finding(request, finding_id: int = ID):
    return _finding_out(get_object_or_404(_findings(request), pk=finding_id))


# --- Follow-up actions --------------------------------------------------------------------------


class ActionOut(Schema):
    id: int
    title: str
    area_code: str
    owner: OversightAgencyRef
    due_date: dt.date
    status: str
    overdue: bool = Field(..., alias="is_overdue")
    finding_id: int | None
    meeting_id: int | None
    visit_id: int | None
    done_at: dt.datetime | None
    verified_at: dt.datetime | None


class ActionPage(Page):
    items: list[ActionOut]


class OversightEventOut(Schema):
    at: dt.datetime
    kind: str
    actor: str | None
    note: str
    from_status: str
    to_status: str

    @staticmethod
    def resolve_actor(obj) -> str | None:
        return obj.actor.get_short_name() if obj.actor else None


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int


class UpdateOut(Schema):
    id: int
    date: dt.date
    text: str
    author: str | None
    evidence: list[EvidenceOut] = Field(..., alias="evidence_list")

    @staticmethod
    def resolve_author(obj) -> str | None:
        return obj.author.get_short_name() if obj.author else None


class ActionDetailOut(ActionOut):
    detail: str
    not_done_reason: str
    allowed: list[str] = Field(..., description="The steps the caller may take now")
    events: list[OversightEventOut] = Field(..., alias="event_list")
    updates: list[UpdateOut] = Field(..., alias="update_list")


class ActionFilter(Paging):
    status: ActionStatus | None = None
    overdue: bool | None = None
    area: str | None = Field(None, pattern=AREA_PATTERN)
    owner: str | None = Field(None, max_length=60, description="The owner agency's short name")
    mine: bool = Field(False, description="Only the actions of the caller's own agencies")


def _actions(request):
    return FollowUpAction.objects.visible_to(request.auth).select_related("owner")


@router.get(
    "/actions",
    auth=token_or_session,
    response=with_errors(ActionPage, 401),
    summary="Follow-up actions the caller may see, soonest due first",
)
def action_list(request, filters: Query[ActionFilter]):
    from pracharat.oversight.querysets import agency_ids

    qs = _actions(request).order_by("due_date", "pk")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.overdue is True:
        qs = qs.overdue()
    if filters.area:
        qs = qs.in_area(filters.area)
    if filters.owner:
        qs = qs.filter(owner__slug=filters.owner)
    if filters.mine:
        qs = qs.filter(owner_id__in=agency_ids(request.auth))
    return {
        "count": qs.count(),
        "items": list(qs[filters.offset : filters.offset + filters.limit]),
    }


def _action_detail(request, pk: int) -> FollowUpAction:
    item = get_object_or_404(_actions(request), pk=pk)
    item.allowed = actions.moves_for(request.auth, item)
    item.event_list = list(item.events.select_related("actor"))
    updates = list(item.updates.select_related("author").prefetch_related("evidence"))
    for update in updates:
        update.evidence_list = list(update.evidence.all())
    item.update_list = updates
    return item


@router.get(
    "/actions/{action_id}",
    auth=token_or_session,
    response=with_errors(ActionDetailOut, 401, 404),
    summary="One follow-up action with its history and updates",
)
def action_detail(request, action_id: int = ID):
    return _action_detail(request, action_id)


class UpdateIn(Schema):
    text: str = Field(..., min_length=1, max_length=5000, pattern=r"\S")
    date: dt.date | None = Field(None, description="The day of the work; default today")
    step: Literal["", "start", "finish", "give_up"] = Field(
        "", description="Move the action at the same time (give_up: the text is the reason)"
    )


@router.post(
    "/actions/{action_id}/updates",
    auth=token_or_session,
    response=with_errors(ActionDetailOut, 401, 403, 404, 409),
    summary="Record progress on an action (officers of its owner agency)",
)
def add_update(request, body: Body[UpdateIn], action_id: int = ID):
    item = _action_detail(request, action_id)
    actions.add_update(request.auth, item, text=body.text, date=body.date, move=body.step)
    return _action_detail(request, action_id)


class StepIn(Schema):
    step: Literal["start", "finish", "give_up", "verify", "reopen"]
    note: str = Field("", max_length=5000, description="Needed to give up or reopen")


@router.post(
    "/actions/{action_id}/steps",
    auth=token_or_session,
    response=with_errors(ActionDetailOut, 401, 403, 404, 409),
    summary="Move an action: the owner starts, finishes or gives up; inspectors verify or reopen",
)
def take_step(request, body: Body[StepIn], action_id: int = ID):
    item = _action_detail(request, action_id)
    actions.move_action(request.auth, item, body.step, note=body.note)
    return _action_detail(request, action_id)


# --- Reports and dashboards (ov-reports) -------------------------------------------------------
# The province report as JSON and the dashboards' numbers: pracharat/oversight/api_reports.py.
from pracharat.oversight.api_reports import router as reports_router  # noqa: E402

router.add_router("", reports_router)

# --- The worth review (issue 14): pracharat/oversight/api_worth.py -----------------------------
from pracharat.oversight.api_worth import router as worth_router  # noqa: E402

router.add_router("", worth_router)
