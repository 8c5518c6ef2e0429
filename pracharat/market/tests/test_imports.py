"""CSV product import: documented columns, per-line errors, all or nothing."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from pracharat.market import imports, search
from pracharat.market.models import Product

pytestmark = pytest.mark.django_db

GOOD = (
    "title_th,category,price,weight_grams,sku,title_en,unit,stock,active\n"
    "น้ำพริกเผา,food,65,250,NP-PAO,Roasted chili paste,กระปุก,40,yes\n"
    'ผ้าขาวม้า,ผ้าและเครื่องแต่งกาย,"1,250.50",300,PHA-1,,ผืน,3,ใช่\n'
    "\n"
    "กล้วยตาก,Snacks and sweets,80.00,520,,,,,0\n"
)


def test_a_good_file_creates_products_and_indexes_them(chili_group):
    result = imports.import_products(chili_group, GOOD.encode())
    assert result.ok and (result.created, result.updated) == (3, 0)
    cloth = Product.objects.get(sku="PHA-1")
    assert cloth.price == Decimal("1250.50") and cloth.category.slug == "textiles"
    banana = Product.objects.get(title_th="กล้วยตาก")
    assert banana.active is False and banana.stock == 0 and banana.unit == "ชิ้น"
    assert [p.title_th for p in search.search_products("ขาวม้า")] == ["ผ้าขาวม้า"]


def test_same_code_updates_instead_of_duplicating(chili_group):
    imports.import_products(chili_group, GOOD)
    again = GOOD.replace("น้ำพริกเผา,food,65", "น้ำพริกเผา สูตรใหม่,food,70")
    result = imports.import_products(chili_group, again)
    assert (result.created, result.updated) == (1, 2)  # the row without a code is new again
    assert Product.objects.get(sku="NP-PAO").price == Decimal("70")


def test_any_bad_line_imports_nothing_and_reports_every_error(chili_group):
    bad = (
        "title_th,category,price,weight_grams,sku\n"
        "น้ำพริกเผา,food,65,250,A\n"
        ",food,abc,0,B\n"
        "แจ่วบอง,no-such,10.001,100,A\n"
    )
    result = imports.import_products(chili_group, bad)
    assert not result.ok and Product.objects.count() == 0
    found = {(e.line, e.column) for e in result.errors}
    assert {(3, "title_th"), (3, "price"), (3, "weight_grams")} <= found
    assert {(4, "category"), (4, "price"), (4, "sku")} <= found


def test_header_problems_and_thai_windows_encoding(chili_group):
    result = imports.import_products(chili_group, "title,price\nx,1\n")
    assert [e.line for e in result.errors] == [1, 1]  # missing and unknown columns
    tis620 = "title_th,category,price,weight_grams\nน้ำพริกนรก,food,60,200\n".encode("cp874")
    assert imports.import_products(chili_group, tis620).created == 1
    assert Product.objects.get().title_th == "น้ำพริกนรก"


def test_import_products_command(chili_group, tmp_path, capsys):
    path = tmp_path / "products.csv"
    path.write_text(GOOD, encoding="utf-8-sig")
    call_command("import_products", str(path), "--group", "khlong-mem-chili")
    assert "3 created" in capsys.readouterr().out
    path.write_text("title_th,category,price,weight_grams\nx,food,-1,1\n", encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_products", str(path), "--group", "khlong-mem-chili")
    with pytest.raises(CommandError, match="no producer group"):
        call_command("import_products", str(path), "--group", "nope")


def test_an_xlsx_with_thai_headers_and_typed_cells_imports(chili_group):
    import io

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ชื่อสินค้า (ไทย)", "หมวดหมู่", "ราคา (บาท)", "น้ำหนัก (กรัม)", "คงเหลือ"])
    sheet.append(["น้ำพริกเผา", "food", 65.5, 250, 12])
    sheet.append([None, None, None, None, None])
    sheet.append(["=1+1", "food", "1,250", "๒๐๐", None])
    sheet["A4"].data_type = "s"  # typed text, not a formula
    buffer = io.BytesIO()
    book.save(buffer)
    result = imports.import_products(chili_group, buffer.getvalue())
    assert result.ok, [str(e) for e in result.errors]
    assert Product.objects.get(title_th="น้ำพริกเผา").price == Decimal("65.50")
    assert Product.objects.get(title_th="=1+1").weight_grams == 200


def test_dry_run_counts_and_keeps_nothing(chili_group):
    result = imports.import_products(chili_group, GOOD, dry_run=True)
    assert result.ok and result.checked_only and result.created == 3
    assert not Product.objects.exists()


def test_only_the_groups_sellers_may_import_into_it(chili_group, producer):
    from pracharat import testing
    from pracharat.core.errors import NotAllowed

    stranger = testing.person("stranger@example.org", name="คนนอก")
    with pytest.raises(NotAllowed):
        imports.import_products(chili_group, GOOD.encode(), actor=stranger)
    assert not Product.objects.exists()
    result = imports.import_products(chili_group, GOOD.encode(), actor=producer)
    assert result.ok and result.created == 3
