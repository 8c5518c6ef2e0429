"""Village producer groups, their products, and the orders buyers place with them.

Money is ``Decimal`` baht with two places (satang) everywhere; weights are whole grams.
An order belongs to exactly one producer group: checkout splits a cart by group, because each
group is paid on its own PromptPay ID and ships its own parcel.

Writes that touch more than one row (checkout, payment, shipping, cancelling, indexing a
product for search) are in ``actions.py``; views, the API and commands call those.
"""

from __future__ import annotations

import re
import secrets
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pracharat.core.collation import thai
from pracharat.core.i18n import BilingualName, bilingual
from pracharat.core.models import AreaCodeField, LinePushIdField, TimeStamped
from pracharat.core.notifications import Contact
from pracharat.core.storage import get_private_storage, random_name
from pracharat.market import querysets
from pracharat.market.lib import promptpay, s10

ZERO = Decimal("0.00")
#: Half a satang: amounts of two decimal places that differ by less are equal.
HALF_SATANG = models.Value(Decimal("0.005"))
money_validators = [MinValueValidator(ZERO)]


# --- Producer groups ---------------------------------------------------------------------------


class GroupKind(models.TextChoices):
    COMMUNITY_ENTERPRISE = "community_enterprise", _("Community enterprise")
    OCCUPATION_GROUP = "occupation_group", _("Occupation group")
    COOPERATIVE = "cooperative", _("Cooperative")
    OTHER = "other", _("Other group")


class PromptPayType(models.TextChoices):
    MOBILE = "mobile", _("Mobile number")
    NATIONAL_ID = "national_id", _("National ID / tax ID")
    EWALLET = "ewallet", _("E-wallet ID")


_PROXY_TYPES = {
    promptpay.ProxyType.MOBILE: PromptPayType.MOBILE,
    promptpay.ProxyType.NATIONAL_ID: PromptPayType.NATIONAL_ID,
    promptpay.ProxyType.EWALLET: PromptPayType.EWALLET,
}

group_code_validator = RegexValidator(
    r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$",
    _("Use 1-40 lower-case letters, digits and dashes, e.g. khlong-mem-chili."),
)


def logo_path(instance, filename: str) -> str:
    return random_name("market/groups")


