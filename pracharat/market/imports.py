"""Bulk product listing from a CSV file (``pracharat import_products FILE --group CODE`` and
the seller's upload page).

Columns (header row required, any order, unknown columns refused so a typo is not ignored):

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

The file may be UTF-8 (with or without BOM) or Windows-874/TIS-620 (what Excel on Thai
Windows writes). Every line is checked first; if any line has an error, nothing is
imported and every error is reported with its line number -- never half a catalogue.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pracharat.core.validators import visible_line, visible_text
from pracharat.market import actions
from pracharat.market.models import Category, ProducerGroup, Product

REQUIRED = ("title_th", "category", "price", "weight_grams")
OPTIONAL = ("sku", "title_en", "description_th", "description_en", "unit", "stock", "active")
COLUMNS = REQUIRED + OPTIONAL
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
TRUE = {"1", "yes", "y", "true", "ใช่", "จริง", "ขาย"}
FALSE = {"0", "no", "n", "false", "ไม่", "ไม่ใช่", "ไม่ขาย"}


@dataclass(frozen=True)
class LineError:
    line: int  # 1 = the header row
    column: str
    message: str

    def __str__(self) -> str:
        where = _("line %(line)d") % {"line": self.line}
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    errors: list[LineError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ValueError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_BYTES // 1_048_576})
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp874", errors="strict")


def _categories() -> dict[str, Category]:
    lookup = {}
    for category in Category.objects.all():
        for key in (category.slug, category.name_th, category.name_en):
            if key:
                lookup[key.strip().casefold()] = category
    return lookup


def _decimal(text: str) -> Decimal:
    value = Decimal(text.replace(",", "").replace("฿", "").strip())
    if not value.is_finite():
        raise InvalidOperation
    return value


def import_products(group: ProducerGroup, data: bytes | str) -> ImportResult:
    """Check every row, then create/update all products in one transaction, or none."""
    result = ImportResult()
    try:
        text = decode(data) if isinstance(data, bytes) else data
    except (ValueError, UnicodeDecodeError) as exc:
        result.errors.append(
            LineError(0, "", str(exc) or _("The file is not UTF-8 or TIS-620 text."))
        )
        return result
    reader = csv.DictReader(io.StringIO(text))
    header = [(h or "").strip() for h in (reader.fieldnames or [])]
    reader.fieldnames = header
    missing = [c for c in REQUIRED if c not in header]
    unknown = [c for c in header if c and c not in COLUMNS]
    if missing or unknown:
        if missing:
            result.errors.append(
                LineError(1, "", _("Missing columns: %(cols)s") % {"cols": ", ".join(missing)})
            )
        if unknown:
            result.errors.append(
                LineError(1, "", _("Unknown columns: %(cols)s") % {"cols": ", ".join(unknown)})
            )
        return result

    categories = _categories()
    existing = {p.sku: p for p in Product.objects.filter(group=group).exclude(sku="")}
    seen_skus: dict[str, int] = {}
    planned: list[tuple[Product, bool]] = []
    for index, row in enumerate(reader, start=2):
        if index - 1 > MAX_ROWS:
            result.errors.append(
                LineError(index, "", _("At most %(n)d products per file.") % {"n": MAX_ROWS})
            )
            break
        if None in row:  # more cells than header columns
            result.errors.append(LineError(index, "", _("More cells than columns.")))
            continue
        row = {k: (v or "").strip() for k, v in row.items()}
        if not any(row.values()):
            continue  # blank line
        product, errors = _row_to_product(group, row, index, categories, existing, seen_skus)
        result.errors.extend(errors)
        if product is not None and not errors:
            planned.append((product, product.pk is None))
    if result.errors:
        return result
    with transaction.atomic():
        for product, is_new in planned:
            actions.save_product(product)
            if is_new:
                result.created += 1
            else:
                result.updated += 1
    return result


def _row_to_product(group, row, line, categories, existing, seen_skus):
    errors: list[LineError] = []

    def error(column: str, message: str) -> None:
        errors.append(LineError(line, column, message))

    sku = row.get("sku", "")
    if sku:
        if sku in seen_skus:
            error("sku", _("Same code as line %(line)d.") % {"line": seen_skus[sku]})
        seen_skus[sku] = line
    product = existing.get(sku) if sku else None
    if product is None:
        product = Product(group=group, sku=sku, stock=0)
    product.title_th = row.get("title_th", "")
    if not product.title_th:
        error("title_th", _("A Thai title is required."))
    for column in ("title_en", "description_th", "description_en"):
        if column in row:
            setattr(product, column, row[column])
    for column in ("title_th", "title_en", "description_th", "description_en"):
        try:
            (visible_text if column.startswith("description") else visible_line)(row.get(column))
        except ValidationError as exc:
            error(column, exc.messages[0])
    category = categories.get(row.get("category", "").casefold())
    if category is None:
        error("category", _("Unknown category “%(value)s”.") % {"value": row.get("category", "")})
    else:
        product.category = category
    try:
        product.price = _decimal(row.get("price", ""))
        if product.price < 0 or product.price != product.price.quantize(Decimal("0.01")):
            raise InvalidOperation
    except InvalidOperation:
        error("price", _("“%(value)s” is not a price in baht.") % {"value": row.get("price", "")})
    for column, minimum in (("weight_grams", 1), ("stock", 0)):
        raw = row.get(column, "")
        if column == "stock" and raw == "":
            continue
        try:
            value = int(raw.replace(",", ""))
            if value < minimum:
                raise ValueError
            setattr(product, column, value)
        except ValueError:
            error(
                column,
                _("“%(value)s” is not a whole number of at least %(min)d.")
                % {"value": raw, "min": minimum},
            )
    if row.get("unit"):
        product.unit = row["unit"]
    active = row.get("active", "").casefold()
    if active:
        if active in TRUE:
            product.active = True
        elif active in FALSE:
            product.active = False
        else:
            error("active", _("Write yes or no."))
    if not errors:
        try:
            product.full_clean(exclude=["group", "category"])
        except ValidationError as exc:
            for column, messages in exc.message_dict.items():
                for message in messages:
                    error(column if column != "__all__" else "", message)
    return product, errors


def template_csv() -> str:
    """A header row plus one example line, offered for download to sellers."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    writer.writerow(
        [
            "น้ำพริกเผา",
            "food",
            "65.00",
            "250",
            "NP-PAO",
            "Roasted chili paste",
            "น้ำพริกเผาสูตรโบราณ",
            "",
            "กระปุก",
            "40",
            "yes",
        ]
    )
    return out.getvalue()
