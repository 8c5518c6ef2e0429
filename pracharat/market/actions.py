"""Market writes: catalogue edits, checkout, payments, shipping, tracking, cancelling.

Every function is transactional and is called alike by views, the API, webhooks and
commands. Each order status change goes through ``_transition`` and the ``ORDERS`` machine
(``core.transitions``): it checks the seller's right, locks the order row, refuses a move
``models.ORDER_TRANSITIONS`` does not allow (``OrderStateError``, message in the active
language), writes an ``OrderEvent`` and mails buyer and seller after commit. Every refusal
is a ``core.errors.DomainError``.

Stock is taken with a conditional UPDATE (``stock = stock - q WHERE stock >= q``) in product
id order: on PostgreSQL a concurrent checkout waits for the row lock and re-checks the
condition on the committed value, so two buyers can never both take the last jar; on SQLite
writers are serialised by the IMMEDIATE transaction mode set in settings.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import partial

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from pracharat.core.errors import Conflict, DomainError, Invalid, NotAllowed, TooMany
from pracharat.core.lib.images import Picture
from pracharat.core.lib.phone import PhoneError, normalise_phone
from pracharat.core.limits import Limit
from pracharat.core.transitions import Machine, Step
from pracharat.market import fragments, notifications, search
from pracharat.market.lib import promptpay, s10
from pracharat.market.models import (
    DELIVERED_STATUS,
    ORDER_TRANSITIONS,
    GroupMember,
    MemberRole,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PayBy,
    Payment,
    PaymentMethod,
    ProducerGroup,
    Product,
    ProductPhoto,
    Rating,
    SearchSynonym,
    ShippingRate,
    ShippingService,
    TrackingEvent,
    TrackingSource,
)

log = logging.getLogger(__name__)

#: Most units of one product in one checkout (a typo guard: 1000 instead of 10).
MAX_QUANTITY = 999


# --- Errors ------------------------------------------------------------------------------------
# Every refusal is a core.errors.DomainError: the API, the pages and the commands show it alike.


class CheckoutError(Invalid):
    pass


class OutOfStock(Conflict):
    def __init__(self, product: Product, available: int):
        self.product, self.available = product, available
        super().__init__(
            _("Only %(available)d left of “%(title)s”.")
            % {"available": available, "title": product.title}
        )


class OrderStateError(Conflict):
    def __init__(self, order: Order, to_status: str):
        self.order, self.to_status = order, to_status
        super().__init__(
            _("Order %(number)s is “%(current)s” and cannot become “%(wanted)s”.")
            % {
                "number": order.number,
                "current": OrderStatus(order.status).label,
                "wanted": OrderStatus(to_status).label,
            }
        )


class PaymentError(Conflict):
    pass


class CheckoutLimited(TooMany):
    def __init__(self):
        super().__init__(
            _("Too many orders from here in a short time; wait a while and try again.")
        )


class WebhookError(DomainError):
    """A webhook request to refuse; ``status`` is the HTTP status to answer."""

    code = "payment_refused"

    def __init__(self, message: str, status: int = 400):
        super().__init__(message, status=status)


# --- Producer groups and catalogue -------------------------------------------------------------


def save_group(group: ProducerGroup, *, actor=None) -> ProducerGroup:
    """Validate (PromptPay ID, registration number) and save a group; a renamed group's
    products are re-indexed (its name is part of their search documents). A person
    (``actor``) must own or manage an existing group; ``None`` is the platform (admin, demo)."""
    if actor is not None and group.pk:
        _require_owner(group, actor)
    group.full_clean()
    before = (
        ProducerGroup.objects.filter(pk=group.pk).values_list("name_th", "name_en").first()
        if group.pk
        else None
    )
    with transaction.atomic():
        group.save()
        if before is not None and before != (group.name_th, group.name_en):
            search.index_products(group.products.select_related("group", "category"))
    return group


#: The group's order settings any member may change (``save_group_settings``).
ORDER_SETTINGS = ("payment_hours", "cod_all_products", "cod_fee", "line_id")


def save_group_settings(group: ProducerGroup, *, actor=None) -> ProducerGroup:
    """Save the group's order settings (``ORDER_SETTINGS``, and the PromptPay ID) from the
    seller's settings page. Any member (``actor``) may change the order settings; the PromptPay
    ID -- where buyers' money goes -- only an owner or manager, as ``save_group`` asks. Only
    those fields are written, so nothing else of the row changes behind the page; the audit
    log (core.audit, registered in ``apps.py``) records the change and its actor. Orders
    placed afterwards take the new hours and fee; placed orders keep theirs."""
    if actor is not None:
        _require_seller(group.pk, actor)
    fields = list(ORDER_SETTINGS)
    saved = ProducerGroup.objects.filter(pk=group.pk).values_list("promptpay_id", flat=True)
    group.full_clean()  # normalises the PromptPay ID and sets its type
    if group.promptpay_id != saved.first():
        if actor is not None:
            _require_owner(group, actor)
        fields += ["promptpay_id", "promptpay_type"]
    with transaction.atomic():
        group.save(update_fields=[*fields, "updated"])
    return group


@transaction.atomic
def add_member(
    group: ProducerGroup, user, role: str = MemberRole.MEMBER, *, actor=None
) -> GroupMember:
    """Make ``user`` a member of ``group`` (or change their role), and give them the
    accounts-level producer role over the group's village, so shared pages know them.
    A person (``actor``) must own or manage the group."""
    from pracharat.accounts.models import Membership, Role

    if actor is not None:
        _require_owner(group, actor)
    member, _created = GroupMember.objects.update_or_create(
        group=group, user=user, defaults={"role": role}
    )
    Membership.objects.get_or_create(
        user=user, role=Role.PRODUCER, agency=None, area_code=group.area_code
    )
    return member


@transaction.atomic
def save_product(product: Product, *, actor=None) -> Product:
    """Validate, save and (re)index a product. Use for every create and edit. A person
    (``actor``) must sell for the product's group -- before and after the edit."""
    if actor is not None:
        if product.pk:
            before = Product.objects.filter(pk=product.pk).values_list("group_id", flat=True)
            _require_seller(before.first(), actor)
        _require_seller(product.group_id, actor)
    product.full_clean()
    product.save()
    search.index_product(product)
    return product


