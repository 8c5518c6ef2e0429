"""Market fixtures: the Ban Khlong Mem chili-paste group, its owner, a weaving group in
Chiang Mai, products with stock, and a buyer's address -- shared by every market test."""

from __future__ import annotations

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from pracharat import testing
from pracharat.accounts.models import Agency
from pracharat.core.lib import images
from pracharat.geo.models import SubDistrict, Village
from pracharat.market import actions, forms
from pracharat.market.models import Category, GroupKind, MemberRole, ProducerGroup, Product
from pracharat.network.models import ServicePoint

PRODUCER_PHONE = "0861234567"
_seed_migration = importlib.import_module(
    "pracharat.market.migrations.0003_seed_categories_and_rates"
)


@pytest.fixture(autouse=True)
def _one_buyer_may_check_out_often(settings):
    """Many tests check out again and again under the one buyer phone of ``buyer_details``;
    the checkout limits (``actions.checkout_limits``) are tested in test_orders_expiry,
    which sets them low again."""
    settings.MARKET_CHECKOUTS_PER_PHONE = 10_000
    settings.MARKET_CHECKOUTS_PER_CLIENT = 10_000


@pytest.fixture
def market_reference_data(geography):
    """Categories and postage rates of the data migration (gone after a transactional
    test flushed the database; seeding again is a no-op otherwise)."""
    _seed_migration.seed(apps, None)


@pytest.fixture
def producer(ban_khlong_mem, market_reference_data):
    """มาลี, owner of the chili-paste group (see ``chili_group``)."""
    return testing.person("malee@example.org", name="มาลี น้ำพริกดี", phone=PRODUCER_PHONE)


@pytest.fixture
def chili_group(ban_khlong_mem, producer):
    group = ProducerGroup(
        code="khlong-mem-chili",
        name_th="กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม",
        name_en="Ban Khlong Mem Chili Paste Group",
        kind=GroupKind.OCCUPATION_GROUP,
        village=ban_khlong_mem,
        phone=PRODUCER_PHONE,
        email="chili@example.org",  # the group's PromptPay is the chair's other number:
        promptpay_id="081-234-5678",
    )
    actions.save_group(group)
    actions.add_member(group, producer, MemberRole.OWNER)
    return group


@pytest.fixture
def weaving_group(geography, market_reference_data):
    """A community enterprise in Chiang Mai (outside the Phitsanulok officer's area)."""
    village, _ = Village.objects.get_or_create(
        code="50010101",
        defaults={
            "subdistrict": SubDistrict.objects.get(pk="500101"),
            "moo": 1,
            "name_th": "บ้านทอผ้า",
            "name_en": "Ban Tho Pha",
        },
    )
    group = ProducerGroup(
        code="chiangmai-weaving",
        name_th="วิสาหกิจชุมชนผ้าทอเชียงใหม่",
        name_en="Chiang Mai Weaving Community Enterprise",
        kind=GroupKind.COMMUNITY_ENTERPRISE,
        registration_number="4-50-01-01/1-0001",
        village=village,
        promptpay_id="0899999999",
    )
    return actions.save_group(group)


def product_photo(data: bytes | None = None) -> images.Picture:
    """A product photo as the seller's form hands it to ``actions.add_photo``."""
    return images.load(
        data or testing.picture_bytes(),
        max_side=forms.PHOTO_MAX_SIDE,
        thumb_side=forms.THUMB_MAX_SIDE,
    )


def slip_picture(data: bytes | None = None) -> images.Picture:
    """A transfer slip as the buyer's form hands it to ``actions.record_slip``."""
    return images.load(
        data or testing.picture_bytes("PNG", (400, 700)), max_side=forms.SLIP_MAX_SIDE
    )


def make_product(group, title_th, price="50.00", *, stock=10, grams=250, category="food", **kw):
    product = Product(
        group=group,
        category=Category.objects.get(slug=category),
        title_th=title_th,
        price=Decimal(price),
        weight_grams=grams,
        stock=stock,
        unit=kw.pop("unit", "กระปุก"),
        **kw,
    )
    return actions.save_product(product)


@pytest.fixture
def chili_products(chili_group):
    return {
        "pao": make_product(
            chili_group, "น้ำพริกเผา", "65.00", title_en="Roasted chili paste", sku="NP-PAO"
        ),
        "tadaeng": make_product(
            chili_group, "น้ำพริกตาแดง", "55.00", title_en="Red-eye chili dip", stock=3
        ),
        "narok": make_product(chili_group, "น้ำพริกนรก", "60.00", stock=1, grams=200),
    }


@pytest.fixture
def cloth(weaving_group):
    return make_product(
        weaving_group,
        "ผ้าทอมือลายดอกแก้ว",
        "650.00",
        title_en="Hand-woven cloth",
        category="textiles",
        unit="ผืน",
        grams=400,
        stock=5,
    )


@pytest.fixture
def buyer_details(geography, market_reference_data):
    return actions.BuyerDetails(
        name="สมศรี ใจงาม",
        phone="089-123-4567",
        email="somsri@example.org",
        address_line1="99/1 ถ.บรมไตรโลกนารถ",
        subdistrict="650101",
    )


@pytest.fixture
def point(ban_khlong_mem):
    """Ban Khlong Mem's service point, provided by NT Phitsanulok."""
    nt = Agency.objects.get_or_create(
        slug="nt-phitsanulok", defaults={"name_th": "NT", "kind": "telecom", "area_code": "65"}
    )[0]
    return ServicePoint.objects.create(
        code="NP-65060209", village=ban_khlong_mem, place_name="ศาลาประชาคม", provider=nt
    )
