"""Market demo: the Ban Khlong Mem chili-paste group and four more groups across Phitsanulok,
with products, photos drawn on the fly, and orders in every state.

Idempotent: groups and products are updated by code, villages by DOPA code, and the demo
orders are only made while the chili-paste group has none. Orders go through the real
actions (checkout, confirm_payment, ship, apply_tracking_event, cancel) with mail muted.
The villages other than Ban Khlong Mem are demo villages placed in real sub-districts.
"""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from pracharat.accounts.demo import DEMO_PASSWORD
from pracharat.accounts.models import User
from pracharat.core.lib import images
from pracharat.geo.demo import BAN_KHLONG_MEM
from pracharat.geo.models import SubDistrict, Village
from pracharat.market import actions, forms, notifications, search
from pracharat.market.lib import s10
from pracharat.market.models import (
    Category,
    GroupKind,
    MemberRole,
    Order,
    OrderEvent,
    PayBy,
    Payment,
    ProducerGroup,
    Product,
    ShippingService,
    TrackingSource,
)

PRODUCER_EMAIL = "producer@pracharat.local"

#: (code, subdistrict, moo, Thai name, English name) -- demo villages in real sub-districts.
VILLAGES = [
    ("65020105", "650201", 5, "บ้านนาเปอะ", "Ban Na Poe"),
    ("65050104", "650501", 4, "บ้านบางกระทุ่มใต้", "Ban Bang Krathum Tai"),
    ("65070107", "650701", 7, "บ้านหนองกุลา", "Ban Nong Kula"),
    ("65090103", "650901", 3, "บ้านเนินสว่าง", "Ban Noen Sawang"),
]

GROUPS = [
    {
        "code": "khlong-mem-chili",
        "name_th": "กลุ่มอาชีพทำน้ำพริกบ้านคลองเมม",
        "name_en": "Ban Khlong Mem Chili Paste Group",
        "kind": GroupKind.OCCUPATION_GROUP,
        "registration_number": "",
        "village_id": BAN_KHLONG_MEM,
        "story_th": (
            "แม่บ้านบ้านคลองเมม หมู่ 9 ต.ท่าช้าง อ.พรหมพิราม รวมกลุ่มกันตำน้ำพริกสูตรดั้งเดิม "
            "ด้วยพริกจากแปลงในหมู่บ้าน ไม่ใส่สารกันบูด ส่งทั่วประเทศทางไปรษณีย์"
        ),
        "story_en": (
            "Women of Ban Khlong Mem (Moo 9, Tha Chang, Phrom Phiram) pound chili pastes by "
            "the village's own recipes from chilies grown in the village, with no preservatives."
        ),
        "phone": "0810000008",
        "line_id": "@khlongmemchili",
        "promptpay_id": "0810000008",
        # Village buyers' first habit: the postman collects the money (Thailand Post COD).
        "cod_all_products": True,
    },
    {
        "code": "na-poe-weaving",
        "name_th": "วิสาหกิจชุมชนทอผ้าบ้านนาเปอะ",
        "name_en": "Ban Na Poe Weaving Community Enterprise",
        "kind": GroupKind.COMMUNITY_ENTERPRISE,
        "registration_number": "4-65-02-01/1-0007",
        "village_id": "65020105",
        "story_th": "ผ้าทอมือย้อมสีธรรมชาติจากเปลือกไม้และครามของชาวนครไทย",
        "story_en": "Hand-woven cloth dyed with bark and indigo by the weavers of Nakhon Thai.",
        "phone": "0810000011",
        "promptpay_id": "0810000011",
    },
    {
        "code": "bang-krathum-banana",
        "name_th": "กลุ่มกล้วยตากบางกระทุ่ม",
        "name_en": "Bang Krathum Sun-dried Banana Group",
        "kind": GroupKind.OCCUPATION_GROUP,
        "registration_number": "",
        "village_id": "65050104",
        "story_th": "กล้วยน้ำว้าตากด้วยตู้อบพลังงานแสงอาทิตย์ ของดีเมืองพิษณุโลก",
        "story_en": "Namwa bananas dried in solar dryers, a Phitsanulok speciality.",
        "phone": "0810000012",
        "promptpay_id": "0810000012",
    },
    {
        "code": "wat-bot-rice",
        "name_th": "วิสาหกิจชุมชนข้าวอินทรีย์วัดโบสถ์",
        "name_en": "Wat Bot Organic Rice Community Enterprise",
        "kind": GroupKind.COMMUNITY_ENTERPRISE,
        "registration_number": "4-65-07-01/1-0003",
        "village_id": "65070107",
        "story_th": "ข้าวหอมมะลิและไรซ์เบอร์รี่อินทรีย์ สีใหม่ทุกสัปดาห์",
        "story_en": "Organic jasmine and riceberry rice, milled fresh every week.",
        "phone": "0810000013",
        "promptpay_id": "0810000013",
    },
    {
        "code": "noen-maprang-herbs",
        "name_th": "กลุ่มสมุนไพรบ้านเนินสว่าง",
        "name_en": "Ban Noen Sawang Herbal Group",
        "kind": GroupKind.OCCUPATION_GROUP,
        "registration_number": "",
        "village_id": "65090103",
        "story_th": "สบู่ ยาหม่อง และชาสมุนไพรจากสวนสมุนไพรของหมู่บ้าน",
        "story_en": "Soap, balm and herbal tea from the village herb garden.",
        "phone": "0810000014",
        "promptpay_id": "0810000014",
    },
]