@transaction.atomic
def delete_product(product: Product, *, actor=None) -> None:
    """Delete a product; past orders keep their copied title and price."""
    if actor is not None:
        _require_seller(product.group_id, actor)
    for photo in product.photos.all():
        delete_photo(photo)
    product.delete()  # cascades to its ProductIndex row


def add_photo(product: Product, picture: Picture, *, alt: str = "", actor=None) -> ProductPhoto:
    """Store ``picture`` (an upload already checked and re-encoded by ``core.lib.images``:
    EXIF-rotated, metadata stripped, with its light thumbnail) after the product's others."""
    if actor is not None:
        _require_seller(product.group_id, actor)
    if picture.thumbnail is None:
        raise ValueError("a product photo needs its thumbnail (load it with thumb_side)")
    last = product.photos.order_by("-position").values_list("position", flat=True).first()
    photo = ProductPhoto(
        product=product,
        alt=alt,
        position=(last + 1) if last is not None else 0,
        width=picture.width,
        height=picture.height,
    )
    photo.image.save("photo.jpg", ContentFile(picture.jpeg), save=False)
    photo.thumbnail.save("thumb.jpg", ContentFile(picture.thumbnail), save=False)
    photo.save()
    return photo


def delete_photo(photo: ProductPhoto, *, actor=None) -> None:
    if actor is not None:
        _require_seller(photo.product.group_id, actor)
    image, thumb = photo.image, photo.thumbnail
    photo.delete()
    transaction.on_commit(lambda: (image.delete(save=False), thumb.delete(save=False)))


# --- Shipping ----------------------------------------------------------------------------------


# --- Search terms -----------------------------------------------------------------------------


def may_keep_any_search_terms(user) -> bool:
    """Staff and provincial officers: entries that belong to no group (a member's own
    entries always belong to one of their groups)."""
    from pracharat.accounts.models import Role
    from pracharat.accounts.scoping import has_role

    if user is None or not user.is_authenticated:
        return False
    return user.is_staff or user.is_superuser or has_role(user, Role.PROVINCIAL_OFFICER)


def may_keep_search_terms(user) -> bool:
    """Who opens the search-terms page: staff, provincial officers and the members of a
    producer group (a member adds and changes their own groups' entries)."""
    if may_keep_any_search_terms(user):
        return True
    return user is not None and ProducerGroup.objects.managed_by(user).exists()


def _terms_area(actor) -> str:
    """The area an officer's new entry is kept for: their own (first) area, so that
    ``SearchSynonym.objects.kept_by`` lets them remove it; "" for staff and the platform."""
    from pracharat.accounts.models import Role
    from pracharat.accounts.scoping import area_codes_for

    if actor is None or actor.is_staff or actor.is_superuser:
        return ""
    codes = area_codes_for(actor, roles={Role.PROVINCIAL_OFFICER}) or [""]
    return codes[0]


def _check_terms_group(group, actor) -> None:
    if actor is None:
        return
    if group is None:
        if not may_keep_any_search_terms(actor):
            raise NotAllowed(_("Only provincial officers and staff may change the search terms."))
    elif not ProducerGroup.objects.managed_by(actor).filter(pk=group.pk).exists():
        raise NotAllowed(_("Only the group's members may change its search terms."))


def add_search_terms(
    names: str, kinds: str = "", *, actor=None, group: ProducerGroup | None = None
) -> SearchSynonym:
    """Add a synonym / broader-term entry; every worker's search uses it at once (the lists
    and the shared ranking cache are invalidated, now and on commit). Without ``group`` a
    person must be staff or a provincial officer (the entry is kept for the officer's
    province); with it, a member of the group (the entry is kept for the group and its area,
    whose officers may change it too)."""
    _check_terms_group(group, actor)
    area = group.area_code if group is not None else _terms_area(actor)
    entry = SearchSynonym(names=names, kinds=kinds, area_code=area, group=group)
    entry.full_clean()
    with transaction.atomic():
        entry.save()
        search.synonyms_changed()
    return entry


def _check_kept(entry: SearchSynonym, actor) -> None:
    """The one scope for changing or removing an entry: ``SearchSynonym.objects.kept_by``."""
    if actor is not None and not SearchSynonym.objects.kept_by(actor).filter(pk=entry.pk).exists():
        raise NotAllowed(
            _("Only staff, the officers of its province or its group may change this entry.")
        )


def change_search_terms(entry: SearchSynonym, names: str, kinds: str = "", *, actor=None):
    """Change an entry's names and kinds: staff any, an officer their provinces' ones, a
    group's member their group's ones (``SearchSynonym.objects.kept_by``); the search uses
    the change at once."""
    _check_kept(entry, actor)
    entry.names, entry.kinds = names, kinds
    entry.full_clean()
    with transaction.atomic():
        entry.save(update_fields=["names", "kinds", "updated"])
        search.synonyms_changed()
    return entry


def remove_search_terms(entry: SearchSynonym, *, actor=None) -> None:
    """Remove an entry: staff any, a provincial officer only those of their provinces, a
    group's member only their group's."""
    _check_kept(entry, actor)
    with transaction.atomic():
        entry.delete()
        search.synonyms_changed()


