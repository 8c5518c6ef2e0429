"""Starting categories and an EXAMPLE domestic postage table (EMS and registered parcel).

The rates follow the shape of Thailand Post's domestic tariff (price steps by weight) with
figures close to its published counter prices, but they are an editable example, not an
official tariff: the admin updates them under Market > Shipping rates when prices change.
Existing rows are never overwritten, so re-running keeps an admin's edits.
"""

from decimal import Decimal

from django.db import migrations

CATEGORIES = [
    # slug, Thai, English
    ("food", "อาหารและเครื่องปรุง", "Food and condiments"),
    ("snacks", "ขนมและของว่าง", "Snacks and sweets"),
    ("drinks", "เครื่องดื่ม", "Drinks"),
    ("rice", "ข้าวและธัญพืช", "Rice and grains"),
    ("fruit", "ผักผลไม้และแปรรูป", "Fruit, vegetables and preserves"),
    ("textiles", "ผ้าและเครื่องแต่งกาย", "Textiles and clothing"),
    ("crafts", "หัตถกรรมและของใช้", "Handicrafts and household goods"),
    ("herbal", "สมุนไพรและของใช้ส่วนตัว", "Herbal and personal care"),
]

#: (service, up to grams, baht) -- EXAMPLE figures, edit in the admin.
RATES = [
    ("ems", 20, "32.00"),
    ("ems", 100, "37.00"),
    ("ems", 250, "42.00"),
    ("ems", 500, "52.00"),
    ("ems", 1000, "67.00"),
    ("ems", 1500, "82.00"),
    ("ems", 2000, "97.00"),
    ("ems", 2500, "122.00"),
    ("ems", 3000, "137.00"),
    ("ems", 3500, "157.00"),
    ("ems", 4000, "177.00"),
    ("ems", 4500, "197.00"),
    ("ems", 5000, "217.00"),
    ("ems", 6000, "267.00"),
    ("ems", 7000, "292.00"),
    ("ems", 8000, "317.00"),
    ("ems", 9000, "342.00"),
    ("ems", 10000, "367.00"),
    ("ems", 15000, "492.00"),
    ("ems", 20000, "617.00"),
    ("registered", 1000, "35.00"),
    ("registered", 2000, "50.00"),
    ("registered", 3000, "65.00"),
    ("registered", 4000, "80.00"),
    ("registered", 5000, "95.00"),
    ("registered", 6000, "110.00"),
    ("registered", 7000, "125.00"),
    ("registered", 8000, "140.00"),
    ("registered", 9000, "155.00"),
    ("registered", 10000, "170.00"),
    ("registered", 15000, "245.00"),
    ("registered", 20000, "320.00"),
]


def seed(apps, schema_editor):
    Category = apps.get_model("market", "Category")
    ShippingRate = apps.get_model("market", "ShippingRate")
    for position, (slug, name_th, name_en) in enumerate(CATEGORIES):
        Category.objects.get_or_create(
            slug=slug, defaults={"name_th": name_th, "name_en": name_en, "position": position}
        )
    for service, grams, price in RATES:
        ShippingRate.objects.get_or_create(
            service=service, max_weight_grams=grams, defaults={"price": Decimal(price)}
        )


def unseed(apps, schema_editor):
    Category = apps.get_model("market", "Category")
    ShippingRate = apps.get_model("market", "ShippingRate")
    for service, grams, price in RATES:
        ShippingRate.objects.filter(
            service=service, max_weight_grams=grams, price=Decimal(price)
        ).delete()
    Category.objects.filter(
        slug__in=[slug for slug, *_ in CATEGORIES], products__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("market", "0002_product_search_index"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
