from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "pracharat.core"
    verbose_name = _("Core")

    def ready(self):
        from auditlog.models import LogEntry
        from django.db.models.signals import pre_save

        from pracharat.core import audit

        pre_save.connect(audit.hide_personal_repr, sender=LogEntry, dispatch_uid="pracharat-audit")
