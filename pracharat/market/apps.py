from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

#: What identifies the buyer on an order (the PromptPay ID and payload name the group's
#: payee, often a member's own number).
ORDER_PERSONAL_FIELDS = [
    "buyer_name",
    "buyer_phone",
    "buyer_email",
    "address_line1",
    "address_line2",
    "note",
    "promptpay_id",
    "promptpay_payload",
]


class MarketConfig(AppConfig):
    name = "pracharat.market"
    verbose_name = _("Market")
    nav = [("market:index", _("Market"))]

    def ready(self):
        from pracharat.core import audit, registry
        from pracharat.market import demo, models, search  # noqa: F401  (search: ORM lookup)

        registry.demo_loader(demo.load)
        registry.public_media("market/products")  # photos and thumbnails (random names)
        registry.public_media("market/groups")  # logos
        registry.public_media("market/share")  # 1200x630 share pictures (share_image)
        from pracharat.market import actions

        registry.personal_data_purger(actions.purge_orders)
        registry.person_eraser(actions.erase_person)
        from pracharat.market.panels import area_panel  # the web side's area panel

        registry.area_panel(area_panel)
        self._connect_fragments(models)
        from pracharat.market import numbers

        registry.area_numbers("market", numbers.area_numbers)
        registry.province_numbers("market", numbers.by_province)
        # Personal fields are recorded as changed, never with their values (core.audit). A
        # group's phone, e-mail, LINE ID and PromptPay ID are often a member's own.
        audit.register(
            models.ProducerGroup,
            personal=["phone", "email", "line_id", "line_push_id", "promptpay_id"],
        )
        audit.register(models.GroupMember, repr_is_personal=True)
        audit.register(models.Category)
        audit.register(models.Product)
        audit.register(models.ShippingRate)
        audit.register(models.SearchSynonym)
        audit.register(models.Order, personal=ORDER_PERSONAL_FIELDS)
        audit.register(models.Payment, personal=["note"])

    @staticmethod
    def _connect_fragments(models):
        """Every save or delete of what the shop window's cached parts show starts new
        generations of the parts that show it (``fragments``): through actions, the admin and
        its inlines alike. Stock changes by conditional UPDATE call
        ``fragments.products_changed`` themselves."""
        from django.db.models.signals import post_delete, post_save

        from pracharat.geo import models as geo
        from pracharat.market import fragments

        receivers = {
            models.Product: fragments.on_product_write,
            models.ProducerGroup: fragments.on_listing_write,
            models.Category: fragments.on_listing_write,
            models.ProductPhoto: fragments.on_photo_write,
            models.Rating: fragments.on_rating_write,
            geo.Village: fragments.on_place_write,
            geo.SubDistrict: fragments.on_place_write,
            geo.District: fragments.on_place_write,
            geo.Province: fragments.on_place_write,
        }
        for model, receiver in receivers.items():
            for signal in (post_save, post_delete):
                signal.connect(receiver, sender=model, dispatch_uid="market-fragments")
