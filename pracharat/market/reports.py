"""Seller figures and exports: income by month (with its bar chart), best sellers, the orders
CSV and the product feed for other marketplaces."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from pracharat.core import charts, i18n
from pracharat.core.lib import thaidate
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
    ``{"month", "label", "orders", "income", "shipping"}`` (``label`` in the reader's
    language); months without sales are present with zero, so the chart shows gaps."""
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


ORDER_CSV_HEADER = [
    "number",
    "created",
    "status",
    "group",
    "buyer_name",
    "buyer_phone",
    "buyer_email",
    "address",
    "postcode",
    "items",
    "subtotal",
    "shipping_service",
    "shipping_fee",
    "total",
    "paid_at",
    "tracking_number",
    "shipped_at",
]


def _iso(value) -> str:
    if not value:
        return ""
    return timezone.localtime(value).isoformat(timespec="seconds")


def order_csv_rows(orders):
    """Rows of the seller's orders CSV (UTF-8, one order a line, items joined by "; ")."""
    yield ORDER_CSV_HEADER
    qs = orders.with_details().select_related("subdistrict__district__province").order_by("created")
    for o in qs:
        yield [
            o.number,
            _iso(o.created),
            o.status,
            o.group.code,
            o.buyer_name,
            o.buyer_phone,
            o.buyer_email,
            " ".join(o.address_lines()[1:]),
            o.postcode,
            "; ".join(f"{line.title} x{line.quantity}" for line in o.lines.all()),
            f"{o.subtotal:.2f}",
            o.shipping_service,
            f"{o.shipping_fee:.2f}",
            f"{o.total:.2f}",
            _iso(o.paid_at),
            o.tracking_number,
            _iso(o.shipped_at),
        ]


FEED_HEADER = [
    "id",
    "title",
    "description",
    "link",
    "image_link",
    "price",
    "availability",
    "brand",
    "condition",
    "shipping_weight",
    "product_type",
]


def feed_rows(products, absolute):
    """The product feed (Google Merchant-style columns most marketplaces accept):
    ``absolute(path)`` turns a site path into a full URL."""
    from django.urls import reverse

    yield FEED_HEADER
    for p in products:
        photo = p.first_photo
        yield [
            str(p.pk),
            p.title_th,
            " ".join((p.description_th or p.title_th).split())[:5000],
            absolute(reverse("market:product", args=[p.pk])),
            absolute(photo.image.url) if photo else "",
            f"{p.price:.2f} THB",
            "in stock" if p.stock > 0 else "out of stock",
            p.group.name_th,
            "new",
            f"{p.weight_grams} g",
            p.category.name_th,
        ]


def csv_safe(value: str) -> str:
    """Cells a spreadsheet would run as a formula (=, +, -, @) get a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
