"""Messages about orders, to the buyer and to the producer group, through core.notifications.

Called by ``actions`` inside their transaction: the deliveries are written with the order
change and sent by a task once it commits, so a rolled-back change notifies nobody, and a
mail or LINE outage never turns the change into an error. The buyer (the order itself is the
recipient: its e-mail, and the account's LINE ID and language when they have one) reads
the order's language; the group's own address and LINE group read Thai, each member their own.
The texts carry the order number and the phone-based lookup, so a buyer without an account
can find the order. Templates: ``market/notifications/*.txt``.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from pracharat.core.notifications import muted, notify
from pracharat.market.models import Order, OrderStatus

__all__ = ["muted", "order_changed", "order_expiring", "payment_needs_attention"]

#: Statuses the buyer hears about.
BUYER_STATUSES = {
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.COD,
    OrderStatus.EXPIRED,
    OrderStatus.PAYMENT_REVIEW,
    OrderStatus.PAID,
    OrderStatus.SHIPPED,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
}
#: Statuses the seller hears about: a new order, a slip to check, money to ship for …
SELLER_STATUSES = {
    OrderStatus.PENDING_PAYMENT,
    OrderStatus.COD,
    OrderStatus.EXPIRED,
    OrderStatus.PAYMENT_REVIEW,
    OrderStatus.PAID,
    OrderStatus.DELIVERED,
    OrderStatus.CANCELLED,
}


def sellers(order: Order) -> list:
    """The group (its shared e-mail and LINE group) and every active member."""
    members = get_user_model().objects.filter(
        producer_memberships__group_id=order.group_id, is_active=True
    )
    return [order.group, *members.order_by("pk")]


def _context(order: Order, note: str) -> dict:
    return {"order": order, "lines": list(order.lines.all()), "note": note}


def order_changed(order: Order, note: str = "") -> None:
    """Tell the buyer and the seller about the order's current status (after commit)."""
    order = Order.objects.select_related("group", "buyer", "subdistrict__district__province").get(
        pk=order.pk
    )
    context = _context(order, note)
    if order.status in BUYER_STATUSES:
        notify([order], "market/notifications/order_buyer", context)
    if order.status in SELLER_STATUSES:
        notify(sellers(order), "market/notifications/order_seller", context)


def payment_needs_attention(order: Order, note: str) -> None:
    """Money arrived for an order that cannot take it (cancelled, or already paid)."""
    order = Order.objects.select_related("group", "buyer", "subdistrict__district__province").get(
        pk=order.pk
    )
    notify(sellers(order), "market/notifications/payment_attention", _context(order, note))


def order_expiring(order: Order) -> None:
    """Tell the group (its LINE group, e-mail and members) that an unpaid order is about to
    expire at its ``payment_deadline``; once per order (``key``), however often the expiry
    job runs."""
    order = Order.objects.select_related("group", "buyer", "subdistrict__district__province").get(
        pk=order.pk
    )
    context = {**_context(order, ""), "deadline": order.payment_deadline}
    notify(
        sellers(order),
        "market/notifications/order_expiring",
        context,
        key=f"market.order_expiring.{order.pk}",
    )
