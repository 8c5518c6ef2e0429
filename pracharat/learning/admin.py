"""Admin for operators. Statuses with a state machine (classes, bookings) are read-only here:
they move on the pages, through ``learning.actions``, so every move has its history row.
Learners' names and phones are not listed; certificates are learn-cert's (learning.certificates)."""

from __future__ import annotations

from django.contrib import admin

from pracharat.core.admin import ThaiDatesAdmin
from pracharat.learning.models import (
    Centre,
    ClassSession,
    Cohort,
    CohortChange,
    Course,
    VenueEvent,
)


@admin.register(Centre)
class CentreAdmin(ThaiDatesAdmin):
    list_display = ["name_th", "kind", "host", "area_code", "status", "computers"]
    list_filter = ["kind", "status"]
    search_fields = ["slug", "name_th", "name_en", "area_code"]
    raw_id_fields = ["village", "service_point"]
    autocomplete_fields = ["host"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(Course)
class CourseAdmin(ThaiDatesAdmin):
    list_display = ["title_th", "topic", "level", "hours", "completion_share", "issuer"]
    list_filter = ["topic", "level"]
    search_fields = ["slug", "title_th", "title_en"]


class SessionInline(admin.TabularInline):
    model = ClassSession
    extra = 0
    fields = ["starts_at", "ends_at", "note"]


class ChangeInline(admin.TabularInline):
    model = CohortChange
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Cohort)
class CohortAdmin(ThaiDatesAdmin):
    list_display = ["course", "number", "centre", "service_point", "status", "capacity"]
    list_filter = ["status", "course__topic"]
    search_fields = ["course__title_th", "area_code"]
    raw_id_fields = ["centre", "service_point", "trainer", "organiser"]
    readonly_fields = ["status", "area_code"]
    inlines = [SessionInline, ChangeInline]


@admin.register(VenueEvent)
class VenueEventAdmin(ThaiDatesAdmin):
    list_display = ["title", "kind", "centre", "service_point", "starts_at", "weekly", "status"]
    list_filter = ["kind", "status", "weekly"]
    search_fields = ["title", "organiser_name", "area_code"]
    raw_id_fields = ["centre", "service_point", "organiser", "requested_by"]
    readonly_fields = ["status", "area_code"]
