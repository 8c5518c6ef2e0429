from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NetworkConfig(AppConfig):
    name = "pracharat.network"
    verbose_name = _("Network")

    def ready(self):
        from auditlog.registry import auditlog

        from pracharat.core import registry
        from pracharat.core.lib.env import env_bool
        from pracharat.network import models

        # Liveness columns change every few minutes; the audit log keeps the decisions.
        auditlog.register(
            models.ServicePoint,
            exclude_fields=["last_seen", "last_traffic", "online_users", "updated"],
        )
        # The secret never goes into the audit log.
        auditlog.register(
            models.Nas, exclude_fields=["secret", "last_seen", "last_heartbeat", "updated"]
        )
        auditlog.register(models.Incident, exclude_fields=["updated"])
        auditlog.register(models.FaultReport, exclude_fields=["ip_hash"])
        registry.serve_process(["radius"])
        if env_bool("PRACHARAT_DEMO_TRAFFIC", False):
            # `make run`: live sessions from the demo's Phitsanulok points, as real RADIUS
            # packets to the listener, so the pages show activity as well as history.
            registry.serve_process(
                ["simulate", "--province", "65", "--points", "60", "--live",
                 "--duration", "86400", "--rate", "1"]
            )  # fmt: skip

        from pracharat.network import demo

        registry.demo_loader(demo.load)
        from pracharat.network import panels

        registry.area_panel(panels.area_panel)
