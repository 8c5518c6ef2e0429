"""Admin for operators: the registry with its villages (memberships kept in step on save) and
the activity log. Status moves go through ``actions.VOLUNTEERS`` (the admin's actions)."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from pracharat.core.admin import ThaiDatesAdmin
from pracharat.core.errors import DomainError
from pracharat.volunteers import actions
from pracharat.volunteers.models import Volunteer, VolunteerActivity, VolunteerVillage


class VillageInline(admin.TabularInline):
    model = VolunteerVillage
    extra = 1
    fields = ["village"]
    raw_id_fields = ["village"]


@admin.register(Volunteer)
class VolunteerAdmin(ThaiDatesAdmin):
    list_display = ["user", "display_name", "area_code", "since", "status"]
    list_filter = ["status"]
    search_fields = ["user__full_name", "user__email", "user__phone", "display_name", "area_code"]
    raw_id_fields = ["user"]
    readonly_fields = ["status", "area_code"]
    inlines = [VillageInline]
    actions = ["deactivate", "reactivate"]

    def save_formset(self, request, form, formset, change):
        for posting in formset.save(commit=False):
            posting.area_code = posting.village_id
            posting.save()
        for gone in formset.deleted_objects:
            gone.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        volunteer = form.instance
        first = volunteer.postings.order_by("pk").first()
        if first is not None and volunteer.area_code != first.area_code:
            volunteer.area_code = first.area_code
            volunteer.save(update_fields=["area_code", "updated"])
        actions._sync_memberships(volunteer)

    def _move(self, request, queryset, action):
        for volunteer in queryset:
            try:
                actions.set_status(request.user, volunteer, action)
            except DomainError as exc:
                self.message_user(request, f"{volunteer}: {exc}", messages.WARNING)

    @admin.action(description=_("Deactivate the chosen volunteers"))
    def deactivate(self, request, queryset):
        self._move(request, queryset.filter(status="active"), "deactivate")

    @admin.action(description=_("Reactivate the chosen volunteers"))
    def reactivate(self, request, queryset):
        self._move(request, queryset.filter(status="inactive"), "reactivate")


@admin.register(VolunteerActivity)
class ActivityAdmin(ThaiDatesAdmin):
    list_display = ["date", "volunteer", "kind", "village", "people_helped"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["volunteer__user__full_name", "area_code", "note"]
    raw_id_fields = ["volunteer", "village", "service_point", "incident"]
    list_select_related = ["volunteer__user", "village"]
