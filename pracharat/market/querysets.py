"""Named reads of the market: what is on sale, whose orders a person may see, seller figures.

Scoping differs from the area rule of ``AreaQuerySet``: a producer sees the orders of the
groups they belong to (wherever the groups are), an officer who oversees the market of an
area (provincial officer, inspector) the orders of groups located there, and a buyer the
orders placed under their account -- or, without an account, one order by its number and the
phone number given at checkout (see ``for_buyer``). Trainers, agency officers (NT, the post)
and operators have no market work: they see no one's orders.

Seeing an order is not seeing its buyer: only the buyer and the group's sellers get the
buyer's name, phone, e-mail and address (``with_buyer_details_for``). And seeing is never
changing: the seller's actions take ``fulfilable_by``, a slip takes the buyer's own order.
See docs/privacy.md.
"""

from __future__ import annotations

from django.db import models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth

from pracharat.core.models import AreaQuerySet, area_q


def _is_anonymous(user) -> bool:
    return user is None or not user.is_authenticated


class ProducerGroupQuerySet(AreaQuerySet):
    def active(self):
        return self.filter(active=True)

    def visible_to(self, user):
        """Groups are a public shop window: every active group, plus the user's own."""
        if _is_anonymous(user):
            return self.active()
        if user.is_superuser:
            return self
        return self.filter(Q(active=True) | Q(members__user=user)).distinct()

    def managed_by(self, user):
        """Groups whose products and orders the user may change: their own (any role),
        everything for a superuser."""
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(members__user=user).distinct()

    def owned_by(self, user):
        """Groups where the user may manage members, the PromptPay ID and the profile."""
        from pracharat.market.models import MemberRole

        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(
            members__user=user, members__role__in=[MemberRole.OWNER, MemberRole.MANAGER]
        ).distinct()


class ProductQuerySet(AreaQuerySet):
    area_field = "group__area_code"

    #: Set by ``search.search_products`` when it has just ranked the matches: the pager's
    #: ``count()`` then needs no second pass over them. Any filter (or ``none()``) drops it.
    _known_count: int | None = None

    def _clone(self):
        clone = super()._clone()
        clone._known_count = self._known_count
        return clone

    def _filter_or_exclude(self, negate, args, kwargs):
        clone = super()._filter_or_exclude(negate, args, kwargs)
        clone._known_count = None
        return clone

    def none(self):
        clone = super().none()
        clone._known_count = None
        return clone

    def count(self):
        if self._known_count is not None and not self.query.is_sliced:
            return self._known_count
        return super().count()

    def active(self):
        """On sale: the product and its group are active."""
        return self.filter(active=True, group__active=True)

    def in_stock(self):
        return self.filter(stock__gt=0)

    def in_category(self, category):
        """``category`` is a Category or its slug."""
        if isinstance(category, str):
            return self.filter(category__slug=category)
        return self.filter(category=category)

    def price_between(self, min_price=None, max_price=None):
        qs = self
        if min_price is not None:
            qs = qs.filter(price__gte=min_price)
        if max_price is not None:
            qs = qs.filter(price__lte=max_price)
        return qs

    def for_listing(self):
        """What a product card needs, in a fixed number of queries whatever the length."""
        from pracharat.market.models import ProductPhoto

        return self.select_related("group", "category").prefetch_related(
            models.Prefetch(
                "photos",
                queryset=ProductPhoto.objects.order_by("position", "pk"),
                to_attr="photo_list",
            )
        )

    def visible_to(self, user):
        """Products on sale for everyone; inactive ones only for their group's members."""
        if _is_anonymous(user):
            return self.active()
        if user.is_superuser:
            return self
        return self.filter(
            Q(active=True, group__active=True) | Q(group__members__user=user)
        ).distinct()

    def managed_by(self, user):
        if _is_anonymous(user):
            return self.none()
        if user.is_superuser:
            return self
        return self.filter(group__members__user=user).distinct()


def market_oversight_roles():
    """Roles that follow the market of their area: its orders' statuses and amounts."""
    from pracharat.accounts.models import Role

    return {Role.PROVINCIAL_OFFICER, Role.INSPECTOR}