def shipping_fee(service: str, weight_grams: int) -> Decimal:
    """Postage for a parcel: the cheapest rate line of ``service`` that covers the weight.

    Raises ``CheckoutError`` when the parcel is heavier than the table's last line."""
    rate = (
        ShippingRate.objects.filter(service=service, max_weight_grams__gte=max(weight_grams, 1))
        .order_by("max_weight_grams")
        .first()
    )
    if rate is None:
        raise CheckoutError(
            _("A parcel of %(kg)s kg is too heavy for %(service)s; split the order.")
            % {"kg": f"{weight_grams / 1000:.1f}", "service": ShippingService(service).label}
        )
    return rate.price


def shipping_options(weight_grams: int) -> list[tuple[str, str, Decimal]]:
    """``[(service, label, fee), ...]`` for the services that can carry the weight."""
    options = []
    for service in ShippingService:
        try:
            options.append((service.value, str(service.label), shipping_fee(service, weight_grams)))
        except CheckoutError:
            continue
    return options


# --- Checkout ----------------------------------------------------------------------------------


@dataclass
class BuyerDetails:
    """Who receives the parcels and where. ``subdistrict`` is a geo.SubDistrict (or its
    code); ``postcode`` defaults to the sub-district's."""

    name: str
    phone: str
    address_line1: str
    subdistrict: object
    email: str = ""
    address_line2: str = ""
    postcode: str = ""
    note: str = ""

    def cleaned(self) -> BuyerDetails:
        from pracharat.geo.models import SubDistrict

        errors = {}
        name = " ".join((self.name or "").split())
        if not name:
            errors["name"] = _("Give the receiver's name.")
        try:
            phone = normalise_phone(self.phone)
        except PhoneError:
            phone = ""
            errors["phone"] = _("Give a Thai phone number, e.g. 081 234 5678.")
        if not (self.address_line1 or "").strip():
            errors["address_line1"] = _("Give the house number and street or village.")
        sub = self.subdistrict
        if not isinstance(sub, SubDistrict):
            sub = SubDistrict.objects.filter(pk=str(sub or "")).first()
            if sub is None:
                errors["subdistrict"] = _("Choose the sub-district from the list.")
        postcode = (self.postcode or "").strip() or (sub.postcode if sub else "")
        if postcode and not (len(postcode) == 5 and postcode.isdigit()):
            errors["postcode"] = _("A postcode has 5 digits.")
        if errors:
            raise Invalid(fields=errors)
        return BuyerDetails(
            name=name[:150],
            phone=phone,
            address_line1=self.address_line1.strip()[:200],
            address_line2=(self.address_line2 or "").strip()[:200],
            subdistrict=sub,
            email=(self.email or "").strip(),
            postcode=postcode,
            note=(self.note or "").strip(),
        )


def _new_number() -> str:
    from pracharat.market.models import new_order_number

    for _attempt in range(10):
        number = new_order_number()
        if not Order.objects.filter(number=number).exists():
            return number
    raise RuntimeError("could not draw a free order number")  # 25**8 numbers: not reached


def checkout(
    items: Mapping[int | str, int],
    buyer: BuyerDetails,
    *,
    shipping_service: str = ShippingService.REGISTERED,
    shipping_services: Mapping[int, str] | None = None,
    pay_by: str = PayBy.PROMPTPAY,
    pay_by_groups: Mapping[int, str] | None = None,
    user=None,
    client: str = "",
) -> list[Order]:
    """Turn a cart (``{product_id: quantity}``) into one order per producer group.

    ``shipping_service`` applies to every parcel unless ``shipping_services`` names another
    for a group (``{group_id: service}``: EMS for one parcel, registered for another).

    All or nothing: stock of every line is taken, or ``OutOfStock`` / ``CheckoutError`` /
    ``Invalid`` (buyer details, a message per field) is raised and nothing changes. Each
    order gets its postage from ``ShippingRate`` by total weight and a PromptPay payload for
    its exact total (when the group has a PromptPay ID). Orders are returned in group-name order.

    ``pay_by`` (``PayBy``; ``pay_by_groups`` per group) chooses PromptPay -- the order holds
    its stock until ``payment_deadline`` (the group's ``payment_hours``), then
    ``expire_orders`` gives it back -- or cash on delivery, allowed when every product of the
    parcel offers it (``Product.cod_offered``), which adds the group's ``cod_fee``.

    Checkouts are limited per buyer phone and, when ``client`` (the client address) is
    given, per client (``CheckoutLimited``, nothing taken): stock cannot be emptied by a burst
    of unpaid orders under invented names.
    """
    services = dict(shipping_services or {})
    if {shipping_service, *services.values()} - set(ShippingService.values):
        raise CheckoutError(_("Choose a shipping service."))
    methods = dict(pay_by_groups or {})
    if {pay_by, *methods.values()} - set(PayBy.values):
        raise CheckoutError(_("Choose how to pay."))
    quantities: dict[int, int] = {}
    for pid, qty in items.items():
        qty = int(qty)
        if qty > MAX_QUANTITY:
            raise CheckoutError(_("At most %(n)d of one product per order.") % {"n": MAX_QUANTITY})
        if qty > 0:
            quantities[int(pid)] = qty
    if not quantities:
        raise CheckoutError(_("Your cart is empty."))
    buyer = buyer.cleaned()
    buyer_user = user if user is not None and user.is_authenticated else None
    hits = _hit_checkout_limits(buyer.phone, client)
    try:
        return _checkout(quantities, buyer, buyer_user, shipping_service, services, pay_by, methods)
    except DomainError:
        _refund(hits)  # a refused checkout took nothing: it does not count
        raise


