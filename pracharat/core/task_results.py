"""django-tasks-db (the ORM queue) under a translated name in the admin.

In a module of its own: a second AppConfig in ``core/apps.py`` would stop Django from picking
``CoreConfig`` for core.
"""

from django.utils.translation import gettext_lazy as _
from django_tasks_db.apps import TasksAppConfig


class TaskResultsConfig(TasksAppConfig):
    verbose_name = _("Background tasks")
