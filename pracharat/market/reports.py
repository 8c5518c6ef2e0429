"""Seller figures and exports: income by month (with its bar chart), best sellers, the orders
export and the product feed for other marketplaces (tables in :mod:`pracharat.core.tables`)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pracharat.core import charts, i18n
from pracharat.core.lib import thaidate
from pracharat.core.tables import Column, Table
from pracharat.market.models import OrderLine, OrderStatus
from pracharat.market.templatetags.market import baht

ZERO = Decimal("0.00")


def _month_of(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return thaidate.month_start(value)


def income_by_month(orders, months: int = 12) -> list[dict]:
    """The last ``months`` months up to this one, oldest first, each
    ``{"month", "label", "orders", "income", "shipping", "promptpay", "cod"}`` (``label`` in
    the reader's language; ``promptpay`` and ``cod`` split ``income``); months without sales
    are present with zero, so the chart shows gaps."""
    by_month = {
        _month_of(row["month"]): row for row in orders.income_by_month() if row["month"] is not None
    }
    rows = []
    for start in thaidate.last_months(timezone.localdate(), months):
        row = by_month.get(start, {})
        rows.append(
            {
                "month": start,
                "label": i18n.month_label(start),
                "orders": row.get("orders", 0),
                "income": row.get("income") or ZERO,
                "shipping": row.get("shipping") or ZERO,
                "promptpay": row.get("promptpay") or ZERO,
                "cod": row.get("cod") or ZERO,
            }
        )
    return rows


def income_chart(rows: list[dict]) -> str:
    """One bar per month (``core.charts``): the month's short name under each, the year under
    the first and under each January, the exact baht in each bar's title."""
    return charts.bar_chart(
        [float(r["income"]) for r in rows],
        [i18n.month_label(r["month"], short=True) for r in rows],
        sublabels=[
            i18n.year_label(r["month"]) if i == 0 or r["month"].month == 1 else ""
            for i, r in enumerate(rows)
        ],
        tips=[r["label"] for r in rows],
        tip_fmt=baht,
        title=_("Income by month"),
    )


def best_sellers(orders, limit: int = 10) -> list[dict]:
    """``[{"product_id", "title", "quantity", "revenue"}]`` over the paid ones of ``orders``,
    most units first. (``OrderLineQuerySet.best_sellers`` names its sum ``quantity``, which
    then shadows the field inside the revenue sum; this aggregates under other names.)"""
    rows = (
        OrderLine.objects.filter(
            order__in=orders.filter(status__in=OrderStatus.paid_states()).values("pk")
        )
        .values("product_id", "title")
        .annotate(sold=Sum("quantity"), earned=Sum(F("unit_price") * F("quantity")))
        .order_by("-sold", "title")[:limit]
    )
    return [
        {
            "product_id": r["product_id"],
            "title": r["title"],
            "quantity": r["sold"],
            "revenue": r["earned"],
        }
        for r in rows
    ]


def _items(order) -> str:
    return "; ".join(f"{line.title} x{line.quantity}" for line in order.lines.all())


#: The seller's orders export (CSV or XLSX), one order a line, headers in the reader's language.
ORDER_COLUMNS = [
    Column("number", gettext_lazy("Order number")),
    Column("created", gettext_lazy("Ordered at")),
    Column("status", gettext_lazy("Status"), value=lambda o: o.get_status_display()),
    Column("group", gettext_lazy("Group"), value="group.code"),
    Column("buyer_name", gettext_lazy("Buyer")),
    Column("buyer_phone", gettext_lazy("Phone")),
    Column("buyer_email", gettext_lazy("Email")),
    Column("address", gettext_lazy("Address"), value=lambda o: " ".join(o.address_lines()[1:])),
    Column("postcode", gettext_lazy("Postcode")),
    Column("items", gettext_lazy("Items"), value=_items),
    Column("subtotal", gettext_lazy("Subtotal (baht)")),
    Column("shipping_service", gettext_lazy("Shipping service")),
    Column("shipping_fee", gettext_lazy("Shipping fee (baht)")),
    Column("total", gettext_lazy("Total (baht)")),
    Column("paid_at", gettext_lazy("Paid at")),
    Column("tracking_number", gettext_lazy("Tracking number")),
    Column("shipped_at", gettext_lazy("Shipped at")),
    Column("pay_by", gettext_lazy("Payment"), value=lambda o: o.get_pay_by_display()),
    Column("cod_fee", gettext_lazy("Cash on delivery fee (baht)")),
]
ORDER_TABLE = Table(ORDER_COLUMNS)


def orders_for_export(orders):
    return (
        orders.with_details()
        .select_related("group", "subdistrict__district__province")
        .order_by("created", "pk")
    )


def _feed_photo(absolute):
    def value(p):
        photo = p.first_photo
        return absolute(photo.image.url) if photo else ""

    return value


def feed_table(absolute) -> Table:
    """The product feed (Google Merchant-style columns most marketplaces accept, so the
    header is the keys): ``absolute(path)`` turns a site path into a full URL."""
    from django.urls import reverse

    return Table(
        [
            Column("id", "id", value=lambda p: str(p.pk)),
            Column("title", "title", value="title_th"),
            Column(
                "description",
                "description",
                value=lambda p: " ".join((p.description_th or p.title_th).split())[:5000],
            ),
            Column(
                "link", "link", value=lambda p: absolute(reverse("market:product", args=[p.pk]))
            ),
            Column("image_link", "image_link", value=_feed_photo(absolute)),
            Column("price", "price", value=lambda p: f"{p.price:.2f} THB"),
            Column(
                "availability",
                "availability",
                value=lambda p: "in stock" if p.stock > 0 else "out of stock",
            ),
            Column("brand", "brand", value="group.name_th"),
            Column("condition", "condition", value=lambda p: "new"),
            Column("shipping_weight", "shipping_weight", value=lambda p: f"{p.weight_grams} g"),
            Column("product_type", "product_type", value="category.name_th"),
        ],
        header="key",
        bom=False,
    )
