from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OversightConfig(AppConfig):
    """The agencies' workspace, inspection visits, findings, follow-up actions and reports."""

    name = "pracharat.oversight"
    verbose_name = _("Oversight")
