from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pracharat.core"
    verbose_name = _("Core")

    def ready(self):
        from auditlog.models import LogEntry
        from django.db.backends.signals import connection_created
        from django.db.models.signals import pre_save

        from pracharat.core import (
            audit,
            checks,  # noqa: F401  (registers the system checks)
            registry,
        )
        from pracharat.core.collation import register_sqlite_collation
        from pracharat.core.lib import images

        # The background worker: runs queued tasks and ticks the periodic schedule.
        registry.serve_process(["worker"])
        images.guard_pillow()  # a decompression bomb raises anywhere, not only in the loader
        pre_save.connect(audit.hide_personal_repr, sender=LogEntry, dispatch_uid="pracharat-audit")

        from pracharat.core import notifications, registry

        registry.personal_data_purger(notifications.purge_log)
        registry.person_eraser(notifications.erase_recipient)
        # Thai dictionary order on SQLite as on PostgreSQL (core.collation)
        connection_created.connect(register_sqlite_collation, dispatch_uid="pracharat-thai")
