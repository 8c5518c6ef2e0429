from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    """Community digital centres, courses, classes, attendance and certificates."""

    name = "pracharat.learning"
    verbose_name = _("Learning")
