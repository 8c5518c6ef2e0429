from django.contrib import admin

from pracharat.core.models import Delivery


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """The notification log: read-only, what went to whom and whether it was delivered."""

    list_display = [
        "created",
        "recipient_label",
        "channel",
        "address",
        "subject",
        "status",
        "attempts",
        "sent_at",
    ]
    list_filter = ["status", "channel", "template", "recipient_type"]
    search_fields = ["recipient_label", "subject", "address", "key"]
    date_hierarchy = "created"
    list_select_related = ["recipient_type"]
    fields = [
        "recipient_type",
        "recipient_id",
        "recipient_label",
        "channel",
        "address",
        "language",
        "template",
        "key",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    ]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
