from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    """The village volunteers (เน็ตอาสาประชารัฐ): who they are and what they did."""

    name = "pracharat.volunteers"
    verbose_name = _("Volunteers")