# (group code, sku, category, Thai title, English title, Thai description, price, unit,
#  grams, stock, colour of the demo photo)
PRODUCTS = [
    (
        "khlong-mem-chili",
        "NP-PAO",
        "food",
        "น้ำพริกเผา",
        "Roasted chili paste",
        "น้ำพริกเผาสูตรโบราณ หอมหอมแดงเจียว เผ็ดกลาง ทาขนมปังหรือผัดได้",
        "65.00",
        "กระปุก",
        250,
        40,
        "#b5311b",
    ),
    (
        "khlong-mem-chili",
        "NP-TADAENG",
        "food",
        "น้ำพริกตาแดง",
        "Red-eye chili dip",
        "น้ำพริกตาแดงแห้ง เผ็ดจัดจ้าน ทานกับข้าวเหนียวและผักสด",
        "55.00",
        "กระปุก",
        200,
        30,
        "#c0392b",
    ),
    (
        "khlong-mem-chili",
        "NP-NAROK",
        "food",
        "น้ำพริกนรก",
        "Hell-hot chili paste",
        "น้ำพริกนรกปลาย่าง เผ็ดมาก สำหรับคนชอบเผ็ด",
        "60.00",
        "กระปุก",
        200,
        25,
        "#7b1e12",
    ),
    (
        "khlong-mem-chili",
        "NP-PLA",
        "food",
        "น้ำพริกปลาย่าง",
        "Grilled fish chili paste",
        "ปลาช่อนย่างตำกับพริกและกระเทียม",
        "75.00",
        "กระปุก",
        220,
        15,
        "#8e5b2c",
    ),
    (
        "khlong-mem-chili",
        "NP-KAKMOO",
        "food",
        "น้ำพริกกากหมู",
        "Crispy pork chili paste",
        "กากหมูกรอบคลุกน้ำพริกสูตรบ้านคลองเมม",
        "89.00",
        "กระปุก",
        180,
        20,
        "#a0522d",
    ),
    (
        "khlong-mem-chili",
        "JAEW-BONG",
        "food",
        "แจ่วบอง",
        "Jaew bong fermented fish dip",
        "แจ่วบองปลาร้าต้มสุก หอมข่าตะไคร้",
        "50.00",
        "กระปุก",
        200,
        0,
        "#6b4226",
    ),
    (
        "na-poe-weaving",
        "PHA-DOKKAEO",
        "textiles",
        "ผ้าทอมือลายดอกแก้ว",
        "Dok Kaeo hand-woven cloth",
        "ผ้าฝ้ายทอมือ ย้อมสีธรรมชาติ ขนาด 1 x 2 เมตร",
        "650.00",
        "ผืน",
        400,
        8,
        "#1f4e79",
    ),
    (
        "na-poe-weaving",
        "PHA-KHAOMA",
        "textiles",
        "ผ้าขาวม้าทอมือ",
        "Hand-woven pha khao ma",
        "ผ้าขาวม้าลายตาราง ผ้าฝ้าย 100%",
        "180.00",
        "ผืน",
        200,
        30,
        "#2e86c1",
    ),
    (
        "na-poe-weaving",
        "YAM",
        "crafts",
        "ย่ามผ้าทอ",
        "Woven shoulder bag",
        "ย่ามผ้าทอมือ ซับในอย่างดี",
        "250.00",
        "ใบ",
        300,
        12,
        "#145a32",
    ),
    (
        "bang-krathum-banana",
        "KT-SOLAR",
        "snacks",
        "กล้วยตากพลังงานแสงอาทิตย์",
        "Solar-dried banana",
        "กล้วยน้ำว้าตากแดดในตู้อบพลังงานแสงอาทิตย์ ไม่ใส่น้ำตาล 500 กรัม",
        "80.00",
        "แพ็ค",
        520,
        60,
        "#d4a017",
    ),
    (
        "bang-krathum-banana",
        "KT-HONEY",
        "snacks",
        "กล้วยตากอบน้ำผึ้ง",
        "Honey-baked dried banana",
        "กล้วยตากอบน้ำผึ้งแท้ 250 กรัม",
        "70.00",
        "แพ็ค",
        270,
        40,
        "#c68e17",
    ),
    (
        "bang-krathum-banana",
        "KT-CRISP",
        "snacks",
        "กล้วยกรอบแก้ว",
        "Glazed banana crisps",
        "กล้วยทอดกรอบเคลือบน้ำตาล",
        "45.00",
        "ถุง",
        150,
        50,
        "#e1ad01",
    ),
    (
        "wat-bot-rice",
        "RICE-HOMMALI",
        "rice",
        "ข้าวหอมมะลิอินทรีย์",
        "Organic jasmine rice",
        "ข้าวหอมมะลิอินทรีย์ สีใหม่ บรรจุสุญญากาศ 1 กิโลกรัม",
        "85.00",
        "ถุง",
        1050,
        100,
        "#f5f0e1",
    ),
    (
        "wat-bot-rice",
        "RICE-BERRY",
        "rice",
        "ข้าวไรซ์เบอร์รี่",
        "Riceberry rice",
        "ข้าวไรซ์เบอร์รี่อินทรีย์ 1 กิโลกรัม",
        "95.00",
        "ถุง",
        1050,
        80,
        "#4a235a",
    ),
    (
        "noen-maprang-herbs",
        "SOAP-KHAMIN",
        "herbal",
        "สบู่สมุนไพรขมิ้นชัน",
        "Turmeric herbal soap",
        "สบู่ก้อนขมิ้นชัน น้ำผึ้ง ทำมือ",
        "40.00",
        "ก้อน",
        100,
        70,
        "#e67e22",
    ),
    (
        "noen-maprang-herbs",
        "BALM-PLAI",
        "herbal",
        "ยาหม่องไพล",
        "Plai herbal balm",
        "ยาหม่องไพลสูตรเย็น บรรเทาปวดเมื่อย",
        "35.00",
        "ขวด",
        50,
        90,
        "#27ae60",
    ),
    (
        "noen-maprang-herbs",
        "TEA-TAKRAI",
        "drinks",
        "ชาตะไคร้ใบเตย",
        "Lemongrass pandan tea",
        "ชาสมุนไพรตะไคร้ใบเตย 20 ซอง",
        "60.00",
        "กล่อง",
        80,
        45,
        "#7dcea0",
    ),
]


