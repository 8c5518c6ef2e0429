from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Community digital centres, courses, classes, attendance and certificates."""

    name = "pracharat.learning"
    verbose_name = _("Learning")

    def ready(self):
        from pracharat.core import audit, registry
        from pracharat.learning import numbers
        from pracharat.learning.models import Certificate

        # learn-cert: the pillar's numbers (the read contract) and the certificates' audit
        registry.area_numbers("learning", numbers.area_numbers)
        audit.register(Certificate, personal=("holder_name",), exclude=("credential",))
