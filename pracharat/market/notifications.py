"""E-mails about orders, to the buyer and to the producer group.

Sent by ``actions`` through ``transaction.on_commit``, so a rolled-back change mails nobody.
Texts are plain, Thai first with English below (a buyer may read either), and carry the order
number and the phone-based lookup so a buyer without an account can find the order.
A failed send is logged, never raised: the order change has already been committed.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager

from django.conf import settings
from django.core.mail import send_mail
from django.utils import translation

from pracharat.market.models import Order, OrderStatus

log = logging.getLogger(__name__)
_state = threading.local()


@contextmanager
def muted():
    """No e-mails inside (the demo loader builds orders without mailing fake buyers).
    Wrap the whole transaction: the mails would be sent when it commits."""
    previous = getattr(_state, "muted", False)
    _state.muted = True
    try:
        yield
    finally:
        _state.muted = previous


#: Status -> (Thai subject, English subject) for the buyer.
BUYER_SUBJECTS = {
    OrderStatus.PENDING_PAYMENT: ("ได้รับคำสั่งซื้อ {number} แล้ว", "Order {number} received"),
    OrderStatus.PAYMENT_REVIEW: (
        "ได้รับสลิปโอนเงินของคำสั่งซื้อ {number}",
        "Transfer slip received for order {number}",
    ),
    OrderStatus.PAID: ("ชำระเงินคำสั่งซื้อ {number} แล้ว", "Order {number} is paid"),
    OrderStatus.SHIPPED: ("ส่งพัสดุคำสั่งซื้อ {number} แล้ว", "Order {number} has been shipped"),
    OrderStatus.DELIVERED: ("พัสดุคำสั่งซื้อ {number} ถึงแล้ว", "Order {number} delivered"),
    OrderStatus.CANCELLED: ("ยกเลิกคำสั่งซื้อ {number}", "Order {number} cancelled"),
}

#: Status -> (Thai, English) subject for the seller; statuses the seller must act on.
SELLER_SUBJECTS = {
    OrderStatus.PENDING_PAYMENT: ("คำสั่งซื้อใหม่ {number}", "New order {number}"),
    OrderStatus.PAYMENT_REVIEW: (
        "มีสลิปโอนเงินให้ตรวจ คำสั่งซื้อ {number}",
        "Transfer slip to check for order {number}",
    ),
    OrderStatus.PAID: ("คำสั่งซื้อ {number} ชำระแล้ว กรุณาจัดส่ง", "Order {number} paid: ship it"),
    OrderStatus.DELIVERED: ("คำสั่งซื้อ {number} ส่งถึงผู้ซื้อแล้ว", "Order {number} delivered"),
    OrderStatus.CANCELLED: ("คำสั่งซื้อ {number} ถูกยกเลิก", "Order {number} cancelled"),
}


def _seller_addresses(order: Order) -> list[str]:
    group = order.group
    emails = {group.email} if group.email else set()
    emails |= {
        email
        for email in group.members.select_related("user").values_list("user__email", flat=True)
        if email
    }
    return sorted(emails)


def _lines(order: Order) -> str:
    rows = [
        f"- {line.title} × {line.quantity} = {line.line_total} บาท" for line in order.lines.all()
    ]
    rows.append(f"ค่าส่ง / postage: {order.shipping_fee} บาท")
    rows.append(f"รวม / total: {order.total} บาท")
    return "\n".join(rows)


def _body(order: Order, note: str, for_seller: bool) -> str:
    with translation.override("th"):
        status_th = str(OrderStatus(order.status).label)
    with translation.override("en"):
        status_en = str(OrderStatus(order.status).label)
    parts = [
        f"คำสั่งซื้อ / Order: {order.number}",
        f"ร้าน / Seller: {order.group.name_th}",
        f"สถานะ / Status: {status_th} / {status_en}",
    ]
    if order.tracking_number:
        parts.append(
            f"เลขพัสดุ / Tracking: {order.tracking_number} (https://track.thailandpost.co.th/?trackNumber={order.tracking_number})"
        )
    if note:
        parts.append(f"หมายเหตุ / Note: {note}")
    parts.append("")
    parts.append(_lines(order))
    if for_seller:
        parts += ["", f"ผู้ซื้อ / Buyer: {order.buyer_name} {order.buyer_phone}"]
        parts += order.address_lines()[1:]
    else:
        parts += [
            "",
            "ดูคำสั่งซื้อได้ที่หน้า 'ติดตามคำสั่งซื้อ' ด้วยเลขคำสั่งซื้อและเบอร์โทรที่ให้ไว้",
            "See the order on the 'Track my order' page with the order number and your phone.",
        ]
    return "\n".join(parts)


def _send(subject_pair: tuple[str, str], order: Order, recipients: list[str], body: str) -> None:
    if not recipients or getattr(_state, "muted", False):
        return
    subject = " / ".join(s.format(number=order.number) for s in subject_pair)
    try:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # the change is committed; a mail outage must not turn it into a 500
        log.exception("could not send the e-mail about order %s", order.number)


def order_changed(order_id: int, note: str = "") -> None:
    """Tell the buyer and the seller about the order's current status."""
    order = Order.objects.select_related("group", "subdistrict__district__province").get(
        pk=order_id
    )
    if order.status in BUYER_SUBJECTS and order.buyer_email:
        _send(BUYER_SUBJECTS[order.status], order, [order.buyer_email], _body(order, note, False))
    if order.status in SELLER_SUBJECTS:
        _send(
            SELLER_SUBJECTS[order.status], order, _seller_addresses(order), _body(order, note, True)
        )


def payment_needs_attention(order_id: int, note: str) -> None:
    """Money arrived for an order that cannot take it (cancelled, or already paid)."""
    order = Order.objects.select_related("group").get(pk=order_id)
    _send(
        ("มีเงินโอนที่ต้องตรวจสอบ คำสั่งซื้อ {number}", "Payment to check for order {number}"),
        order,
        _seller_addresses(order),
        _body(order, note, True),
    )
