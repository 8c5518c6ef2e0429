"""Reads for the market's pages and API: what a page shows, in a fixed number of queries.

Scoping lives in ``querysets``; these helpers combine those named reads for one screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from pythainlp.util import bahttext

from pracharat.core.collation import by_name
from pracharat.core.errors import TooMany
from pracharat.core.lib import barcodes, qr
from pracharat.core.limits import Limit
from pracharat.geo.models import Province
from pracharat.market.lib import promptpay
from pracharat.market.models import (
    Category,
    Order,
    OrderLine,
    OrderStatus,
    ProducerGroup,
    Product,
    ProductPhoto,
    Rating,
    TrackingEvent,
)

#: Products per catalogue page: a phone screen scrolls through 24 thumbnails quickly.
PAGE_SIZE = 24

#: Session key listing the order numbers this browser may open without an account
#: (those it checked out, or looked up with number + phone).
SESSION_ORDERS = "market_orders"


def categories():
    return list(Category.objects.all())


def provinces_with_groups():
    """Provinces where at least one active group sells: the catalogue's province filter."""
    codes = {
        code[:2]
        for code in ProducerGroup.objects.active().values_list("area_code", flat=True).distinct()
    }
    return list(Province.objects.filter(code__in=codes).order_by(*by_name()))


def product_detail(pk: int, user):
    """The product page's product, its group and village, photos in order."""
    return (
        Product.objects.visible_to(user)
        .select_related("group__village__subdistrict__district__province", "category")
        .prefetch_related(
            Prefetch(
                "photos",
                queryset=ProductPhoto.objects.order_by("position", "pk"),
                to_attr="photo_list",
            )
        )
        .filter(pk=pk)
    )


def group_products(group, user, limit: int = 60):
    return (
        Product.objects.visible_to(user)
        .filter(group=group)
        .for_listing()
        .order_by("-active", *by_name(stem="title"), "pk")[:limit]
    )


def groups_for_listing():
    return (
        ProducerGroup.objects.active()
        .select_related("village__subdistrict__district__province")
        .order_by(*by_name())
    )


# --- Buyer side -------------------------------------------------------------------------------


#: Failed order look-ups allowed per client address, and per order number from anywhere, in
#: ten minutes (counted across every worker; see core.limits).
LOOKUP_PER_CLIENT = Limit("market.lookup.client", attempts=10, window=600)
LOOKUP_PER_NUMBER = Limit("market.lookup.number", attempts=10, window=600)


class LookupLimited(TooMany):
    """Too many look-ups from this client or for this order number."""

    default_message = gettext_lazy("Too many attempts. Wait ten minutes and try again.")


def look_up_order(number: str, phone: str, client: str):
    """The order with this number and checkout phone, or None. Each attempt is counted before
    it is evaluated, per client and then per order number, and refunded when it finds the
    order, so however many guesses arrive at once no more than the limit are evaluated.
    Raises :class:`LookupLimited` (nothing evaluated) over the limit."""
    if not (LOOKUP_PER_CLIENT.hit(client) and LOOKUP_PER_NUMBER.hit(number)):
        raise LookupLimited
    order = Order.objects.for_buyer(number, phone).only("number").first()
    if order is not None:
        LOOKUP_PER_CLIENT.refund(client)
        LOOKUP_PER_NUMBER.refund(number)
    return order


def remember_order(session, number: str) -> None:
    numbers = list(session.get(SESSION_ORDERS, []))
    if number not in numbers:
        numbers.append(number)
        session[SESSION_ORDERS] = numbers[-50:]


def buyer_order(request, number: str):
    """The order this browser may open: one it placed or looked up (session), one placed
    under the logged-in account, or one the user may see as seller/officer. ``None`` else.

    The order carries ``buyer_details_shown`` (the buyer's name, phone and address may be
    shown: to the buyer and the group's sellers only) and ``may_pay`` (a slip may be sent:
    by the buyer only)."""
    number = (number or "").strip().upper()
    qs = Order.objects.with_details().select_related("subdistrict__district__province")
    numbers = request.session.get(SESSION_ORDERS, [])
    if number in numbers:
        order = qs.filter(number=number).first()
        if order is not None:
            order.buyer_details_shown = order.may_pay = True
        return order
    if not request.user.is_authenticated:
        return None
    order = (
        qs.filter(pk__in=Order.objects.visible_to(request.user).filter(number=number))
        .with_buyer_details_for(request.user)
        .first()
    )
    if order is not None:
        order.may_pay = order.buyer_id is not None and order.buyer_id == request.user.pk
    return order


def payable_order(request, number: str):
    """The order a slip may be sent for from this request (see ``payable_by``), or None."""
    number = (number or "").strip().upper()
    return (
        Order.objects.payable_by(request.user, request.session.get(SESSION_ORDERS, []))
        .filter(number=number)
        .first()
    )


def order_history(order):
    return list(order.events.select_related("actor").order_by("created", "pk"))


def order_tracking(order):
    if not order.tracking_number:
        return []
    return list(TrackingEvent.objects.for_barcode(order.tracking_number))


def order_qr(order) -> str:
    """Inline SVG of the order's PromptPay QR (fixed at checkout for the exact total), or ""
    when the group has no PromptPay ID."""
    if not order.promptpay_payload:
        return ""
    label = _("PromptPay QR: pay %(amount)s baht for order %(number)s") % {
        "amount": f"{order.total:,.2f}",
        "number": order.number,
    }
    return qr.svg(order.promptpay_payload, label=label)


# --- Seller side ------------------------------------------------------------------------------