class ProducerGroup(BilingualName, TimeStamped):
    """A village group that sells: a community enterprise (วิสาหกิจชุมชน, registered with the
    Department of Agricultural Extension) or an occupation group (กลุ่มอาชีพ)."""

    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[group_code_validator],
        help_text=_("Short name used in links and imports, e.g. khlong-mem-chili."),
    )
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    kind = models.CharField(
        _("kind"), max_length=30, choices=GroupKind.choices, default=GroupKind.OCCUPATION_GROUP
    )
    registration_number = models.CharField(
        _("registration number"),
        max_length=40,
        blank=True,
        help_text=_("Community enterprise registration number (required for that kind)."),
    )
    village = models.ForeignKey(
        "geo.Village",
        on_delete=models.PROTECT,
        related_name="producer_groups",
        verbose_name=_("village"),
    )
    area_code = AreaCodeField(help_text=_("Copied from the village on save."), editable=False)
    story_th = models.TextField(_("story (Thai)"), blank=True)
    story_en = models.TextField(_("story (English)"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("email"), blank=True)
    line_id = models.CharField(_("LINE ID"), max_length=60, blank=True)
    line_push_id = LinePushIdField(
        help_text=_(
            "The LINE group (C…) or user (U…) ID that receives new orders and slips; "
            "not the public LINE ID above."
        )
    )
    promptpay_id = models.CharField(
        _("PromptPay ID"),
        max_length=20,
        blank=True,
        help_text=_("Mobile number, national ID / tax ID or e-wallet ID that receives payments."),
    )
    promptpay_type = models.CharField(
        _("PromptPay ID type"), max_length=20, choices=PromptPayType.choices, blank=True
    )
    logo = models.ImageField(_("logo"), upload_to=logo_path, blank=True)
    active = models.BooleanField(_("active"), default=True)
    payment_hours = models.PositiveSmallIntegerField(
        _("hours to pay"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_(
            "An unpaid order holds its stock this long; then it expires and the stock is "
            "back on sale."
        ),
    )
    cod_all_products = models.BooleanField(
        _("cash on delivery for every product"),
        default=False,
        help_text=_(
            "Buyers may pay the postman (Thailand Post COD) for any of the group's products; "
            "otherwise only for the products marked so."
        ),
    )
    cod_fee = models.DecimalField(
        _("cash on delivery fee (baht)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("30.00"),
        validators=money_validators,
        help_text=_("Added to an order paid on delivery (Thailand Post's COD charge)."),
    )

    objects = querysets.ProducerGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("producer group")
        verbose_name_plural = _("producer groups")
        ordering = [thai("name_th")]

    story = bilingual("story")

    def __str__(self) -> str:
        return self.name

    def notification_contact(self) -> Contact:
        """The group's shared e-mail and LINE group, in Thai."""
        return Contact(
            email=self.email, line_id=self.line_push_id, personal=False, label=self.name_th
        )

    @property
    def promptpay_display(self) -> str:
        """The PromptPay ID as people write it (081-234-5678), "" when none or invalid."""
        try:
            return promptpay.normalise_proxy(self.promptpay_id).display
        except promptpay.PromptPayError:
            return ""

    def clean(self):
        super().clean()
        errors = {}
        if self.kind == GroupKind.COMMUNITY_ENTERPRISE and not self.registration_number.strip():
            errors["registration_number"] = _(
                "A community enterprise needs its registration number."
            )
        if self.promptpay_id:
            try:
                proxy = promptpay.normalise_proxy(self.promptpay_id)
            except promptpay.PromptPayError as exc:
                errors["promptpay_id"] = str(exc)
            else:
                self.promptpay_type = _PROXY_TYPES[proxy.type]
                self.promptpay_id = _proxy_digits(proxy)
        else:
            self.promptpay_type = ""
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.village_id:
            self.area_code = self.village_id
        super().save(*args, **kwargs)

    def address_lines(self) -> list[str]:
        """The group's postal address, as the sender on a parcel label: name, village and
        moo, sub-district / district / province and postcode."""
        village = self.village
        return [
            self.name_th,
            f"{village.name_th} หมู่ที่ {village.moo}",
            village.subdistrict.address_th(),
        ]

    def promptpay_payload(self, amount: Decimal | None = None) -> str:
        """The EMVCo PromptPay payload paying this group (raises ``PromptPayError``)."""
        return promptpay.payload(self.promptpay_id, amount)


def _proxy_digits(proxy: promptpay.Proxy) -> str:
    """What we store: the local mobile number (0812345678) or the bare 13/15 digits."""
    if proxy.type is promptpay.ProxyType.MOBILE:
        return "0" + proxy.value[4:]
    return proxy.value


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner / chair")
    MANAGER = "manager", _("Manager")
    MEMBER = "member", _("Member")


class GroupMember(TimeStamped):
    """A person who sells for a group. Owners and managers manage the group itself; every
    member may list products and handle orders."""

    group = models.ForeignKey(
        ProducerGroup, on_delete=models.CASCADE, related_name="members", verbose_name=_("group")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="producer_memberships",
        verbose_name=_("user"),
    )
    role = models.CharField(
        _("role"), max_length=20, choices=MemberRole.choices, default=MemberRole.MEMBER
    )

    class Meta:
        verbose_name = _("group member")
        verbose_name_plural = _("group members")
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="market_member_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.group} · {self.get_role_display()}"


# --- Catalogue ---------------------------------------------------------------------------------


class Category(BilingualName, models.Model):
    slug = models.SlugField(_("short name"), max_length=60, unique=True)
    name_th = models.CharField(_("name (Thai)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", thai("name_th")]

    def __str__(self) -> str:
        return self.name


class Product(TimeStamped):
    """Something a group sells. ``stock`` only ever goes down through
    ``actions.checkout`` (conditional update, never below zero) and up through
    ``actions.cancel`` or the seller's edits."""

    group = models.ForeignKey(
        ProducerGroup, on_delete=models.PROTECT, related_name="products", verbose_name=_("group")
    )
    sku = models.CharField(
        _("product code"),
        max_length=40,
        blank=True,
        help_text=_("The group's own code; a CSV import updates the product with the same code."),
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        related_name="products",
        verbose_name=_("category"),
    )
    title_th = models.CharField(_("title (Thai)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_th = models.TextField(_("description (Thai)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    price = models.DecimalField(
        _("price (baht)"), max_digits=10, decimal_places=2, validators=money_validators
    )
    unit = models.CharField(
        _("unit"), max_length=30, default="ชิ้น", help_text=_("e.g. jar, pack, kg")
    )
    weight_grams = models.PositiveIntegerField(
        _("weight (grams)"),
        validators=[MinValueValidator(1)],
        help_text=_("Packed weight of one unit, for the postage."),
    )
    stock = models.PositiveIntegerField(_("stock"), default=0)
    active = models.BooleanField(_("on sale"), default=True)
    cod = models.BooleanField(
        _("cash on delivery"),
        default=False,
        help_text=_("Buyers may pay the postman (Thailand Post COD) for this product."),
    )

    objects = querysets.ProductQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["group", "active"], name="market_product_group_active"),
            models.Index(fields=["category", "active", "price"], name="market_product_cat_price"),
            # The catalogue's default order (newest first) read backwards, without a sort.
            models.Index(fields=["created", "id"], name="market_product_newest"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="market_product_price_gte_0"),
            models.CheckConstraint(condition=Q(stock__gte=0), name="market_product_stock_gte_0"),
            models.UniqueConstraint(
                fields=["group", "sku"], condition=~Q(sku=""), name="market_product_group_sku"
            ),
        ]

    title = bilingual("title")
    description = bilingual("description")

    def __str__(self) -> str:
        return self.title

    @property
    def first_photo(self):
        """The cover photo, using ``for_listing()``'s prefetch when present."""
        photos = getattr(self, "photo_list", None)
        if photos is None:
            photos = list(self.photos.order_by("position", "pk")[:1])
        return photos[0] if photos else None

    @property
    def available(self) -> bool:
        return self.active and self.stock > 0

    @property
    def cod_offered(self) -> bool:
        """Cash on delivery may be chosen for this product (by itself or by its group)."""
        return self.cod or self.group.cod_all_products


class SearchDocumentField(models.TextField):
    """Segmented text of a search document; ``search.py`` gives it the ``matches`` lookup."""


class ProductIndex(models.Model):
    """The product's search document: its text segmented into tokens by
    ``lib.thaisearch.index_text`` (Thai syllables, folded Latin words, numbers).

    One row per product, written by ``search.index_product``. The table is created by the
    migration per database: an FTS5 virtual table on SQLite (``rowid`` = product id, BM25
    ranking, title weighted above body), a plain table with a GIN index over
    ``setweight(to_tsvector('simple', title), 'A') || setweight(..., body, 'B')`` on
    PostgreSQL. Never alter it with a plain migration -- see ``search.py``.
    """

    product = models.OneToOneField(
        Product,
        on_delete=models.CASCADE,
        primary_key=True,
        db_column="rowid",
        related_name="search_index",
    )
    title = SearchDocumentField()
    body = SearchDocumentField()

    class Meta:
        verbose_name = _("search index entry")
        verbose_name_plural = _("search index")

    def __str__(self) -> str:
        return self.title


def photo_path(instance, filename: str) -> str:
    return f"market/products/{instance.product_id}/{secrets.token_hex(8)}.jpg"


def thumb_path(instance, filename: str) -> str:
    return f"market/products/{instance.product_id}/thumbs/{secrets.token_hex(8)}.jpg"


class ProductPhoto(models.Model):
    """A product photo, re-encoded as JPEG (largest side ``PHOTO_MAX_SIDE``) with a light
    thumbnail; see ``actions.add_photo``, which checks the upload really is an image."""

    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, related_name="photos", verbose_name=_("product")
    )
    image = models.ImageField(_("photo"), upload_to=photo_path)
    thumbnail = models.ImageField(_("thumbnail"), upload_to=thumb_path)
    width = models.PositiveIntegerField(_("width"), default=0, editable=False)
    height = models.PositiveIntegerField(_("height"), default=0, editable=False)
    alt = models.CharField(_("description of the photo"), max_length=200, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("product photo")
        verbose_name_plural = _("product photos")
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.alt or self.image.name


# --- Shipping ----------------------------------------------------------------------------------


class ShippingService(models.TextChoices):
    EMS = "ems", _("EMS (express)")
    REGISTERED = "registered", _("Registered parcel")


class ShippingRate(models.Model):
    """A line of the domestic postage table: parcels up to ``max_weight_grams`` cost ``price``.

    Seeded with an example Thailand Post table by the demo; the admin edits it when the
    tariff changes (the figures are not fetched from Thailand Post)."""

    service = models.CharField(_("service"), max_length=20, choices=ShippingService.choices)
    max_weight_grams = models.PositiveIntegerField(
        _("up to weight (grams)"), validators=[MinValueValidator(1)]
    )
    price = models.DecimalField(
        _("price (baht)"), max_digits=8, decimal_places=2, validators=money_validators
    )

    class Meta:
        verbose_name = _("shipping rate")
        verbose_name_plural = _("shipping rates")
        ordering = ["service", "max_weight_grams"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "max_weight_grams"], name="market_rate_service_weight"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_service_display()} ≤ {self.max_weight_grams} g: {self.price}"


# --- Orders ------------------------------------------------------------------------------------


class OrderStatus(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Waiting for payment")
    COD = "cod", _("Cash on delivery, to be shipped")
    PAYMENT_REVIEW = "payment_review", _("Transfer slip to check")
    PAID = "paid", _("Paid, to be shipped")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    CANCELLED = "cancelled", _("Cancelled")
    EXPIRED = "expired", _("Expired unpaid")

    @classmethod
    def paid_states(cls) -> list[str]:
        return [cls.PAID, cls.SHIPPED, cls.DELIVERED]

    @classmethod
    def closed_states(cls) -> list[str]:
        """Where an order ends: nothing more happens to it (``Order.is_open`` is False)."""
        return [cls.DELIVERED, cls.CANCELLED, cls.EXPIRED]


#: The order's state machine, ``{from: {action: to}}``: ``actions.ORDERS`` moves orders along
#: it (``core.transitions``) and refuses anything else with ``OrderStateError``.
ORDER_TRANSITIONS: dict[str, dict[str, str]] = {
    OrderStatus.PENDING_PAYMENT: {
        "send_slip": OrderStatus.PAYMENT_REVIEW,
        "pay": OrderStatus.PAID,
        "cancel": OrderStatus.CANCELLED,
        "expire": OrderStatus.EXPIRED,
    },
    OrderStatus.COD: {"ship": OrderStatus.SHIPPED, "cancel": OrderStatus.CANCELLED},
    OrderStatus.PAYMENT_REVIEW: {
        "pay": OrderStatus.PAID,
        "reject_slip": OrderStatus.PENDING_PAYMENT,
        "cancel": OrderStatus.CANCELLED,
    },
    OrderStatus.PAID: {"ship": OrderStatus.SHIPPED, "cancel": OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {"deliver": OrderStatus.DELIVERED},
    OrderStatus.DELIVERED: {},
    OrderStatus.CANCELLED: {},
    OrderStatus.EXPIRED: {},
}


class PayBy(models.TextChoices):
    PROMPTPAY = "promptpay", _("PromptPay transfer")
    COD = "cod", _("Cash on delivery")


#: Order numbers: no 0/O, 1/I/L, 2/Z, 5/S, 8/B, so a number read over the phone is typed right.
NUMBER_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


def new_order_number() -> str:
    """``PR-`` and 8 random characters: not guessable, and short enough to read out."""
    return "PR-" + "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(8))


postcode_validator = RegexValidator(r"^\d{5}$", _("A postcode has 5 digits."))


class Order(TimeStamped):
    """What one buyer bought from one group, with the address, postage and payment state."""

    number = models.CharField(
        _("order number"), max_length=20, unique=True, default=new_order_number, editable=False
    )
    group = models.ForeignKey(
        ProducerGroup, on_delete=models.PROTECT, related_name="orders", verbose_name=_("group")
    )
    area_code = AreaCodeField(help_text=_("The producer group's area when the order was placed."))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=OrderStatus.choices,
        default=OrderStatus.PENDING_PAYMENT,
        db_index=True,
    )
    buyer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="market_orders",
        verbose_name=_("buyer account"),
    )
    buyer_name = models.CharField(_("name"), max_length=150)
    buyer_phone = models.CharField(_("phone"), max_length=10, db_index=True)
    buyer_email = models.EmailField(_("email"), blank=True)
    address_line1 = models.CharField(_("house number, street"), max_length=200)
    address_line2 = models.CharField(_("building, moo, soi"), max_length=200, blank=True)
    subdistrict = models.ForeignKey(
        "geo.SubDistrict",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sub-district"),
    )
    postcode = models.CharField(_("postcode"), max_length=5, validators=[postcode_validator])
    note = models.TextField(_("note to the seller"), blank=True)

    shipping_service = models.CharField(
        _("shipping"), max_length=20, choices=ShippingService.choices
    )
    weight_grams = models.PositiveIntegerField(_("parcel weight (grams)"), default=0)
    subtotal = models.DecimalField(
        _("goods"), max_digits=12, decimal_places=2, validators=money_validators
    )
    shipping_fee = models.DecimalField(
        _("postage"), max_digits=10, decimal_places=2, validators=money_validators
    )
    cod_fee = models.DecimalField(
        _("cash on delivery fee"),
        max_digits=8,
        decimal_places=2,
        default=ZERO,
        validators=money_validators,
    )
    total = models.DecimalField(
        _("total"), max_digits=12, decimal_places=2, validators=money_validators
    )
    pay_by = models.CharField(
        _("payment"), max_length=20, choices=PayBy.choices, default=PayBy.PROMPTPAY
    )
    payment_deadline = models.DateTimeField(
        _("pay by"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("An unpaid order expires then and its stock goes back on sale."),
    )
    promptpay_id = models.CharField(_("PromptPay ID"), max_length=20, blank=True)
    promptpay_payload = models.CharField(
        _("PromptPay QR payload"),
        max_length=200,
        blank=True,
        help_text=_("EMVCo payload for the exact total, fixed at checkout."),
    )
    tracking_number = models.CharField(
        _("tracking number"), max_length=13, blank=True, db_index=True
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)
    shipped_at = models.DateTimeField(_("shipped"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired"), null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="th",
        help_text=_("The page's language at checkout: the buyer's e-mails are in it."),
    )

    objects = querysets.OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created", "-pk"]
        indexes = [
            models.Index(fields=["group", "status", "created"], name="market_order_group_status"),
        ]
        constraints = [
            # The total is the sum of its parts, to the satang. Within half a satang, not
            # equal: SQLite adds decimal columns as binary floats (1.10 + 2.20 is not 3.30
            # there), and with two decimal places everywhere the two mean the same.
            models.CheckConstraint(
                condition=Q(
                    total__gte=models.F("subtotal")
                    + models.F("shipping_fee")
                    + models.F("cod_fee")
                    - HALF_SATANG,
                    total__lte=models.F("subtotal")
                    + models.F("shipping_fee")
                    + models.F("cod_fee")
                    + HALF_SATANG,
                ),
                name="market_order_total_sum",
            ),
            # A parcel has one S10 number: one number never ships two orders.
            models.UniqueConstraint(
                fields=["tracking_number"],
                condition=~Q(tracking_number=""),
                name="market_order_tracking_number_unique",
                violation_error_message=_("This tracking number is already on another order."),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status not in OrderStatus.closed_states()

    @property
    def is_cod(self) -> bool:
        return self.pay_by == PayBy.COD

    @property
    def cod_amount(self) -> Decimal:
        """What the postman collects (the whole total), 0 for a PromptPay order."""
        return self.total if self.is_cod else ZERO

    @property
    def can_pay(self) -> bool:
        return self.status in (OrderStatus.PENDING_PAYMENT, OrderStatus.PAYMENT_REVIEW)

    @property
    def personal_data_erased(self) -> bool:
        """Anonymised by the retention purge or an erasure (the phone is never empty else)."""
        return not self.buyer_phone

    def can_become(self, status: str) -> bool:
        return status in ORDER_TRANSITIONS.get(self.status, {}).values()

    def notification_contact(self) -> Contact:
        """The buyer, as a recipient (an account's own settings win over the checkout's)."""
        buyer = self.buyer if self.buyer_id else None
        return Contact(
            email=self.buyer_email,
            line_id=buyer.line_push_id if buyer and buyer.is_active else "",
            language=buyer.language if buyer else self.language,
            label=str(_("Buyer of order %(number)s") % {"number": self.number}),
        )

    def address_lines(self) -> list[str]:
        """The postal address as printed on a parcel label."""
        lines = [self.buyer_name, self.address_line1]
        if self.address_line2:
            lines.append(self.address_line2)
        sub = self.subdistrict
        lines.append(sub.address_th().rsplit(" ", 1)[0] + f" {self.postcode}")
        return lines

    def clean(self):
        super().clean()
        if self.tracking_number:
            try:
                self.tracking_number = s10.validate(self.tracking_number)
            except s10.S10Error as exc:
                raise ValidationError({"tracking_number": exc.translated(gettext)}) from None


class OrderLine(models.Model):
    """A product as it was bought: title, price and weight are copied, so later edits of the
    product do not change what the buyer ordered."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="order_lines",
        verbose_name=_("product"),
    )
    title = models.CharField(_("title"), max_length=200)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=10, decimal_places=2, validators=money_validators
    )
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    weight_grams = models.PositiveIntegerField(_("weight of one (grams)"))

    objects = querysets.OrderLineQuerySet.as_manager()

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="market_line_quantity_gte_1"),
        ]

    def __str__(self) -> str:
        return f"{self.title} × {self.quantity}"

    @property
    def line_total(self) -> Decimal:
        return self.unit_price * self.quantity


class OrderEvent(models.Model):
    """One step of an order's history: a status change or a note (from == to)."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="events", verbose_name=_("order")
    )
    from_status = models.CharField(
        _("from"), max_length=20, choices=OrderStatus.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=20, choices=OrderStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.order} {self.from_status or '·'} → {self.to_status}"


class PaymentMethod(models.TextChoices):
    SELLER = "seller", _("Confirmed by the seller")
    SLIP = "slip", _("Transfer slip")
    WEBHOOK = "webhook", _("Payment provider")
    COD = "cod", _("Cash on delivery")


def slip_path(instance, filename: str) -> str:
    """A random name in the private storage: no order number, id or original file name."""
    return random_name("market/slips")


class Payment(models.Model):
    """Money for an order. A seller's confirmation and a provider's signed webhook are
    confirmed at once; an uploaded slip waits until the seller confirms or rejects it.
    ``provider_reference`` is unique, so a webhook delivered twice records one payment."""

    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="payments", verbose_name=_("order")
    )
    method = models.CharField(_("method"), max_length=20, choices=PaymentMethod.choices)
    amount = models.DecimalField(
        _("amount (baht)"), max_digits=12, decimal_places=2, validators=money_validators
    )
    provider_reference = models.CharField(
        _("provider reference"), max_length=100, unique=True, null=True, blank=True
    )
    # A JPEG re-encoded by core.lib.images, in the private storage (no URL): served by the
    # slip_file view to the buyer of the order and to those who may see the order.
    slip = models.FileField(
        _("transfer slip"), upload_to=slip_path, storage=get_private_storage, blank=True
    )
    note = models.TextField(_("note"), blank=True)
    created = models.DateTimeField(_("received"), auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    rejected_at = models.DateTimeField(_("rejected"), null=True, blank=True)

    objects = querysets.PaymentQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["created", "pk"]

    def __str__(self) -> str:
        return f"{self.order} {self.get_method_display()} {self.amount}"


class TrackingSource(models.TextChoices):
    POLL = "poll", _("Track & Trace query")
    WEBHOOK = "webhook", _("Track & Trace webhook")
    MANUAL = "manual", _("Entered by hand")


#: Thailand Post Track & Trace status of final delivery (นำจ่ายสำเร็จ).
DELIVERED_STATUS = "501"

s10_validator = RegexValidator(r"^[A-Z]{2}\d{9}[A-Z]{2}$", _("Not a UPU S10 number."))


class TrackingEvent(models.Model):
    """A Thailand Post scan of a parcel (status 101 accepted … 501 delivered).

    Unique on (barcode, status, time): the same scan from a poll and from the webhook, or from
    two polls, is stored once."""

    order = models.ForeignKey(
        Order,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tracking_events",
        verbose_name=_("order"),
    )
    barcode = models.CharField(_("tracking number"), max_length=13, validators=[s10_validator])
    status = models.CharField(_("status code"), max_length=3)
    description = models.CharField(_("status"), max_length=200, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True)
    occurred_at = models.DateTimeField(_("time"))
    source = models.CharField(_("source"), max_length=10, choices=TrackingSource.choices)
    received = models.DateTimeField(_("received"), auto_now_add=True)

    objects = querysets.TrackingEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("tracking event")
        verbose_name_plural = _("tracking events")
        ordering = ["occurred_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["barcode", "status", "occurred_at"], name="market_tracking_unique"
            ),
        ]
        indexes = [models.Index(fields=["barcode", "occurred_at"], name="market_tracking_code")]

    def __str__(self) -> str:
        return f"{self.barcode} {self.status} {self.occurred_at:%Y-%m-%d %H:%M}"

    @property
    def is_delivery(self) -> bool:
        return self.status == DELIVERED_STATUS


def _names(text: str) -> list[str]:
    return [name.strip() for name in re.split(r"[,\n]", text or "") if name.strip()]


class SearchSynonym(models.Model):
    """Search terms kept as data (by an officer: the search-terms page or the admin): names
    of one thing in Thai and English that find each other (``ผ้าไหม, silk``), and the
    narrower kinds a search for any of them also finds (``ผ้าทอ`` -> ``ผ้าไหม, ผ้าฝ้าย``).
    Read by ``search.py``; ``area_code`` and ``group`` say who may change an entry (a group's
    members, the officers of its province, staff; docs/thai-search.md)."""

    names = models.TextField(
        _("names"),
        help_text=_("Names of the same thing, Thai and English, separated by commas."),
    )
    kinds = models.TextField(
        _("kinds"),
        blank=True,
        help_text=_(
            "Narrower names that a search for these names also finds, separated by commas."
        ),
    )
    area_code = AreaCodeField(
        _("added for"),
        blank=True,
        default="",
        help_text=_(
            "The province whose officer added the entry and may remove it; empty: the "
            "platform's own lists, kept by staff."
        ),
    )
    group = models.ForeignKey(
        ProducerGroup,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="search_terms",
        verbose_name=_("producer group"),
        help_text=_(
            "The group whose members added the entry and may change it; empty: an officer's "
            "or the platform's entry."
        ),
    )
    updated = models.DateTimeField(_("updated"), auto_now=True)

    objects = querysets.SearchSynonymQuerySet.as_manager()

    class Meta:
        verbose_name = _("search synonym")
        verbose_name_plural = _("search synonyms")

    def __str__(self) -> str:
        return self.names

    def name_list(self) -> list[str]:
        return _names(self.names)

    def kind_list(self) -> list[str]:
        return _names(self.kinds)


class SearchWord(models.Model):
    """A word (1-4 Thai syllables, or a Latin word) of some product title, as typed (no
    spaces): the vocabulary a misspelt query is corrected against. Written with the index."""

    word = models.CharField(_("word"), max_length=100, unique=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word


class Rating(models.Model):
    """A buyer's 1-5 stars and short comment on a delivered order, once per order; the group
    may answer it. Shown with counts on the group's and its products' pages."""

    order = models.OneToOneField(
        Order, on_delete=models.CASCADE, related_name="rating", verbose_name=_("order")
    )
    group = models.ForeignKey(
        ProducerGroup, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("group")
    )
    stars = models.PositiveSmallIntegerField(
        _("stars"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.CharField(_("comment"), max_length=500, blank=True)
    reply = models.CharField(_("the group's answer"), max_length=500, blank=True)
    replied_at = models.DateTimeField(_("answered"), null=True, blank=True)
    created = models.DateTimeField(_("rated"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(stars__gte=1, stars__lte=5), name="market_rating_stars_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.stars}★"
