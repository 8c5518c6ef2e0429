from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pracharat.accounts.models import Agency, ApiToken, Membership, User
from pracharat.core.admin import ThaiDatesAdmin, ThaiDatesMixin


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(ThaiDatesMixin, BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "phone", "is_active", "is_staff"]
    search_fields = ["full_name", "email", "phone"]
    fieldsets = [
        (None, {"fields": ["full_name", "email", "phone", "password"]}),
        (_("Notifications"), {"fields": ["language", "line_push_id"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [(None, {"fields": ["full_name", "email", "phone", "password1", "password2"]})]
    filter_horizontal = ["groups"]
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]
    actions = ["erase_people"]

    @admin.action(
        description=_("Erase the personal data of the selected people"), permissions=["change"]
    )
    def erase_people(self, request, queryset):
        """Each person's account, orders and fault reports (``core.personal_data``)."""
        from pracharat.core.personal_data import erase_person

        people = list(queryset.exclude(pk=request.user.pk))
        for user in people:
            erase_person(phone=user.phone, email=user.email, actor=request.user)
        if queryset.filter(pk=request.user.pk).exists():
            messages.warning(request, _("Your own account was left as it is."))
        messages.success(
            request,
            ngettext(
                "The personal data of %(count)d person was erased.",
                "The personal data of %(count)d people was erased.",
                len(people),
            )
            % {"count": len(people)},
        )


@admin.register(Agency)
class AgencyAdmin(ThaiDatesAdmin):
    list_display = ["name_th", "kind", "area_code"]
    list_filter = ["kind"]
    search_fields = ["name_th", "name_en", "slug", "area_code"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(ApiToken)
class ApiTokenAdmin(ThaiDatesAdmin):
    list_display = ["name", "user", "prefix", "created", "expires"]
    readonly_fields = ["prefix"]
    raw_id_fields = ["user"]
