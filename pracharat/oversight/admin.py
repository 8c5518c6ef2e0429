"""Oversight in the admin: for looking things up and correcting texts. Statuses are read-only
here (they move only through ``actions.ACTIONS`` / ``actions.VISITS``); photos and evidence
are private files, reached through the pages that check who asks."""

from __future__ import annotations

from django.contrib import admin

from pracharat.core.admin import ThaiDatesAdmin
from pracharat.oversight.models import (
    ActionEvent,
    ActionUpdate,
    AgencyProfile,
    Announcement,
    Finding,
    FollowUpAction,
    InspectionPlan,
    Meeting,
    MeetingAttendee,
    NewsPost,
    Visit,
    VisitAgency,
    VisitPlace,
)


@admin.register(AgencyProfile)
class AgencyProfileAdmin(ThaiDatesAdmin):
    list_display = ["agency", "contact_person"]
    raw_id_fields = ["agency"]
    search_fields = ["agency__name_th", "agency__slug"]


class MeetingAttendeeInline(admin.TabularInline):
    model = MeetingAttendee
    raw_id_fields = ["agency", "user"]
    extra = 0


@admin.register(Meeting)
class MeetingAdmin(ThaiDatesAdmin):
    list_display = ["title", "area_code", "starts_at"]
    list_filter = ["area_code"]
    search_fields = ["title"]
    raw_id_fields = ["visit", "created_by"]
    inlines = [MeetingAttendeeInline]


@admin.register(Announcement)
class AnnouncementAdmin(ThaiDatesAdmin):
    list_display = ["title", "area_code", "published_at", "pinned"]
    list_filter = ["pinned"]
    raw_id_fields = ["author"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ThaiDatesAdmin):
    list_display = ["fiscal_year", "area_code", "round", "planned_start", "planned_end"]
    list_filter = ["fiscal_year"]
    filter_horizontal = ["inspectors"]


class VisitAgencyInline(admin.TabularInline):
    model = VisitAgency
    raw_id_fields = ["agency"]
    extra = 0


class VisitPlaceInline(admin.TabularInline):
    model = VisitPlace
    raw_id_fields = ["service_point", "centre", "agency", "producer_group"]
    extra = 0


@admin.register(Visit)
class VisitAdmin(ThaiDatesAdmin):
    list_display = ["__str__", "area_code", "start_date", "end_date", "status"]
    list_filter = ["status"]
    readonly_fields = ["status", "submitted_at"]
    raw_id_fields = ["plan", "created_by"]
    filter_horizontal = ["inspectors"]
    inlines = [VisitAgencyInline, VisitPlaceInline]


@admin.register(Finding)
class FindingAdmin(ThaiDatesAdmin):
    list_display = ["__str__", "visit", "category", "severity"]
    list_filter = ["category", "severity"]
    raw_id_fields = ["visit", "place", "created_by"]
    readonly_fields = ["figures"]


class ActionEventInline(admin.TabularInline):
    model = ActionEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "kind", "actor", "note", "from_status", "to_status"]


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0
    raw_id_fields = ["author"]


@admin.register(FollowUpAction)
class FollowUpActionAdmin(ThaiDatesAdmin):
    list_display = ["title", "owner", "area_code", "due_date", "status"]
    list_filter = ["status", "owner"]
    search_fields = ["title"]
    list_select_related = ["owner"]
    readonly_fields = ["status", "done_at", "verified_by", "verified_at", "not_done_reason"]
    raw_id_fields = ["finding", "meeting", "visit", "owner", "created_by"]
    inlines = [ActionUpdateInline, ActionEventInline]


@admin.register(NewsPost)
class NewsPostAdmin(ThaiDatesAdmin):
    list_display = ["title", "area_code", "published_at"]
    raw_id_fields = ["visit", "author"]
    prepopulated_fields = {"slug": ["title"]}
