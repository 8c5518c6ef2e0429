"""The market's numbers per area and period (the ``core.numbers`` contract).

Three queries whatever the area (and three for every province at once, ``by_province``):
groups, products on sale, and the orders paid in the period
with their goods total (the seller's income, postage apart, as on the seller's figures page).
An order counts where its group was when it was placed (``Order.area_code``).
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from pracharat.core.numbers import Number, Period
from pracharat.market.models import Order, OrderStatus, ProducerGroup, Product

LABELS = {
    "groups": _("Producer groups"),
    "products": _("Products on sale"),
    "orders": _("Orders paid"),
    "revenue": _("Sales (goods, baht)"),
}


def _numbers(groups: int, products: int, orders: int, revenue) -> list[Number]:
    values = {
        "groups": (groups, "count"),
        "products": (products, "count"),
        "orders": (orders, "count"),
        "revenue": (revenue or Decimal("0.00"), "baht"),
    }
    return [Number(key, LABELS[key], value, unit) for key, (value, unit) in values.items()]


def _sources(period: Period):
    lo, hi = period.bounds()
    groups = ProducerGroup.objects.active().filter(created__lt=hi)
    products = Product.objects.active().filter(created__lt=hi)
    paid = Order.objects.filter(
        status__in=OrderStatus.paid_states(), paid_at__gte=lo, paid_at__lt=hi
    )
    return groups, products, paid


def area_numbers(code: str, period: Period) -> list[Number]:
    """Active groups and products on sale that existed by the period's end; orders paid in the
    period (paid, shipped or delivered now; cancelled ones are not sales) and their goods
    subtotal in baht."""
    groups, products, paid = _sources(period)
    sales = paid.in_area(code).aggregate(orders=Count("pk"), revenue=Sum("subtotal"))
    return _numbers(
        groups.in_area(code).count(),
        products.in_area(code).count(),
        sales["orders"],
        sales["revenue"],
    )


def by_province(period: Period, codes: list[str]) -> dict[str, list[Number]]:
    """:func:`area_numbers` for every province of ``codes`` in three queries, each grouped by
    province in the database (the ``core.numbers.by_province`` contract)."""
    groups, products, paid = _sources(period)

    def per_province(qs, column, **figures):
        rows = qs.order_by().annotate(prov=Substr(column, 1, 2)).values("prov")
        return {row.pop("prov"): row for row in rows.annotate(**figures)}

    group_counts = per_province(groups, "area_code", n=Count("pk"))
    product_counts = per_province(products, "group__area_code", n=Count("pk"))
    sales = per_province(paid, "area_code", orders=Count("pk"), revenue=Sum("subtotal"))
    return {
        code: _numbers(
            group_counts.get(code, {}).get("n", 0),
            product_counts.get(code, {}).get("n", 0),
            sales.get(code, {}).get("orders", 0),
            sales.get(code, {}).get("revenue"),
        )
        for code in codes
    }
