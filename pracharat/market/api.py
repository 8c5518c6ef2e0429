"""The market API at /api/v1/market/: the public catalogue (products with Thai search,
producer groups) and, for sellers, their groups' orders with confirm-payment and ship --
the same actions as the seller's pages. Money is a decimal string in baht ("65.00")."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Field, Path, Query, Router, Schema
from pydantic import field_validator

from pracharat.accounts.api_auth import token_or_session
from pracharat.core.api_schemas import with_errors
from pracharat.core.collation import thai
from pracharat.market import actions, pages
from pracharat.market.lib import s10
from pracharat.market.models import OrderStatus, ProducerGroup, Product
from pracharat.market.search import search_products

router = Router(tags=["market"])

ORDER_NUMBER = r"^[A-Za-z]{2}-[A-Za-z0-9]{8}$"
#: A price in a query: whole baht or baht and satang, as text so it stays exact.
PRICE = r"^[0-9]{1,8}(\.[0-9]{1,2})?$"


# --- Schemas ----------------------------------------------------------------------------------


class CategoryOut(Schema):
    slug: str
    name_th: str
    name_en: str


class GroupRef(Schema):
    code: str
    name_th: str
    name_en: str
    village_code: str
    province_code: str


class ProductOut(Schema):
    id: int
    sku: str
    title: str = Field(description="In the request's language, Thai when no English title")
    title_th: str
    title_en: str
    description_th: str
    description_en: str
    price: Decimal = Field(description="Baht, two decimals")
    unit: str
    weight_grams: int
    stock: int
    available: bool
    category: CategoryOut
    group: GroupRef
    url: str
    thumbnail: str | None = Field(description="Absolute URL of the first photo's thumbnail")


class ProductPage(Schema):
    count: int
    items: list[ProductOut]


class ProductFilter(Schema):
    q: str = Field("", max_length=100, description="Thai and/or English words")
    category: str | None = Field(None, pattern=r"^[-a-zA-Z0-9_]{1,60}$", description="slug")
    area: str | None = Field(
        None, pattern=r"^\d{2}(\d{2}){0,3}$", description="DOPA code of the group's area"
    )
    min_price: str | None = Field(None, pattern=PRICE, description="Baht, e.g. 50 or 49.50")
    max_price: str | None = Field(None, pattern=PRICE, description="Baht, inclusive")
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0, le=10_000)


class GroupOut(Schema):
    code: str
    name_th: str
    name_en: str
    kind: str
    registration_number: str
    village_code: str
    village_name_th: str
    province_code: str
    story_th: str
    story_en: str
    phone: str
    email: str
    line_id: str
    promptpay: str = Field(description="PromptPay ID as written, e.g. 081-234-5678")
    url: str


class GroupDetail(GroupOut):
    products: list[ProductOut]


class OrderLineOut(Schema):
    product_id: int | None
    title: str
    unit: str
    unit_price: Decimal
    quantity: int


class OrderOut(Schema):
    number: str
    status: str
    group: str
    created: dt.datetime
    buyer_name: str
    buyer_phone: str
    buyer_email: str
    address: list[str]
    postcode: str
    shipping_service: str
    weight_grams: int
    subtotal: Decimal
    shipping_fee: Decimal
    total: Decimal
    tracking_number: str
    paid_at: dt.datetime | None
    shipped_at: dt.datetime | None
    delivered_at: dt.datetime | None
    lines: list[OrderLineOut]


class OrderPage(Schema):
    count: int
    items: list[OrderOut]


class OrderFilter(Schema):
    status: OrderStatus | None = None
    limit: int = Field(50, ge=1, le=200)
    offset: int = Field(0, ge=0, le=1_000_000)  # SQL OFFSET is a bigint: 2**63 was a 500


class ShipIn(Schema):
    tracking_number: str = Field(
        ...,
        max_length=20,
        # No pattern: pydantic would refuse in its own words (English) before the S10 check
        # below says what is wrong in the request's language.
        description="Thailand Post UPU S10 number, e.g. EE123456785TH (spaces allowed)",
    )

    @field_validator("tracking_number")
    @classmethod
    def _s10(cls, value: str) -> str:
        try:
            code = s10.validate(value)
        except s10.S10Error as exc:  # a ValueError: a 422 with the reason, in Thai
            raise ValueError(exc.translated(gettext)) from None
        if not code.endswith("TH"):
            raise ValueError(gettext("A Thailand Post tracking number ends with TH."))
        return code


# --- Serialisers ------------------------------------------------------------------------------


def _product(request, p: Product) -> dict:
    photo = p.first_photo
    group = p.group
    return {
        "id": p.pk,
        "sku": p.sku,
        "title": p.title,
        "title_th": p.title_th,
        "title_en": p.title_en,
        "description_th": p.description_th,
        "description_en": p.description_en,
        "price": p.price,
        "unit": p.unit,
        "weight_grams": p.weight_grams,
        "stock": p.stock,
        "available": p.available,
        "category": p.category,
        "group": {
            "code": group.code,
            "name_th": group.name_th,
            "name_en": group.name_en,
            "village_code": group.village_id,
            "province_code": group.area_code[:2],
        },
        "url": request.build_absolute_uri(reverse("market:product", args=[p.pk])),
        "thumbnail": request.build_absolute_uri(photo.thumbnail.url) if photo else None,
    }


def _group(request, g: ProducerGroup) -> dict:
    return {
        "code": g.code,
        "name_th": g.name_th,
        "name_en": g.name_en,
        "kind": g.kind,
        "registration_number": g.registration_number,
        "village_code": g.village_id,
        "village_name_th": g.village.name_th,
        "province_code": g.area_code[:2],
        "story_th": g.story_th,
        "story_en": g.story_en,
        "phone": g.phone,
        "email": g.email,
        "line_id": g.line_id,
        "promptpay": g.promptpay_display,
        "url": request.build_absolute_uri(reverse("market:group", args=[g.code])),
    }


def _order(o) -> dict:
    return {
        "number": o.number,
        "status": o.status,
        "group": o.group.code,
        "created": o.created,
        "buyer_name": o.buyer_name,
        "buyer_phone": o.buyer_phone,
        "buyer_email": o.buyer_email,
        "address": o.address_lines(),
        "postcode": o.postcode,
        "shipping_service": o.shipping_service,
        "weight_grams": o.weight_grams,
        "subtotal": o.subtotal,
        "shipping_fee": o.shipping_fee,
        "total": o.total,
        "tracking_number": o.tracking_number,
        "paid_at": o.paid_at,
        "shipped_at": o.shipped_at,
        "delivered_at": o.delivered_at,
        "lines": [
            {
                "product_id": line.product_id,
                "title": line.title,
                "unit": line.unit,
                "unit_price": line.unit_price,
                "quantity": line.quantity,
            }
            for line in o.lines.all()
        ],
    }


# --- Public catalogue -------------------------------------------------------------------------


@router.get(
    "/products",
    response=with_errors(ProductPage),
    summary="Products on sale: Thai/English search, filters, best match first",
)
def products(request, filters: Query[ProductFilter]):
    qs = search_products(
        filters.q,
        category=filters.category,
        area=filters.area,
        min_price=Decimal(filters.min_price) if filters.min_price else None,
        max_price=Decimal(filters.max_price) if filters.max_price else None,
    )
    page = list(qs[filters.offset : filters.offset + filters.limit])
    return {"count": qs.count(), "items": [_product(request, p) for p in page]}


@router.get("/products/{product_id}", response=with_errors(ProductOut, 404), summary="A product")
def product(request, product_id: int = Path(..., ge=1, le=2**31 - 1)):
    item = Product.objects.active().for_listing().filter(pk=product_id).first()
    if item is None:
        raise Http404
    return _product(request, item)


@router.get("/groups", response=list[GroupOut], summary="Active producer groups")
def groups(request):
    return [_group(request, g) for g in pages.groups_for_listing().order_by(thai("name_th"), "pk")]


@router.get(
    "/groups/{code}",
    response=with_errors(GroupDetail, 404),
    summary="A producer group and its products on sale",
)
def group(request, code: str = Path(..., pattern=r"^[a-z0-9][a-z0-9-]{0,39}$")):
    item = pages.groups_for_listing().filter(code=code).first()
    if item is None:
        raise Http404
    products = (
        Product.objects.active().filter(group=item).for_listing().order_by(thai("title_th"), "pk")
    )
    return {**_group(request, item), "products": [_product(request, p) for p in products]}


# --- Sellers (token or session) ---------------------------------------------------------------


def _seller_order(request, number: str):
    order = pages.seller_order(request.auth, number)
    if order is None:
        raise Http404
    return order


@router.get(
    "/orders",
    auth=token_or_session,
    response=with_errors(OrderPage, 401),
    summary="Orders of the caller's producer groups, newest first",
)
def orders(request, filters: Query[OrderFilter]):
    qs = pages.seller_orders(request.auth)
    if filters.status:
        qs = qs.filter(status=filters.status)
    page = qs.with_details().order_by("-created", "-pk")[
        filters.offset : filters.offset + filters.limit
    ]
    return {"count": qs.count(), "items": [_order(o) for o in page]}


@router.get(
    "/orders/{number}",
    auth=token_or_session,
    response=with_errors(OrderOut, 401, 404),
    summary="One order of the caller's groups",
)
def order(request, number: str = Path(..., pattern=ORDER_NUMBER)):
    return _order(_seller_order(request, number))


@router.post(
    "/orders/{number}/confirm-payment",
    auth=token_or_session,
    response=with_errors(OrderOut, 401, 404, 409),
    summary="The seller confirms the money arrived (409 when the order cannot be paid)",
)
def confirm_payment(request, number: str = Path(..., pattern=ORDER_NUMBER)):
    actions.confirm_payment(_seller_order(request, number), actor=request.auth)
    return _order(_seller_order(request, number))


@router.post(
    "/orders/{number}/ship",
    auth=token_or_session,
    response=with_errors(OrderOut, 401, 404, 409),
    summary="Record the Thailand Post tracking number (UPU S10) and mark shipped",
)
def ship(request, body: ShipIn, number: str = Path(..., pattern=ORDER_NUMBER)):
    actions.ship(_seller_order(request, number), body.tracking_number, actor=request.auth)
    return _order(_seller_order(request, number))