def checkout_limits() -> tuple[Limit, Limit]:
    """``(per phone, per client)``, from the settings at call time."""
    window = settings.MARKET_CHECKOUT_WINDOW_SECONDS
    return (
        Limit("market.checkout.phone", settings.MARKET_CHECKOUTS_PER_PHONE, window),
        Limit("market.checkout.client", settings.MARKET_CHECKOUTS_PER_CLIENT, window),
    )


def _hit_checkout_limits(phone: str, client: str) -> list[tuple[Limit, str]]:
    per_phone, per_client = checkout_limits()
    hits: list[tuple[Limit, str]] = []
    for limit, subject in ((per_client, client), (per_phone, phone)):
        if not subject:
            continue
        hits.append((limit, subject))
        if not limit.hit(subject):
            _refund(hits[:-1])
            raise CheckoutLimited
    return hits


def _refund(hits) -> None:
    for limit, subject in hits:
        limit.refund(subject)


def _checkout(quantities, buyer, buyer_user, shipping_service, services, pay_by, methods):
    with transaction.atomic():
        products = {
            p.pk: p
            for p in Product.objects.select_related("group", "category").filter(pk__in=quantities)
        }
        for pid in quantities:
            product = products.get(pid)
            if product is None or not product.active or not product.group.active:
                raise CheckoutError(
                    _("“%(title)s” is no longer on sale; remove it from the cart.")
                    % {"title": product.title if product else f"#{pid}"}
                )
        for pid in sorted(quantities):  # one lock order for every checkout: no deadlock
            taken = Product.objects.filter(pk=pid, active=True, stock__gte=quantities[pid]).update(
                stock=F("stock") - quantities[pid]
            )
            if not taken:
                left = Product.objects.filter(pk=pid).values_list("stock", flat=True).first() or 0
                raise OutOfStock(products[pid], left)
        fragments.products_changed(quantities)  # the stock on their cards and pages

        by_group: dict[int, list[Product]] = defaultdict(list)
        for pid in quantities:
            by_group[products[pid].group_id].append(products[pid])
        orders = []
        for group_products in sorted(by_group.values(), key=lambda ps: ps[0].group.name_th):
            group_id = group_products[0].group_id
            service = services.get(group_id, shipping_service)
            method = methods.get(group_id, pay_by)
            orders.append(
                _create_order(group_products, quantities, buyer, service, buyer_user, method)
            )
    return orders


def _checkout_language() -> str:
    """The page's language, so the buyer's messages are in the language they ordered in."""
    language = (get_language() or "th").split("-")[0]
    return language if language in dict(settings.LANGUAGES) else "th"


def _create_order(products, quantities, buyer: BuyerDetails, service, user, method) -> Order:
    group = products[0].group
    subtotal = sum((p.price * quantities[p.pk] for p in products), Decimal("0.00"))
    weight = sum(p.weight_grams * quantities[p.pk] for p in products)
    fee = shipping_fee(service, weight)
    cod = method == PayBy.COD
    if cod:
        refused = [p.title for p in products if not p.cod_offered]
        if refused:
            raise CheckoutError(
                _("%(group)s does not take cash on delivery for “%(title)s”; pay by PromptPay.")
                % {"group": group.name, "title": refused[0]}
            )
    cod_fee = group.cod_fee if cod else Decimal("0.00")
    total = subtotal + fee + cod_fee
    now = timezone.now()
    payload = ""
    if group.promptpay_id and not cod:
        try:
            payload = promptpay.payload(group.promptpay_id, total)
        except promptpay.PromptPayError:
            log.warning("group %s has an invalid PromptPay ID; order without QR", group.code)
    order = Order.objects.create(
        number=_new_number(),
        group=group,
        area_code=group.area_code,
        buyer=user,
        buyer_name=buyer.name,
        buyer_phone=buyer.phone,
        buyer_email=buyer.email,
        address_line1=buyer.address_line1,
        address_line2=buyer.address_line2,
        subdistrict=buyer.subdistrict,
        postcode=buyer.postcode,
        note=buyer.note,
        shipping_service=service,
        weight_grams=weight,
        subtotal=subtotal,
        shipping_fee=fee,
        cod_fee=cod_fee,
        total=total,
        status=OrderStatus.COD if cod else OrderStatus.PENDING_PAYMENT,
        pay_by=method,
        payment_deadline=None if cod else now + timedelta(hours=group.payment_hours),
        promptpay_id=group.promptpay_id if payload else "",
        promptpay_payload=payload,
        language=_checkout_language(),
    )
    OrderLine.objects.bulk_create(
        OrderLine(
            order=order,
            product=p,
            title=p.title_th,
            unit=p.unit,
            unit_price=p.price,
            quantity=quantities[p.pk],
            weight_grams=p.weight_grams,
        )
        for p in sorted(products, key=lambda p: p.title_th)
    )
    OrderEvent.objects.create(order=order, from_status="", to_status=order.status, actor=user)
    notifications.order_changed(order)
    return order


# --- Status changes ----------------------------------------------------------------------------


def _record(step: Step) -> None:
    OrderEvent.objects.create(
        order=step.obj,
        from_status=step.from_status,
        to_status=step.to_status,
        actor=_user(step.by),
        note=step.note,
    )


def _sells(user, order: Order) -> bool:
    return may_fulfil(user, order)


