"""The market's numbers per area and period (the ``core.numbers`` contract).

Three queries whatever the area: groups, products on sale, and the orders paid in the period
with their goods total (the seller's income, postage apart, as on the seller's figures page).
An order counts where its group was when it was placed (``Order.area_code``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.utils.translation import gettext_lazy as _

from pracharat.core.numbers import Number, Period
from pracharat.market.models import Order, OrderStatus, ProducerGroup, Product

LABELS = {
    "groups": _("Producer groups"),
    "products": _("Products on sale"),
    "orders": _("Orders paid"),
    "revenue": _("Sales (goods, baht)"),
}


def area_numbers(code: str, period: Period) -> list[Number]:
    """Active groups and products on sale that existed by the period's end; orders paid in the
    period (paid, shipped or delivered now; cancelled ones are not sales) and their goods
    subtotal in baht."""
    lo, hi = period.bounds()
    groups = ProducerGroup.objects.active().in_area(code).filter(created__lt=hi).count()
    products = Product.objects.active().in_area(code).filter(created__lt=hi).count()
    paid = (
        Order.objects.in_area(code)
        .filter(status__in=OrderStatus.paid_states(), paid_at__gte=lo, paid_at__lt=hi)
        .aggregate(orders=Count("pk"), revenue=Sum("subtotal"))
    )
    values = {
        "groups": (groups, "count"),
        "products": (products, "count"),
        "orders": (paid["orders"], "count"),
        "revenue": (paid["revenue"] or Decimal("0.00"), "baht"),
    }
    return [Number(key, LABELS[key], value, unit) for key, (value, unit) in values.items()]
