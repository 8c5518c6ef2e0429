from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "pracharat.network"
    verbose_name = _("Network")
    nav = [("network:index", _("Service points"))]

    def ready(self):
        from pracharat.core import audit, registry
        from pracharat.network import models

        # Liveness columns change every few minutes; the audit log keeps the decisions.
        audit.register(
            models.ServicePoint,
            exclude=["last_seen", "last_traffic", "online_users", "updated"],
        )
        # The secret never goes into the audit log.
        audit.register(models.Nas, exclude=["secret", "last_seen", "last_heartbeat", "updated"])
        audit.register(models.Incident, exclude=["updated"])
        # What the public typed or sent (contact, free text, the photo's file name) is recorded
        # as changed, never with its value (core.audit).
        audit.register(
            models.FaultReport, personal=["contact", "description", "photo"], exclude=["ip_hash"]
        )
        registry.serve_process(["radius"])
        if settings.PRACHARAT_DEMO_TRAFFIC:
            # `make run`: live sessions from the demo's Phitsanulok points, as real RADIUS
            # packets to the listener, so the pages show activity as well as history.
            registry.serve_process(
                ["simulate", "--province", "65", "--points", "60", "--live",
                 "--duration", "86400", "--rate", "1"]
            )  # fmt: skip

        from django.db.models.signals import post_migrate

        from pracharat.network import actions, demo, lawful

        # The lawful-request role's permission (network.lawful; no migration needed).
        post_migrate.connect(lawful.ensure_permission, sender=self)

        registry.demo_loader(demo.load)
        registry.personal_data_purger(actions.purge_fault_reports)
        registry.person_eraser(actions.erase_reporter)
        from pracharat.network import panels

        registry.area_panel(panels.area_panel)
        from pracharat.network import numbers

        registry.area_numbers("network", numbers.area_numbers)
        registry.province_numbers("network", numbers.by_province)
