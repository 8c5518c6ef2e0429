from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from pracharat.accounts.models import Agency, ApiToken, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["full_name"]
    list_display = ["full_name", "email", "phone", "is_active", "is_staff"]
    search_fields = ["full_name", "email", "phone"]
    fieldsets = [
        (None, {"fields": ["full_name", "email", "phone", "password"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
    ]
    add_fieldsets = [(None, {"fields": ["full_name", "email", "phone", "password1", "password2"]})]
    filter_horizontal = ["groups"]
    list_filter = ["is_active", "is_staff"]
    inlines = [MembershipInline]


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name_th", "kind", "area_code"]
    list_filter = ["kind"]
    search_fields = ["name_th", "name_en", "slug", "area_code"]
    prepopulated_fields = {"slug": ["name_en"]}


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "user", "prefix", "created", "expires"]
    readonly_fields = ["prefix"]
    raw_id_fields = ["user"]