#: Orders move only through this machine: the seller's actions need the write right; a slip
#: is the buyer's (``record_slip`` checks it: it needs the browser's session) and delivery the
#: platform's (a Thailand Post scan).
ORDERS = Machine(
    model=Order,
    table=ORDER_TRANSITIONS,
    record=_record,
    rights={"pay": _sells, "reject_slip": _sells, "ship": _sells, "cancel": _sells},
    refusal=lambda order, action: OrderStateError(order, ORDER_ACTION_TARGETS[action]),
    forbidden=gettext_lazy("Only the group's sellers may change this order."),
)
ORDER_ACTION_TARGETS = {a: to for moves in ORDER_TRANSITIONS.values() for a, to in moves.items()}


def _transition(order: Order, action: str, *, actor=None, note: str = "", **fields) -> Order:
    """Move the order by ``action`` (``ORDERS``) and tell buyer and seller (sent after commit)."""
    ORDERS.transition(order, action, by=actor, note=note, **fields)
    notifications.order_changed(order, note)
    return order


def _user(actor):
    return actor if actor is not None and getattr(actor, "is_authenticated", False) else None


def may_fulfil(user, order: Order) -> bool:
    """The write right of the seller's actions: ``user`` sells for the order's group (or is
    a superuser). Seeing the order -- as an officer, say -- is not enough."""
    return Order.objects.fulfilable_by(user).filter(pk=order.pk).exists()


def _require_fulfiller(order: Order, actor) -> None:
    """For actions that check more than the move before moving (a payment, an S10 number):
    the seller's right first. ``actor=None`` is the platform itself (a webhook, a command,
    the demo); any person, anonymous included, must hold the write right."""
    ORDERS.check_right(actor, order, "pay")


def _require_seller(group_id, actor) -> None:
    """The catalogue's write right: ``actor`` sells for the group (any role in it)."""
    if not ProducerGroup.objects.managed_by(actor).filter(pk=group_id).exists():
        raise NotAllowed(_("Only the group's members may change its products."))


def _require_owner(group: ProducerGroup, actor) -> None:
    """The group's own settings (members, PromptPay ID, profile): owners and managers."""
    if not ProducerGroup.objects.owned_by(actor).filter(pk=group.pk).exists():
        raise NotAllowed(_("Only the group's owners and managers may change the group."))


def _note(order: Order, note: str, actor=None) -> None:
    OrderEvent.objects.create(
        order=order, from_status=order.status, to_status=order.status, actor=_user(actor), note=note
    )


@transaction.atomic
def confirm_payment(
    order: Order, *, actor, payment: Payment | None = None, note: str = ""
) -> Payment:
    """The seller confirms the money has arrived (checked in their bank app).

    Confirms ``payment`` (a transfer slip awaiting check) or, when none is given, the latest
    slip awaiting check, or else records a seller-confirmed payment of the order total."""
    _require_fulfiller(order, actor)
    if payment is None:
        payment = order.payments.awaiting_check().order_by("-created").first()
    if payment is not None and payment.order_id != order.pk:
        raise PaymentError(_("This payment belongs to another order."))
    if payment is not None and (payment.confirmed_at or payment.rejected_at):
        raise PaymentError(_("This payment has already been checked."))
    now = timezone.now()
    _transition(order, "pay", actor=actor, note=note, paid_at=now)
    if payment is None:
        payment = Payment(order=order, method=PaymentMethod.SELLER, amount=order.total, note=note)
    payment.confirmed_by = _user(actor)
    payment.confirmed_at = now
    payment.save()
    return payment


@transaction.atomic
def reject_slip(payment: Payment, *, actor, note: str = "") -> Payment:
    """The seller could not find the slip's money: back to waiting for payment."""
    _require_fulfiller(payment.order, actor)
    if payment.method != PaymentMethod.SLIP or payment.confirmed_at or payment.rejected_at:
        raise PaymentError(_("Only a transfer slip awaiting check can be rejected."))
    payment.rejected_at = timezone.now()
    payment.note = note or payment.note
    payment.save(update_fields=["rejected_at", "note"])
    order = payment.order
    if not order.payments.awaiting_check().exists():
        _transition(order, "reject_slip", actor=actor, note=note)
    return payment


@transaction.atomic
def record_slip(
    order: Order,
    picture: Picture,
    *,
    amount: Decimal | None = None,
    note: str = "",
    actor=None,
    session_orders=(),
) -> Payment:
    """A buyer uploads a transfer slip (a photo or screenshot from their bank app), already
    checked and re-encoded by ``core.lib.images``; it is kept in the private storage and the
    order waits for the seller to check the money.

    Only the buyer pays: a person (``actor``, anonymous included) must be able to pay the
    order (``Order.objects.payable_by``: an order this browser placed or looked up, listed
    in ``session_orders``, or one placed under their account); seeing it is not enough."""
    if actor is not None and not (
        Order.objects.payable_by(actor, session_orders).filter(pk=order.pk).exists()
    ):
        raise NotAllowed(_("Only the buyer may send a transfer slip for this order."))
    if not order.can_pay:
        raise OrderStateError(order, OrderStatus.PAYMENT_REVIEW)
    payment = Payment(
        order=order, method=PaymentMethod.SLIP, amount=amount or order.total, note=note
    )
    payment.slip.save("slip.jpg", ContentFile(picture.jpeg), save=False)
    try:
        payment.save()
        if order.status == OrderStatus.PAYMENT_REVIEW:
            _note(order, _("Another transfer slip was uploaded."), actor)
            notifications.order_changed(order)
        else:
            _transition(order, "send_slip", actor=actor, note=note)
    except Exception:
        payment.slip.delete(save=False)  # the rows roll back; the file must not stay behind
        raise
    return payment


def webhook_secret() -> str:
    return settings.MARKET_PAYMENT_WEBHOOK_SECRET


