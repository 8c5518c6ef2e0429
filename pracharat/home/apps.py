from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HomeConfig(AppConfig):
    """The front page at the site's root: what Net Pracharat is, and the way into the areas."""

    name = "pracharat.home"
    verbose_name = _("Home page")
    #: Mounted at the root rather than at ``home/`` (see ``core.registry.url_prefix``).
    url_prefix = ""
