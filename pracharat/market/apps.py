from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "pracharat.market"
    verbose_name = _("Market")

    def ready(self):
        from auditlog.registry import auditlog

        from pracharat.core import registry
        from pracharat.core.lib.env import env_int, env_str
        from pracharat.market import demo, models, search  # noqa: F401  (search: ORM lookup)

        registry.demo_loader(demo.load)
        registry.public_media("market/products")  # photos and thumbnails (random names)
        registry.public_media("market/groups")  # logos
        if env_str("THAILANDPOST_API_KEY"):  # poll Track & Trace beside the web app
            registry.serve_process(
                ["track", "--every", str(env_int("THAILANDPOST_POLL_SECONDS", 1800))]
            )
        from pracharat.market.panels import area_panel  # the web side's area panel

        registry.area_panel(area_panel)
        for model in (
            models.ProducerGroup,
            models.GroupMember,
            models.Category,
            models.Product,
            models.ShippingRate,
            models.Order,
            models.Payment,
        ):
            auditlog.register(model)