#: How far a webhook's signed time may be from ours, in seconds (replays older than this fail).
WEBHOOK_TOLERANCE_SECONDS = 300


def sign(raw_body: bytes, secret: str, *, timestamp: int | None = None) -> str:
    """The signature header a provider sends: ``t=<unix seconds>,v1=<hex HMAC-SHA256>`` where
    the HMAC is over ``b"<t>." + body``, so a captured delivery cannot be replayed later."""
    t = int(time.time()) if timestamp is None else int(timestamp)
    digest = hmac.new(secret.encode(), f"{t}.".encode() + raw_body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"


def verify_signature(
    raw_body: bytes, header: str, secret: str, *, now: float | None = None
) -> tuple[bool, str]:
    """``(True, "")`` for a valid, fresh signature; else ``(False, reason)``. Constant-time."""
    if not secret or not header:
        return False, "missing signature"
    parts = dict(
        item.strip().split("=", 1) for item in header.split(",") if "=" in item and item.strip()
    )
    try:
        t = int(parts.get("t", ""))
    except ValueError:
        return False, "signature has no timestamp (t=<unix seconds>,v1=<hex>)"
    expected = sign(raw_body, secret, timestamp=t).split("v1=", 1)[1]
    if not hmac.compare_digest(parts.get("v1", "").lower().encode(), expected.encode()):
        return False, "bad signature"
    age = (time.time() if now is None else now) - t
    if abs(age) > WEBHOOK_TOLERANCE_SECONDS:
        return (
            False,
            f"signature timestamp is {int(age)} s off (tolerance {WEBHOOK_TOLERANCE_SECONDS} s)",
        )
    return True, ""


def record_webhook_payment(
    raw_body: bytes, signature: str, *, secret: str | None = None
) -> tuple[Payment, bool]:
    """A payment provider tells us money arrived. Returns ``(payment, created)``.

    Body (JSON, UTF-8): ``{"reference": "...", "order": "PR-…", "amount": "120.50"}``,
    signed over a timestamp and the exact raw body under the shared secret
    (``MARKET_PAYMENT_WEBHOOK_SECRET``), sent as ``X-Signature: t=<unix>,v1=<hex>`` (see
    :func:`sign`); a timestamp more than five minutes away is refused, so a capture cannot be
    replayed.

    Idempotent by ``reference``: a repeated delivery returns the recorded payment with
    ``created=False``. The amount must equal the order total to the satang, else nothing is
    recorded (``WebhookError`` 422). Money for an order that cannot take it (cancelled or
    already paid) is recorded and the seller is told, so it can be refunded.
    """
    secret = webhook_secret() if secret is None else secret
    if not secret:
        raise WebhookError("payment webhook is not configured", status=503)
    valid, reason = verify_signature(raw_body, signature, secret)
    if not valid:
        raise WebhookError(reason, status=401)
    try:
        data = json.loads(raw_body.decode("utf-8"))
        reference = str(data["reference"]).strip()
        number = str(data["order"]).strip().upper()
        amount = Decimal(str(data["amount"]))
        if not amount.is_finite():  # NaN, sNaN, Infinity: comparing sNaN raises
            raise ValueError(f"amount {data['amount']!r} is not a number of baht")
    except (UnicodeDecodeError, ValueError, KeyError, TypeError, InvalidOperation) as exc:
        raise WebhookError(f"malformed body: {exc}", status=400) from exc
    if not reference or len(reference) > 100:
        raise WebhookError("reference must be 1-100 characters", status=400)

    existing = Payment.objects.select_related("order").filter(provider_reference=reference).first()
    if existing is not None:
        return _same_delivery(existing, number, amount), False
    with transaction.atomic():
        order = Order.objects.select_for_update().filter(number=number).first()
        if order is None:
            raise WebhookError(f"no order {number}", status=404)
        if amount != order.total:
            raise WebhookError(
                f"amount {amount} does not match the order total {order.total}", status=422
            )
        now = timezone.now()
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    order=order,
                    method=PaymentMethod.WEBHOOK,
                    amount=amount,
                    provider_reference=reference,
                    confirmed_at=now,
                )
        except IntegrityError:  # the same delivery raced us and won
            existing = Payment.objects.get(provider_reference=reference)
            return _same_delivery(existing, number, amount), False
        if order.can_become(OrderStatus.PAID):
            _transition(order, "pay", note=f"ref {reference}", paid_at=now)
        else:
            note = _(
                "Payment %(ref)s of %(amount)s baht arrived while the order was "
                "“%(status)s”: check and refund."
            ) % {
                "ref": reference,
                "amount": amount,
                "status": OrderStatus(order.status).label,
            }
            _note(order, note)
            notifications.payment_needs_attention(order, note)
    return payment, True


def _same_delivery(existing: Payment, number: str, amount: Decimal) -> Payment:
    if existing.order.number != number or existing.amount != amount:
        raise WebhookError("reference already used for a different payment", status=409)
    return existing


@transaction.atomic
def ship(order: Order, tracking_number: str, *, actor) -> Order:
    """The seller posted the parcel: record its Thailand Post number (UPU S10, check digit
    verified) and move the order to shipped. The buyer gets the number by e-mail."""
    _require_fulfiller(order, actor)
    try:
        code = s10.validate(tracking_number)
    except s10.S10Error as exc:
        raise Invalid(
            _("The tracking number is not valid: %(reason)s") % {"reason": exc.translated(_)},
            field="tracking_number",
        ) from exc
    if not code.endswith("TH"):
        raise Invalid(_("A Thailand Post tracking number ends with TH."), field="tracking_number")
    taken = _("This tracking number is already on another order.")
    if Order.objects.filter(tracking_number=code).exclude(pk=order.pk).exists():
        raise Conflict(taken, field="tracking_number")
    try:
        with transaction.atomic():  # the unique constraint decides a race between two sellers
            return _transition(
                order,
                "ship",
                actor=actor,
                tracking_number=code,
                shipped_at=timezone.now(),
            )
    except IntegrityError as exc:
        raise Conflict(taken, field="tracking_number") from exc


