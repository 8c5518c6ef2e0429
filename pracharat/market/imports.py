"""Bulk product listing from CSV or XLSX (``pracharat import_products FILE --group CODE`` and
the seller's upload page), on :mod:`pracharat.core.tables`.

Columns (header row required, any order, by key or by Thai or English name; unknown columns
are refused so a typo is not ignored):

==================  ========  ===========================================================
column              required  meaning
==================  ========  ===========================================================
``title_th``        yes       Thai title
``category``        yes       category short name (``food``) or Thai/English name
``price``           yes       baht, up to 2 decimals (``65`` or ``65.00``; ``1,250.50`` ok)
``weight_grams``    yes       packed weight of one unit in grams (whole number > 0)
``sku``             no        the group's product code; a row whose code exists updates it
``title_en``        no        English title
``description_th``  no        Thai description
``description_en``  no        English description
``unit``            no        unit sold (กระปุก, ถุง, kg ...); default ชิ้น
``stock``           no        units in stock (whole number >= 0); default 0
``active``          no        1/0, yes/no, true/false, ใช่/ไม่; default yes
==================  ========  ===========================================================

Every line is checked first; if any line has an error, nothing is imported and every error is
reported with its line number -- never half a catalogue.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pracharat.core import tables
from pracharat.core.tables import Column
from pracharat.core.validators import visible_line, visible_text
from pracharat.market import actions
from pracharat.market.models import Category, ProducerGroup, Product

COLUMNS = [
    Column("title_th", gettext_lazy("Thai title"), required=True, example="น้ำพริกเผา"),
    Column("category", gettext_lazy("Category"), required=True, example="food"),
    Column(
        "price",
        gettext_lazy("Price (baht)"),
        parse=tables.decimal(places=2, minimum=0),
        required=True,
        example="65.00",
    ),
    Column(
        "weight_grams",
        gettext_lazy("Weight (grams)"),
        parse=tables.integer(minimum=1),
        required=True,
        example="250",
    ),
    Column("sku", gettext_lazy("Product code"), example="NP-PAO"),
    Column("title_en", gettext_lazy("English title"), example="Roasted chili paste"),
    Column("description_th", gettext_lazy("Thai description"), example="น้ำพริกเผาสูตรโบราณ"),
    Column("description_en", gettext_lazy("English description")),
    Column("unit", gettext_lazy("Unit"), example="กระปุก"),
    Column("stock", gettext_lazy("Stock"), parse=tables.integer(minimum=0), example="40"),
    Column("active", gettext_lazy("On sale"), parse=tables.boolean(), example="ใช่"),
]
REQUIRED = tuple(c.key for c in COLUMNS if c.required)
TEXT_COLUMNS = ("title_th", "title_en", "description_th", "description_en")


class ProductImport(tables.Importer):
    """Products of one producer group; a row whose ``sku`` the group has updates it."""

    columns = COLUMNS
    max_rows = 5000

    def __init__(self, group: ProducerGroup, actor=None):
        self.group = group
        self.actor = actor

    def check(self, rows):
        categories = {}
        for category in Category.objects.all():
            for key in (category.slug, category.name_th, category.name_en):
                if key:
                    categories[key.strip().casefold()] = category
        existing = {p.sku: p for p in Product.objects.filter(group=self.group).exclude(sku="")}
        seen: dict[str, int] = {}
        planned = []
        for row in rows:
            sku = row["sku"] or ""
            if sku in seen:
                self.error(row, "sku", _("Same code as line %(line)d.") % {"line": seen[sku]})
            elif sku:
                seen[sku] = row.line
            product = existing.get(sku) if sku else None
            if product is None:
                product = Product(group=self.group, sku=sku, stock=0)
            for key in TEXT_COLUMNS:
                if key in row.present:
                    setattr(product, key, row[key] or "")
                try:
                    (visible_text if key.startswith("description") else visible_line)(row[key])
                except ValidationError as exc:
                    self.error(row, key, exc.messages[0])
            category = categories.get((row["category"] or "").casefold())
            if row["category"] and category is None:
                self.error(
                    row, "category", _("Unknown category “%(value)s”.") % {"value": row["category"]}
                )
            product.category = category
            for key in ("price", "weight_grams", "stock", "unit", "active"):
                if row[key] is not None:
                    setattr(product, key, row[key])
            if not row.errors:
                try:
                    product.full_clean(exclude=["group", "category"])
                except ValidationError as exc:
                    for key, messages in exc.message_dict.items():
                        for message in messages:
                            self.error(row, key if key != "__all__" else "", message)
            planned.append(product)
        return planned

    def write(self, planned, result):
        for product in planned:
            if product.pk is None:
                result.created += 1
            else:
                result.updated += 1
            actions.save_product(product, actor=self.actor)


def import_products(
    group: ProducerGroup, source, *, dry_run: bool = False, actor=None
) -> tables.ImportResult:
    """Check every row, then create/update all products in one transaction, or none. A
    person (``actor``; None is the platform: the command) must sell for ``group``: the rows
    are written through ``actions.save_product``, which checks it."""
    return ProductImport(group, actor).run(source, dry_run=dry_run)
