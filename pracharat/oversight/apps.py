from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The agencies' workspace, inspection visits, findings, follow-up actions and reports."""

    name = "pracharat.oversight"
    verbose_name = _("Oversight")

    def ready(self):
        from pracharat.core import registry
        from pracharat.oversight import numbers

        # --- reports, news and dashboards (ov-reports) ---
        registry.area_numbers("oversight", numbers.area_numbers)
        registry.province_numbers("oversight", numbers.by_province)
        registry.public_media("oversight/news")
