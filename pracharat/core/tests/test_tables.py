"""core.tables: the formula guard, Thai dates and digits, reading CSV/XLSX, header checks,
exports that stream, and imports that write all rows or none."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from hypothesis import given
from hypothesis import strategies as st

from pracharat.core import tables
from pracharat.core.tables import CellError, Column, Table

# --- the formula guard (OWASP CSV Injection) ---------------------------------------------------


@given(st.text())
def test_no_guarded_cell_starts_a_formula_and_the_guard_undoes(value):
    guarded = tables.guard_formula(value)
    assert not guarded.startswith(tables.FORMULA_START)
    if value.startswith(tables.FORMULA_START):
        assert guarded == "'" + value
    else:
        assert guarded == value
    if not value.startswith("'"):
        assert tables.unguard_formula(guarded) == value


CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"))


@given(st.lists(CELL, min_size=1, max_size=5))
def test_a_csv_row_reads_back_guarded_and_nothing_else_changes(cells):
    table = Table([Column(f"c{i}", f"c{i}") for i in range(len(cells))], header="key")
    row = dict(zip((c.key for c in table.columns), cells, strict=True))
    text = "".join(tables.csv_lines(table, [row]))
    assert text.startswith("\ufeff")
    read = list(csv.reader(io.StringIO(text[1:], newline="")))
    assert read[1:] == [[tables.guard_formula(c) for c in cells]]


def test_numbers_stay_numbers_and_text_stays_text():
    assert tables.csv_cell(-5) == "-5"  # a number is no formula
    assert tables.csv_cell("-5") == "'-5"
    assert tables.csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert tables.csv_cell("\tx") == "'\tx" and tables.csv_cell("\rx") == "'\rx"
    assert tables.csv_cell(None) == "" and tables.csv_cell(True) == "yes"
    assert tables.csv_cell(Decimal("65.00")) == "65.00"


# --- dates and numbers as Thai people write them -----------------------------------------------

DAYS = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31))
THAI = str.maketrans("0123456789", "๐๑๒๓๔๕๖๗๘๙")


@given(DAYS)
def test_dates_in_either_era_and_thai_digits(day):
    be = day.year + 543
    for text in (
        day.isoformat(),
        f"{day.day:02d}/{day.month:02d}/{be}",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day}-{day.month}-{be}",
        f"{day.day}/{day.month}/{be}".translate(THAI),
        f"{day.day} {tables.thaidate.THAI_MONTHS_SHORT[day.month - 1]} {be}",
        f"{day.day} {tables.thaidate.THAI_MONTHS[day.month - 1]} {be}",
        f"{be}-{day.month:02d}-{day.day:02d}",
    ):
        assert tables.parse_date(text) == day, text


@pytest.mark.parametrize("text", ["31/02/2568", "2025-13-01", "15/08/68", "yesterday", "15.08"])
def test_not_dates(text):
    with pytest.raises(CellError):
        tables.parse_date(text)


def test_the_error_is_in_the_readers_language():
    with translation.override("th"), pytest.raises(CellError, match="ไม่ใช่วันที่"):
        tables.parse_date("พรุ่งนี้")
    with translation.override("en"), pytest.raises(CellError, match="is not a date"):
        tables.parse_date("tomorrow")


@given(st.decimals(min_value=-(10**9), max_value=10**9, places=2))
def test_amounts_with_separators_and_thai_digits(amount):
    text = f"{amount:,.2f}"
    assert tables.parse_decimal(text) == amount
    assert tables.parse_decimal(text.translate(THAI)) == amount
    assert tables.decimal(2)(text) == amount


def test_number_parsers_and_their_bounds():
    assert tables.integer(1, 10)("๕") == 5
    assert tables.parse_decimal("฿1,250.50") == Decimal("1250.50")
    for parser, text in (
        (tables.integer(1, 10), "11"),
        (tables.integer(), "1.5"),
        (tables.decimal(2), "1.001"),
        (tables.decimal(2, minimum=0), "-1"),
        (tables.real(5.0, 21.0), "45"),
        (tables.integer(), "NaN"),
        (tables.text(3), "four"),
    ):
        with pytest.raises(CellError):
            parser(text)
    assert tables.parse_bool("ใช่") is True and tables.parse_bool("No") is False


# --- reading files -----------------------------------------------------------------------------


def test_utf8_with_and_without_bom_and_windows_874_read_alike():
    text = "ชื่อ,ราคา\nน้ำพริก,65\n"
    for data in (text.encode(), ("\ufeff" + text).encode(), text.encode("cp874"), text):
        sheet = tables.read(data)
        assert sheet.header == ["ชื่อ", "ราคา"]
        assert list(sheet.rows) == [(2, ["น้ำพริก", "65"])]


def test_an_xlsx_reads_as_text_cells():
    book = openpyxl.Workbook()
    book.active.append(["code", "when", "price", "n"])
    book.active.append(["A", dt.datetime(2025, 8, 15), 65.5, 3.0])
    buffer = io.BytesIO()
    book.save(buffer)
    sheet = tables.read(buffer.getvalue())
    assert sheet.header == ["code", "when", "price", "n"]
    assert list(sheet.rows) == [(2, ["A", "2025-08-15", "65.5", "3"])]


def test_a_zip_bomb_and_old_xls_and_damaged_files_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (tables.XLSX_MAX_UNZIPPED + 1))
    with pytest.raises(tables.FileError):
        tables.read(buffer.getvalue())
    with pytest.raises(tables.FileError, match=r"\.xls"):
        tables.read(b"\xd0\xcf\x11\xe0" + bytes(100))
    with pytest.raises(tables.FileError):
        tables.read(b"PK\x03\x04 not really a zip")


# --- exports -----------------------------------------------------------------------------------

LIST = Table(
    [
        Column("name", gettext_lazy("Name")),
        Column("when", gettext_lazy("When")),
        Column("amount", gettext_lazy("Amount"), value=lambda r: r["cents"] / Decimal(100)),
    ]
)


def _objects(n):
    moment = timezone.make_aware(dt.datetime(2025, 8, 15, 9, 30))
    return ({"name": f"=cmd|{i}", "when": moment, "cents": i} for i in range(n))


def test_csv_response_streams_with_headers_in_the_readers_language():
    with translation.override("en"):
        response = tables.export_response(LIST, _objects(3), "list", "csv")
        assert response.streaming and response["Content-Type"] == tables.CSV_TYPE
        text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["Name", "When", "Amount"]
    assert rows[1] == ["'=cmd|0", "2025-08-15T09:30:00+07:00", "0"]
    assert response["Content-Disposition"] == 'attachment; filename="list.csv"'


def test_xlsx_response_holds_the_same_rows_typed_and_no_formula():
    rows = 2500  # more than one chunk
    response = tables.export_response(LIST, _objects(rows), "list", "xlsx", title="List")
    assert response["Content-Type"] == tables.XLSX_TYPE
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    sheet = book["List"]
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == rows + 1
    assert values[1] == ("=cmd|0", dt.datetime(2025, 8, 15, 9, 30), 0)
    assert sheet["A2"].data_type == "s"  # text, not a formula
    assert values[-1][2] == pytest.approx(24.99)


def test_xlsx_takes_control_characters_and_any_title():
    buffer = io.BytesIO()
    table = Table([Column("name", "name")], header="key")
    tables.write_xlsx(table, [{"name": "a\x01b\x1fc"}], buffer, title="Orders [2025/08]: *all?*")
    sheet = openpyxl.load_workbook(buffer).worksheets[0]
    assert sheet["A2"].value == "abc" and sheet.title == "Orders  2025 08    all  "


def test_a_queryset_is_read_in_chunks(django_assert_num_queries, db):
    Group.objects.bulk_create(Group(name=f"g{i}") for i in range(5))
    table = Table([Column("name", "name")], header="key")
    with django_assert_num_queries(1):
        assert len(list(table.rows(Group.objects.order_by("name")))) == 5


# --- imports: header checks, every row checked, all or nothing --------------------------------


class GroupImport(tables.Importer):
    columns = [
        Column("name", gettext_lazy("name"), required=True, aliases=("group",)),
        Column("size", gettext_lazy("Size"), parse=tables.integer(0, 100)),
        Column("since", gettext_lazy("Date"), parse=tables.date()),
    ]
    max_rows = 5

    def check(self, rows):
        names = set()
        for row in rows:
            if row["name"] in names:
                self.error(row, "name", "twice")
            names.add(row["name"])
        return [row["name"] for row in rows]

    def write(self, planned, result):
        for name in planned:
            Group.objects.create(name=name)
            result.created += 1


pytest_db = pytest.mark.django_db


@pytest_db
def test_every_row_is_checked_and_nothing_is_written_on_any_error():
    with translation.override("en"):
        result = GroupImport().run("group,size\na,1\nb,101\n,x\na,\n")
        errors = [str(e) for e in result.errors]
    assert errors == [
        "line 3, size: “101” is not between 0 and 100.",
        "line 4, size: “x” is not a number.",  # every cell of a line is reported
        "line 4, group: This column must be filled in.",
        "line 5, group: twice",
    ]
    assert not Group.objects.exists()


@pytest_db
def test_a_good_file_is_written_and_a_dry_run_keeps_nothing():
    text = "ชื่อ,วันที่\nหนึ่ง,15/08/2568\n\nสอง,2025-08-15\n"  # Thai headers
    preview = GroupImport().run(text, dry_run=True)
    assert preview.ok and preview.checked_only and preview.created == 2 and preview.rows == 2
    assert not Group.objects.exists()
    assert GroupImport().run(text).created == 2
    assert set(Group.objects.values_list("name", flat=True)) == {"หนึ่ง", "สอง"}


@pytest_db
def test_header_names_in_thai_or_english_and_header_errors():
    assert GroupImport().run("NAME*, date \nx,1/1/2568\n").ok  # case, spaces, a "*"
    with translation.override("en"):
        result = GroupImport().run("size,colour,Size\n1,red,2\n")
    assert {e.line for e in result.errors} == {1}
    assert [e.message for e in result.errors] == [
        "Missing columns: name",
        "Unknown columns: colour",
        "Columns given twice: size / Size",
    ]
    assert Group.objects.count() == 1


@pytest_db
def test_too_many_rows_empty_files_and_stray_cells():
    too_long = GroupImport().run("name\n" + "x\n" * 6)
    assert [e.line for e in too_long.errors] == [0] and "5" in too_long.errors[0].message
    assert GroupImport().run("name\n").errors[0].line == 0
    stray = GroupImport().run("name,\nx,oops\n")
    assert stray.errors[0].line == 2
    exported = "".join(
        tables.csv_lines(Table(GroupImport.columns), [{"name": "=1+1", "size": 7, "since": None}])
    )
    assert GroupImport().run(exported).ok  # an export imports back, the guard undone
    assert Group.objects.get().name == "=1+1"


@pytest_db
def test_an_undecodable_file_is_one_error():
    result = GroupImport().run(b"name\n\xff\xfe\xdb\n")
    assert [e.line for e in result.errors] == [0]
