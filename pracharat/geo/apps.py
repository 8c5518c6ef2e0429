from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GeoConfig(AppConfig):
    name = "pracharat.geo"
    verbose_name = _("Geography")
    nav = [("geo:country", _("Areas"))]

    def ready(self):
        from pracharat.core import registry
        from pracharat.geo import demo

        registry.demo_loader(demo.load)