@transaction.atomic
def apply_tracking_event(
    *,
    barcode: str,
    status: str,
    occurred_at: datetime,
    description: str = "",
    location: str = "",
    postcode: str = "",
    source: str = TrackingSource.POLL,
) -> tuple[TrackingEvent, bool]:
    """Store a Thailand Post scan once (unique barcode + status + time) and, on final
    delivery (status 501), move the shipped order to delivered. Returns ``(event, created)``."""
    barcode = "".join(barcode.split()).upper()
    order = (
        Order.objects.filter(tracking_number=barcode)
        .exclude(status=OrderStatus.CANCELLED)
        .order_by("-shipped_at")
        .first()
    )
    event, created = TrackingEvent.objects.get_or_create(
        barcode=barcode,
        status=str(status)[:3],
        occurred_at=occurred_at,
        defaults={
            "order": order,
            "description": description[:200],
            "location": location[:200],
            "postcode": (postcode or "")[:5],
            "source": source,
        },
    )
    delivered = created and order is not None and status == DELIVERED_STATUS
    if delivered and order.status == OrderStatus.SHIPPED:
        note = " ".join(filter(None, [description, location]))
        fields = {"delivered_at": occurred_at}
        if order.is_cod:  # the postman collected the total: Thailand Post pays it to the group
            fields["paid_at"] = occurred_at
        _transition(order, "deliver", note=note, **fields)
        if order.is_cod:
            Payment.objects.create(
                order=order, method=PaymentMethod.COD, amount=order.total, confirmed_at=occurred_at
            )
    return event, created


@transaction.atomic
def cancel(order: Order, *, actor=None, reason: str = "") -> Order:
    """Cancel an order that has not been shipped and put its items back in stock.
    A paid order's money must be returned by the seller; the history says so. The seller's
    right is checked by the ``ORDERS`` machine."""
    was_paid = order.status == OrderStatus.PAID
    note = reason
    if was_paid:
        note = " ".join(filter(None, [reason, _("The buyer had paid: refund the payment.")]))
    _transition(order, "cancel", actor=actor, note=note, cancelled_at=timezone.now())
    fragments.products_changed(_restock(order))  # the stock on their cards and pages
    return order


def _restock(order: Order) -> list[int]:
    """Put the order's items back on sale (its move out of an open status is what makes this
    happen once: the caller holds the order's row lock and has just changed its status).
    Returns the products restocked: the caller passes them to ``fragments.products_changed``,
    once for all the orders it restocked."""
    lines = list(order.lines.filter(product__isnull=False).values_list("product_id", "quantity"))
    for product_id, quantity in lines:
        Product.objects.filter(pk=product_id).update(stock=F("stock") + quantity)
    return [product_id for product_id, _quantity in lines]


#: How many unpaid orders one transaction of ``expire_orders`` takes.
EXPIRE_BATCH = 100


def expire_orders(now: datetime | None = None) -> dict[str, int]:
    """The periodic job ``market.expire_orders``: unpaid PromptPay orders past their
    ``payment_deadline`` expire and their stock goes back on sale; buyer and group are told.
    Orders whose deadline is within ``MARKET_EXPIRY_WARNING_MINUTES`` are announced to the
    group once (``notifications.order_expiring``).

    Safe to run twice at once: each batch is read ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), so
    two runs never take the same order, and the move itself re-checks the status under the
    row lock, so an order paid or expired meanwhile is left alone: stock comes back once."""
    now = now or timezone.now()
    expired = 0
    while True:
        with transaction.atomic():
            restocked: list[int] = []
            batch = list(
                Order.objects.select_for_update(skip_locked=True)
                .filter(status=OrderStatus.PENDING_PAYMENT, payment_deadline__lte=now)
                .order_by("payment_deadline", "pk")[:EXPIRE_BATCH]
            )
            for order in batch:
                try:
                    with transaction.atomic():
                        _transition(
                            order,
                            "expire",
                            note=_("Not paid in time: the stock is back on sale."),
                            expired_at=now,
                        )
                        restocked += _restock(order)
                except OrderStateError:
                    continue
                expired += 1
            fragments.products_changed(restocked)  # the stock on their cards and pages
        if len(batch) < EXPIRE_BATCH:
            break
    warn_until = now + timedelta(minutes=settings.MARKET_EXPIRY_WARNING_MINUTES)
    warned = 0
    soon = Order.objects.filter(
        status=OrderStatus.PENDING_PAYMENT,
        payment_deadline__gt=now,
        payment_deadline__lte=warn_until,
    ).only("pk")
    for order in soon.iterator(chunk_size=200):
        with transaction.atomic():
            notifications.order_expiring(order)
        warned += 1
    return {"expired": expired, "warned": warned}


# --- Ratings -----------------------------------------------------------------------------------