def _photo(colour: str) -> images.Picture:
    """A simple drawn picture (a jar on a coloured ground), so the demo shows thumbnails;
    through the same loader as a seller's upload."""
    image = Image.new("RGB", (800, 800), "#fbf7ef")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((220, 220, 580, 700), radius=60, fill=colour)
    draw.rectangle((250, 140, 550, 230), fill="#444")
    draw.ellipse((330, 380, 470, 520), fill="#fbf7ef")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return images.load(
        out.getvalue(), max_side=forms.PHOTO_MAX_SIDE, thumb_side=forms.THUMB_MAX_SIDE
    )


def _user(email: str, phone: str, full_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User.objects.create_user(
            email=email, phone=phone, password=DEMO_PASSWORD, full_name=full_name
        )
    return user


def load(stdout=None) -> None:
    with notifications.muted(), transaction.atomic():
        counts = _load()
    if stdout:
        stdout.write(
            "market demo: {groups} groups, {products} products, {orders} orders".format(**counts)
        )


def _load() -> dict[str, int]:
    for code, sub, moo, name_th, name_en in VILLAGES:
        Village.objects.get_or_create(
            code=code,
            defaults={
                "subdistrict": SubDistrict.objects.get(pk=sub),
                "moo": moo,
                "name_th": name_th,
                "name_en": name_en,
            },
        )
    groups = {}
    for spec in GROUPS:
        spec = dict(spec)
        code = spec.pop("code")
        group = ProducerGroup.objects.filter(code=code).first() or ProducerGroup(code=code)
        for key, value in spec.items():
            setattr(group, key, value)
        group.full_clean()
        group.save()
        groups[code] = group

    owner = _user(PRODUCER_EMAIL, "0810000008", "มาลี น้ำพริกดี (กลุ่มน้ำพริก)")
    actions.add_member(groups["khlong-mem-chili"], owner, MemberRole.OWNER)
    weaver = _user("weaver@pracharat.local", "0810000011", "คำปุน ทอผ้า (ผ้าทอนาเปอะ)")
    actions.add_member(groups["na-poe-weaving"], weaver, MemberRole.OWNER)

    categories = {c.slug: c for c in Category.objects.all()}
    products = {}
    for gcode, sku, cat, title_th, title_en, desc, price, unit, grams, stock, colour in PRODUCTS:
        group = groups[gcode]
        product = Product.objects.filter(group=group, sku=sku).first()
        created = product is None
        if created:
            product = Product(group=group, sku=sku, stock=stock)
        product.category = categories[cat]
        product.title_th, product.title_en, product.description_th = title_th, title_en, desc
        product.price, product.unit, product.weight_grams = Decimal(price), unit, grams
        product.active = True
        actions.save_product(product)
        if created or not product.photos.exists():
            actions.add_photo(product, _photo(colour), alt=title_th)
        products[sku] = product

    if not Order.objects.filter(group=groups["khlong-mem-chili"]).exists():
        _orders(products, owner)
    search.index_products(
        Product.objects.filter(group__in=groups.values()).select_related("group", "category")
    )
    return {
        "groups": len(groups),
        "products": len(products),
        "orders": Order.objects.filter(group__in=groups.values()).count(),
    }


def _orders(products: dict[str, Product], seller: User) -> None:
    def buyer(name, phone, sub, line1, email=""):
        return actions.BuyerDetails(
            name=name, phone=phone, email=email, address_line1=line1, subdistrict=sub
        )

    somsri = buyer(
        "สมศรี ใจงาม", "0891234567", "650101", "99/1 ถ.บรมไตรโลกนารถ", "somsri@example.org"
    )
    anan = buyer("อนันต์ รักบ้านเกิด", "0869876543", "650602", "12 หมู่ 3")
    pim = buyer("พิมพ์ชนก แสงทอง", "0955551234", "650103", "45 ซ.วัดจันทร์ 2")

    # 1. Two groups in one checkout: waiting for payment.
    actions.checkout(
        {products["NP-PAO"].pk: 2, products["KT-SOLAR"].pk: 1},
        somsri,
        shipping_service=ShippingService.REGISTERED,
    )
    # 2. Paid by the seller's confirmation, to be shipped.
    (paid,) = actions.checkout({products["NP-TADAENG"].pk: 3}, anan)
    actions.confirm_payment(paid, actor=seller, note="โอนเข้าพร้อมเพย์แล้ว")
    # 3. Shipped with a Thailand Post EMS number.
    (shipped,) = actions.checkout(
        {products["NP-NAROK"].pk: 1, products["NP-PLA"].pk: 1},
        pim,
        shipping_service=ShippingService.EMS,
    )
    actions.confirm_payment(shipped, actor=seller)
    actions.ship(shipped, s10.make("EF", 58230417), actor=seller)
    # 4. Delivered: the Track & Trace events as the poller would record them. The order is
    # dated before its parcel's first scan (ordered 3 days ago, paid, posted 2 days ago).
    (delivered,) = actions.checkout({products["NP-KAKMOO"].pk: 2}, somsri)
    actions.confirm_payment(delivered, actor=seller)
    actions.ship(delivered, s10.make("RB", 71402265), actor=seller)
    now = timezone.now()
    ordered, paid, posted = (now - timedelta(hours=h) for h in (74, 70, 52))
    Order.objects.filter(pk=delivered.pk).update(
        created=ordered,
        paid_at=paid,
        shipped_at=posted,
        payment_deadline=ordered + timedelta(hours=24),
    )
    events = list(delivered.events.order_by("pk"))
    for event, when in zip(events, (ordered, paid, posted), strict=False):
        OrderEvent.objects.filter(pk=event.pk).update(created=when)
    Payment.objects.filter(order=delivered).update(created=paid, confirmed_at=paid)
    for hours, status, text, place in [
        (50, "103", "รับฝาก", "พรหมพิราม"),
        (30, "201", "อยู่ระหว่างการขนส่ง", "ศูนย์ไปรษณีย์พิษณุโลก"),
        (6, "301", "อยู่ระหว่างการนำจ่าย", "ปณ.พิษณุโลก"),
        (2, "501", "นำจ่ายสำเร็จ", "ปณ.พิษณุโลก"),
    ]:
        actions.apply_tracking_event(
            barcode=delivered.tracking_number,
            status=status,
            occurred_at=now - timedelta(hours=hours),
            description=text,
            location=place,
            source=TrackingSource.POLL,
        )
    # 5. Cancelled before payment: the jars went back to stock.
    (cancelled,) = actions.checkout({products["NP-PAO"].pk: 1}, anan)
    actions.cancel(cancelled, reason="ผู้ซื้อสั่งซ้ำ")
    # 6. The delivered order rated by its buyer, and the group's answer.
    delivered.refresh_from_db()
    rating = actions.rate_order(delivered, 5, "แคบหมูกรอบมาก ห่อมาดี ส่งไว")
    actions.answer_rating(rating, "ขอบคุณค่ะ แวะมาอุดหนุนใหม่นะคะ", actor=seller)
    # 7. Cash on delivery: to be posted, the postman collects the total.
    actions.checkout({products["NP-TADAENG"].pk: 1}, pim, pay_by=PayBy.COD)