def seller_groups(user):
    return ProducerGroup.objects.managed_by(user).order_by(*by_name())


def seller_orders(user):
    """Orders of the groups the user sells for (every group for a superuser): what the
    seller's pages and API read and change."""
    return Order.objects.fulfilable_by(user)


def seller_order(user, number: str):
    return (
        seller_orders(user)
        .with_details()
        .select_related("subdistrict__district__province")
        .filter(number=(number or "").strip().upper())
        .first()
    )


def seller_products(user):
    return (
        Product.objects.managed_by(user)
        .select_related("group", "category")
        .order_by(*by_name("group__"), "-active", *by_name(stem="title"), "pk")
    )


def status_counts(orders) -> dict[str, int]:
    from django.db.models import Count

    counts = dict.fromkeys(OrderStatus.values, 0)
    for row in orders.order_by().values("status").annotate(n=Count("pk")):
        counts[row["status"]] = row["n"]
    return counts


def orders_by_number(numbers):
    return (
        Order.objects.with_details()
        .select_related("subdistrict__district__province")
        .filter(number__in=list(numbers))
        .order_by(*by_name("group__"), "pk")
    )


def confirmed_payment(order):
    return order.payments.confirmed().order_by("-confirmed_at").first()


# --- Printed papers (core.pdf) ----------------------------------------------------------------

#: What the receipt and the parcel label read of an order, its group and both addresses.
_PRINTED = ("group__village__subdistrict__district__province", "subdistrict__district__province")


def receipt_order(request, number: str):
    """The order whose PDF receipt this request may print (``printable_by``), or None."""
    orders = Order.objects.printable_by(request.user, request.session.get(SESSION_ORDERS, []))
    return printed_order(orders, number)


def printed_order(orders, number: str):
    """The order ``number`` of ``orders`` with what its receipt and label print."""
    return (
        orders.select_related(*_PRINTED)
        .prefetch_related("lines")
        .filter(number=(number or "").strip().upper())
        .first()
    )


def receipt_context(order) -> dict:
    payment = confirmed_payment(order)
    return {
        "order": order,
        "payment": payment,
        "qr_svg": order_qr(order) if order.can_pay else "",
        "promptpay_to": _promptpay_display(order.promptpay_id),
        # bahttext takes a float; a total of two places comes back to the same satang
        "amount_in_words": bahttext(float(order.total)),
        "printed": timezone.now(),
    }


def _promptpay_display(proxy: str) -> str:
    """The PromptPay ID fixed on the order at checkout, as people write it."""
    try:
        return promptpay.normalise_proxy(proxy).display
    except promptpay.PromptPayError:
        return proxy


def label_order(user, number: str):
    """The order whose parcel label ``user`` may print: a seller of its group, or None."""
    return printed_order(seller_orders(user), number)


def label_context(order) -> dict:
    """What ``market/pdf/label.html`` prints for one order (a list of one label)."""
    return {"labels": [_label(order)]}


def labels_for_day(user, day):
    """The labels of the parcels posted on ``day`` (local date, by ``shipped_at``) by the
    groups ``user`` sells for: the day's sheet, in the order they were posted."""
    from pracharat.core.numbers import Period

    lo, hi = Period(day, day).bounds()
    return list(
        seller_orders(user)
        .select_related(*_PRINTED)
        .filter(shipped_at__gte=lo, shipped_at__lt=hi)
        .exclude(tracking_number="")
        .exclude(buyer_phone="")
        .order_by("shipped_at", "pk")
    )


def labels_context(orders, day) -> dict:
    return {"labels": [_label(order) for order in orders], "day": day}


def _label(order) -> dict:
    return {
        "order": order,
        # sub-district, district, province; the postcode is printed large on its own
        "receiver_area": order.subdistrict.address_th().rsplit(" ", 1)[0],
        "barcode_svg": barcodes.code128_svg(
            order.tracking_number,
            label=_("Tracking number %(number)s") % {"number": order.tracking_number},
        ),
    }


# --- Ratings ----------------------------------------------------------------------------------


@dataclass
class RatingSummary:
    """Ratings shown on a group's or a product's page: how many, the average, the counts of
    each star, the latest ones."""

    count: int
    average: float | None
    by_stars: list[tuple[int, int]]
    latest: list


def rating_summary(ratings, latest: int = 5) -> RatingSummary:
    """``ratings`` (a ``Rating`` queryset) in two queries: the counts per star, the latest."""
    per_star = dict(
        ratings.order_by().values_list("stars").annotate(n=Count("pk")).values_list("stars", "n")
    )
    count = sum(per_star.values())
    average = sum(s * n for s, n in per_star.items()) / count if count else None
    return RatingSummary(
        count=count,
        average=round(average, 1) if average is not None else None,
        by_stars=[(stars, per_star.get(stars, 0)) for stars in range(5, 0, -1)],
        latest=list(ratings.order_by("-created", "-pk")[:latest]) if count else [],
    )


def seller_ratings(groups):
    """Ratings of the groups a seller sells for (``request.seller_groups``), newest first:
    the dashboard lists them and the seller may answer only these."""
    return Rating.objects.filter(group__in=[g.pk for g in groups]).order_by("-created", "-pk")


def group_ratings(group) -> RatingSummary:
    return rating_summary(Rating.objects.filter(group=group))


def product_ratings(product) -> RatingSummary:
    """Ratings of the delivered orders that had this product in them."""
    return rating_summary(
        Rating.objects.filter(
            order__in=OrderLine.objects.filter(product=product).values("order_id")
        )
    )
