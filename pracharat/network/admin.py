"""Admin for operators: points and devices editable, accounting and rollups read-only.

A device's shared secret is write-only here: the form never renders it back, and leaving the
field empty when editing keeps the stored one."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pracharat.core.admin import ThaiDatesAdmin
from pracharat.network.models import (
    AccountingSession,
    AlertSource,
    DailyUsage,
    FaultReport,
    Incident,
    IncidentAlert,
    IncidentEvent,
    Nas,
    PointCost,
    ServicePoint,
)


class NasForm(forms.ModelForm):
    secret = forms.CharField(
        label=_("shared secret"),
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current secret."),
        max_length=128,
    )

    class Meta:
        model = Nas
        fields = [
            "service_point",
            "nas_ip",
            "nas_identifier",
            "called_station_id",
            "secret",
            "is_active",
        ]

    def clean_secret(self):
        secret = self.cleaned_data.get("secret", "")
        if not secret:
            if self.instance.pk:
                return Nas.objects.values_list("secret", flat=True).get(pk=self.instance.pk)
            raise forms.ValidationError(_("A new device needs a shared secret."))
        if len(secret) < 8:
            raise forms.ValidationError(_("Use at least 8 characters (RFC 2865 asks for 16)."))
        return secret


class NasInline(admin.TabularInline):
    model = Nas
    form = NasForm
    extra = 0
    fields = ["nas_ip", "nas_identifier", "called_station_id", "secret", "is_active", "last_seen"]
    readonly_fields = ["last_seen"]


class PointCostInline(admin.TabularInline):
    model = PointCost
    extra = 0
    fields = ["effective_from", "monthly_cost", "note", "recorded"]
    readonly_fields = ["recorded"]
    ordering = ["-effective_from"]


@admin.register(ServicePoint)
class ServicePointAdmin(ThaiDatesAdmin):
    list_display = ["code", "place_name", "area_code", "programme", "status", "last_seen"]
    list_filter = ["status", "programme", "provider"]
    raw_id_fields = ["village", "provider"]
    # The monthly cost is the rate in effect today: it follows the history below.
    readonly_fields = [
        "area_code",
        "monthly_cost",
        "status_changed",
        "last_seen",
        "last_traffic",
        "online_users",
    ]
    inlines = [NasInline, PointCostInline]
    search_fields = ["code", "place_name", "area_code", "ssid", "circuit_id"]

    def save_related(self, request, form, formsets, change):
        """A rate added or corrected here moves the point's current monthly cost too."""
        super().save_related(request, form, formsets, change)
        from pracharat.network import contracts

        contracts.refresh_current_cost(form.instance)


@admin.register(Nas)
class NasAdmin(ThaiDatesAdmin):
    form = NasForm
    list_display = [
        "__str__",
        "nas_ip",
        "nas_identifier",
        "service_point",
        "is_active",
        "last_seen",
    ]
    list_filter = ["is_active"]
    search_fields = ["nas_ip", "nas_identifier", "called_station_id", "service_point__code"]
    raw_id_fields = ["service_point"]
    list_select_related = ["service_point"]


class ReadOnlyAdmin(ThaiDatesAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccountingSession)
class AccountingSessionAdmin(ReadOnlyAdmin):
    list_display = ["session_key", "service_point", "started_at", "stopped_at", "status"]
    list_filter = ["status"]
    search_fields = ["session_key", "acct_session_id", "service_point__code"]
    list_select_related = ["service_point"]
    date_hierarchy = "started_at"
    show_full_result_count = False


@admin.register(DailyUsage)
class DailyUsageAdmin(ReadOnlyAdmin):
    list_display = ["service_point", "day", "sessions", "unique_users", "peak_concurrent"]
    search_fields = ["service_point__code", "area_code"]
    list_select_related = ["service_point"]
    date_hierarchy = "day"
    show_full_result_count = False


class IncidentEventInline(admin.TabularInline):
    model = IncidentEvent
    extra = 0
    readonly_fields = ["at", "kind", "actor", "note"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class IncidentAlertInline(admin.TabularInline):
    model = IncidentAlert
    extra = 0
    readonly_fields = ["source", "fingerprint", "name", "firing", "started_at", "ended_at"]
    fields = readonly_fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Incident)
class IncidentAdmin(ThaiDatesAdmin):
    list_display = ["__str__", "service_point", "agency", "source", "status", "sla_due"]
    list_filter = ["status", "source", "agency"]
    search_fields = ["summary", "service_point__code", "area_code"]
    raw_id_fields = ["service_point", "agency"]
    list_select_related = ["service_point", "agency"]
    inlines = [IncidentEventInline, IncidentAlertInline]


@admin.register(AlertSource)
class AlertSourceAdmin(ThaiDatesAdmin):
    """A provider's monitoring webhook. Saving a new one makes its token and shows it once."""

    list_display = ["name", "agency", "kind", "is_active", "last_used"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "agency__slug"]
    raw_id_fields = ["agency"]
    readonly_fields = ["last_used"]

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        from pracharat.network import alerts

        token = alerts.new_token()
        obj.token_hash = alerts.token_hash(token)
        super().save_model(request, obj, form, change)
        messages.warning(
            request,
            _("The token of %(name)s, shown only now: %(token)s")
            % {"name": obj.name, "token": token},
        )


@admin.register(FaultReport)
class FaultReportAdmin(ThaiDatesAdmin):
    list_display = ["reference", "service_point", "problem", "created", "incident"]
    list_filter = ["problem"]
    search_fields = ["reference", "service_point__code", "description"]
    raw_id_fields = ["service_point", "incident"]
    exclude = ["ip_hash", "photo"]  # the photo is private: a link to the checking view
    readonly_fields = ["photo_link"]
    actions = ["erase_reporters"]

    @admin.display(description=_("photo"))
    def photo_link(self, obj):
        if not obj.photo:
            return "-"
        return format_html(
            '<a href="{}">{}</a>', reverse("network:report_photo", args=[obj.pk]), _("Photo")
        )

    @admin.action(
        description=_("Erase the reporters of the selected reports (contact, text, photo)"),
        permissions=["change"],
    )
    def erase_reporters(self, request, queryset):
        """For a contact that is neither a phone nor an e-mail (a LINE ID); a person known
        by phone or e-mail is erased everywhere with ``pracharat erase_person``."""
        from auditlog.context import disable_auditlog

        from pracharat.core import audit
        from pracharat.network import actions

        with transaction.atomic():
            with disable_auditlog():
                count = actions.erase_report_contacts(queryset)
            audit.record_erasure({"fault reports": count}, actor=request.user)
        messages.success(
            request,
            ngettext(
                "%(count)d report no longer names its reporter.",
                "%(count)d reports no longer name their reporters.",
                count,
            )
            % {"count": count},
        )