class OrderQuerySet(AreaQuerySet):
    """``area_code`` on an order is its producer group's (seller's) area at checkout."""

    def visible_to(self, user):
        """Members see their groups' orders, market overseers (provincial officers,
        inspectors) the orders of groups in their area, buyers the orders they placed while
        logged in. Anonymous users see none (they look one order up with ``for_buyer``)."""
        from pracharat.accounts.scoping import area_codes_for

        if _is_anonymous(user):
            return self.none()
        codes = area_codes_for(user, roles=market_oversight_roles())
        if codes is None:
            return self
        rule = Q(group__members__user=user) | Q(buyer=user)
        if codes:
            rule |= area_q(codes)
        return self.filter(rule).distinct()

    def with_buyer_details_for(self, user):
        """Annotate ``buyer_details_shown``: whether ``user`` may read the buyer's name,
        phone, e-mail, address and note -- the buyer's own account and the group's sellers
        (who ship the parcel); superusers. Everyone else sees the order without its buyer."""
        if _is_anonymous(user):
            return self.annotate(buyer_details_shown=models.Value(False))
        if user.is_superuser:
            return self.annotate(buyer_details_shown=models.Value(True))
        from pracharat.market.models import GroupMember

        sells = Exists(GroupMember.objects.filter(group=OuterRef("group_id"), user=user))
        return self.annotate(
            buyer_details_shown=ExpressionWrapper(
                Q(sells) | Q(buyer_id=user.pk), output_field=BooleanField()
            )
        )

    def fulfilable_by(self, user):
        """Orders ``user`` may change as a seller (confirm payment, reject a slip, ship,
        cancel): those of the groups they sell for; every order for a superuser."""
        from pracharat.market.models import ProducerGroup

        return self.filter(group__in=ProducerGroup.objects.managed_by(user).values("pk"))

    def payable_by(self, user, numbers=()):
        """Orders a transfer slip may be sent for: those this browser placed or looked up
        with number + phone (``numbers``, from the session) and those placed under the
        logged-in account. Seeing an order as an officer or a seller is not enough."""
        rule = Q(number__in=list(numbers))
        if not _is_anonymous(user):
            rule |= Q(buyer_id=user.pk)
        return self.filter(rule)

    def printable_by(self, user, numbers=()):
        """Orders whose receipt, with the buyer's name and address, may be printed from this
        request: the buyer's (``numbers`` from the session, as ``payable_by``, and orders
        placed under the account) and those of the groups the user sells for. Officers who
        oversee an order see it on the page but print nothing."""
        from pracharat.market.models import ProducerGroup

        rule = Q(number__in=list(numbers))
        if not _is_anonymous(user):
            rule |= Q(buyer_id=user.pk) | Q(
                group__in=ProducerGroup.objects.managed_by(user).values("pk")
            )
        return self.filter(rule)

    def for_buyer(self, number: str, phone: str):
        """The one order a buyer without an account may see: number + checkout phone."""
        from pracharat.core.lib.phone import PhoneError, normalise_phone

        try:
            phone = normalise_phone(phone)
        except PhoneError:
            return self.none()
        return self.filter(number=(number or "").strip().upper(), buyer_phone=phone)

    def of_group(self, group):
        return self.filter(group=group)

    def to_fulfil(self):
        """Orders waiting for the seller: payment to check or parcel to send."""
        from pracharat.market.models import OrderStatus

        return self.filter(
            status__in=[OrderStatus.PAYMENT_REVIEW, OrderStatus.PAID, OrderStatus.COD]
        ).order_by("created")

    def open(self):
        from pracharat.market.models import OrderStatus

        return self.exclude(status__in=OrderStatus.closed_states())

    def paid(self):
        """Orders whose money has arrived (paid, shipped or delivered)."""
        from pracharat.market.models import OrderStatus

        return self.filter(status__in=OrderStatus.paid_states())

    def with_details(self):
        return self.select_related("group", "subdistrict__district__province").prefetch_related(
            "lines"
        )

    def income_by_month(self):
        """``[{"month": date, "orders": n, "income": Decimal, "shipping": Decimal,
        "promptpay": Decimal, "cod": Decimal}, ...]`` over paid orders, newest month first.
        Income is the goods subtotal; shipping apart; ``promptpay`` and ``cod`` split the
        income by how it was paid (cash on delivery counts once the parcel is delivered)."""
        cod = Q(pay_by="cod")
        return (
            self.paid()
            .annotate(month=TruncMonth("paid_at"))
            .values("month")
            .annotate(
                orders=Count("pk"),
                income=Sum("subtotal"),
                shipping=Sum("shipping_fee"),
                cod=Sum("subtotal", filter=cod),
                promptpay=Sum("subtotal", filter=~cod),
            )
            .order_by("-month")
        )


class OrderLineQuerySet(models.QuerySet):
    def best_sellers(self, limit: int = 10):
        """``[{"product_id", "title", "units", "revenue"}, ...]`` over paid orders, most units
        first. (Not named ``quantity``: that would shadow the field inside the revenue sum.)"""
        from pracharat.market.models import OrderStatus

        return (
            self.filter(order__status__in=OrderStatus.paid_states())
            .values("product_id", "title")
            .annotate(units=Sum("quantity"), revenue=Sum(F("unit_price") * F("quantity")))
            .order_by("-units", "title")[:limit]
        )


class PaymentQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def awaiting_check(self):
        return self.filter(confirmed_at__isnull=True, rejected_at__isnull=True)


class TrackingEventQuerySet(models.QuerySet):
    def for_barcode(self, barcode: str):
        return self.filter(barcode=barcode).order_by("occurred_at", "pk")


class SearchSynonymQuerySet(models.QuerySet):
    def kept_by(self, user):
        """Search-term entries ``user`` may change or remove: every entry for staff (and a
        provincial officer of the whole country); else those added for the officer's own
        provinces (a group's entries carry its area) and those of the producer groups the
        user is a member of -- never the platform's own lists (``area_code`` empty and no
        group) nor another province's or another group's."""
        from pracharat.accounts.models import Role
        from pracharat.accounts.scoping import area_codes_for

        if _is_anonymous(user):
            return self.none()
        if user.is_staff or user.is_superuser:
            return self
        codes = area_codes_for(user, roles={Role.PROVINCIAL_OFFICER})
        if codes is None:
            return self
        from pracharat.market.models import ProducerGroup

        codes = [code for code in codes if code]
        own_groups = Q(group__in=ProducerGroup.objects.managed_by(user).values("pk"))
        return self.filter(area_q(codes) | own_groups if codes else own_groups)
