"""Admin for background work: the periodic schedule (read-only) and the ORM queue's results."""

from __future__ import annotations

from django.apps import apps
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django_tasks_db.admin import DBTaskResultAdmin
from django_tasks_db.models import DBTaskResult

from pracharat.core.models import PeriodicJob


@admin.register(PeriodicJob)
class PeriodicJobAdmin(admin.ModelAdmin):
    list_display = ("name", "due_at", "claimed_at", "finished_at", "runs")
    readonly_fields = ("name", "due_at", "claimed_at", "finished_at", "runs")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# django-tasks-db names its app in English, untranslated: the admin shows ours.
apps.get_app_config("django_tasks_database").verbose_name = _("Background tasks")

# django-tasks-db's own admin, with the failure's exception in the list and a filter by task.
admin.site.unregister(DBTaskResult)


@admin.register(DBTaskResult)
class TaskResultAdmin(DBTaskResultAdmin):
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
