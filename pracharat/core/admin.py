"""The admin in Thai: the site's titles, and dates in lists in the Buddhist Era; and the admin
of background work (the periodic schedule, the ORM queue's task results).

``LANGUAGE_CODE`` is Thai, so Django's own admin texts are already Thai; its date columns,
though, are CE (Django's Thai formats have no Buddhist year). Every ModelAdmin of ours takes
:class:`ThaiDatesAdmin`, whose list columns for date and date-time fields show them as the site
does (``core.i18n``: 23 ก.ค. 2563 14:05 น.; CE on an English admin), still sortable.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from pracharat.core import i18n
from pracharat.core.models import Delivery, PeriodicJob

admin.site.site_header = _("Net Pracharat administration")
admin.site.site_title = _("Net Pracharat administration")
admin.site.index_title = _("Data and settings")


def be_column(field: models.Field):
    """A list column showing ``field`` (a date or date-time) as ``core.i18n`` writes it."""

    def show(obj):
        value = getattr(obj, field.name)
        if value is None:
            return None  # the admin's empty-value dash
        if isinstance(field, models.DateTimeField):
            return i18n.datetime_label(value)
        return i18n.date_label(value, "short")

    show.short_description = field.verbose_name
    show.admin_order_field = field.name
    show.__name__ = field.name
    return show


class ThaiDatesMixin:
    """Date and date-time columns of ``list_display`` in the Buddhist Era on Thai pages."""

    def get_list_display(self, request):
        columns = []
        for name in super().get_list_display(request):
            field = None
            if isinstance(name, str):
                try:
                    field = self.model._meta.get_field(name)
                except FieldDoesNotExist:  # a method, an admin attribute or "__str__"
                    field = None
            if isinstance(field, models.DateField):  # DateTimeField is one too
                columns.append(be_column(field))
            else:
                columns.append(name)
        return columns


class ThaiDatesAdmin(ThaiDatesMixin, admin.ModelAdmin):
    """The ModelAdmin every app's admin derives from."""


@admin.register(Delivery)
class DeliveryAdmin(ThaiDatesAdmin):
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


# -- background work (core.jobs) --------------------------------------------------------------


@admin.register(PeriodicJob)
class PeriodicJobAdmin(ThaiDatesAdmin):
    list_display = ["name", "due_at", "claimed_at", "finished_at", "runs"]
    readonly_fields = list_display

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-tasks-db names its app in English, untranslated: the admin shows ours.
apps.get_app_config("django_tasks_database").verbose_name = _("Background tasks")

# django-tasks-db's own admin, with the failure's exception in the list and a filter by task.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(ThaiDatesMixin, DBTaskResultAdmin):
    list_display = (
        "task_name",
        "status",
        "attempt",
        "enqueued_at",
        "finished_at",
        "exception_class_path",
        "queue_name",
    )
    list_filter = ("status", "task_path", "queue_name")
    search_fields = ("id", "task_path")

    @admin.display(description=_("attempt"))
    def attempt(self, obj: DBTaskResult) -> int:
        from pracharat.core.jobs import ATTEMPT_KWARG

        return int((obj.args_kwargs or {}).get("kwargs", {}).get(ATTEMPT_KWARG, 1))