@transaction.atomic
def rate_order(
    order: Order, stars: int, comment: str = "", *, actor=None, session_orders=()
) -> Rating:
    """The buyer rates a delivered order (1-5 stars, a short comment), once. Only the buyer
    (``Order.objects.payable_by``: this browser placed or looked it up, or their account)."""
    if actor is not None and not (
        Order.objects.payable_by(actor, session_orders).filter(pk=order.pk).exists()
    ):
        raise NotAllowed(_("Only the buyer may rate this order."))
    if order.status != OrderStatus.DELIVERED:
        raise Conflict(_("An order can be rated once it has been delivered."))
    try:
        stars = int(stars)
    except (TypeError, ValueError):
        stars = 0
    if not 1 <= stars <= 5:
        raise Invalid(_("Give 1 to 5 stars."), field="stars")
    comment = " ".join((comment or "").split())
    if len(comment) > 500:
        raise Invalid(_("Keep the comment under 500 characters."), field="comment")
    if Rating.objects.filter(order=order).exists():
        raise Conflict(_("This order has already been rated."))
    try:
        with transaction.atomic():
            return Rating.objects.create(
                order=order, group_id=order.group_id, stars=stars, comment=comment
            )
    except IntegrityError as exc:  # two submissions at once: the first one counts
        raise Conflict(_("This order has already been rated.")) from exc


@transaction.atomic
def answer_rating(rating: Rating, reply: str, *, actor) -> Rating:
    """The group answers a rating (its sellers only); a new answer replaces the old one."""
    _require_seller(rating.group_id, actor)
    reply = " ".join((reply or "").split())
    if not reply:
        raise Invalid(_("Write the answer."), field="reply")
    if len(reply) > 500:
        raise Invalid(_("Keep the answer under 500 characters."), field="reply")
    rating.reply, rating.replied_at = reply, timezone.now()
    rating.save(update_fields=["reply", "replied_at"])
    return rating


def allowed_next(order: Order) -> set[str]:
    """Statuses the order may move to next (for showing the right buttons)."""
    return set(ORDERS.allowed(order).values())


# --- Personal data: retention and erasure (docs/privacy.md) -------------------------------------

#: An anonymised order keeps its number, group, lines, amounts, postage, area (sub-district and
#: postcode), dates and history; nothing that names or reaches the buyer.
ERASED_BUYER = {
    "buyer": None,
    "buyer_name": "",
    "buyer_phone": "",
    "buyer_email": "",
    "address_line1": "",
    "address_line2": "",
    "note": "",
}
_BATCH = 500


def _delete_slips(payments) -> int:
    """Delete the slip images of ``payments`` (the files once the transaction commits); the
    payments stay, with their amount and method."""
    rows = list(payments.exclude(slip="").only("pk", "slip"))
    for payment in rows:
        transaction.on_commit(partial(payment.slip.delete, save=False))
    for start in range(0, len(rows), _BATCH):
        Payment.objects.filter(pk__in=[p.pk for p in rows[start : start + _BATCH]]).update(slip="")
    return len(rows)


def anonymise_orders(orders) -> tuple[int, int]:
    """Remove the buyer from ``orders``: ``ERASED_BUYER``, payment notes and slips, the buyer
    as actor of the history. Returns ``(orders anonymised, slips deleted)``; idempotent."""
    ids = list(orders.exclude(buyer_phone="").values_list("pk", flat=True))
    slips = 0
    for start in range(0, len(ids), _BATCH):
        batch = ids[start : start + _BATCH]
        OrderEvent.objects.filter(order_id__in=batch, actor_id=F("order__buyer_id")).update(
            actor=None
        )
        Payment.objects.filter(order_id__in=batch).exclude(note="").update(note="")
        slips += _delete_slips(Payment.objects.filter(order_id__in=batch))
        Order.objects.filter(pk__in=batch).update(**ERASED_BUYER)
    return len(ids), slips


def purge_orders(now) -> dict[str, int]:
    """Retention: orders untouched for ``PRIVACY_ORDER_DAYS`` lose their buyer; a transfer
    slip is deleted ``PRIVACY_SLIP_DAYS`` after it was checked, or after its order closed."""
    order_cut = now - timedelta(days=settings.PRIVACY_ORDER_DAYS)
    orders, slips = anonymise_orders(Order.objects.filter(updated__lt=order_cut))
    slip_cut = now - timedelta(days=settings.PRIVACY_SLIP_DAYS)
    slips += _delete_slips(
        Payment.objects.filter(
            Q(confirmed_at__lt=slip_cut)
            | Q(rejected_at__lt=slip_cut)
            | Q(order__status__in=OrderStatus.closed_states(), order__updated__lt=slip_cut)
        )
    )
    return {"orders anonymised": orders, "slips deleted": slips}


def erase_buyer(*, phone: str = "", email: str = "") -> dict[str, int]:
    """Erase one buyer (a normalised phone and/or an e-mail) from every order placed with it
    or under an account with it. Counts and amounts stay; the orders become anonymous."""
    from pracharat.core import audit

    rule = Q(pk__in=[])
    if phone:
        rule |= Q(buyer_phone=phone) | Q(buyer__phone=phone)
    if email:
        rule |= Q(buyer_email__iexact=email) | Q(buyer__email__iexact=email)
    orders = Order.objects.filter(rule)
    ids = list(orders.values_list("pk", flat=True))
    anonymised, slips = anonymise_orders(orders)
    audit.scrub(audit.entries_about(Order, ids))
    audit.scrub(
        audit.entries_about(
            Payment, Payment.objects.filter(order_id__in=ids).values_list("pk", flat=True)
        )
    )
    return {"orders": anonymised, "slips": slips}


def erase_person(*, phone: str = "", email: str = "") -> dict[str, int]:
    """The market's part of erasing one person: their orders as a buyer and their places in
    producer groups (the account itself is erased by accounts)."""
    counts = erase_buyer(phone=phone, email=email)
    rule = Q(pk__in=[])
    if phone:
        rule |= Q(user__phone=phone)
    if email:
        rule |= Q(user__email__iexact=email)
    counts["group memberships"], _by_model = GroupMember.objects.filter(rule).delete()
    return counts
