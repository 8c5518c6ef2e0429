"""Tables in and out: one column definition for CSV and XLSX exports and for imports.

A :class:`Column` names a column twice, by a stable ``key`` (what scripts and the API read) and
by a ``label`` in the reader's language (what people read); it says how to get a cell's value
from an object (export) and how to read a cell typed by a person (import).

Out: :func:`export_response` streams CSV (UTF-8 with a BOM, so Excel opens Thai right) or
writes XLSX to a temporary file, row by row; neither holds all rows in memory, and a queryset
is read with ``.iterator(chunk_size)``. Text cells that a spreadsheet would run as a formula are
neutralised (OWASP "CSV Injection": a leading ``'`` before ``= + - @`` tab or CR in CSV; a
string cell, never a formula, in XLSX).

In: :class:`Importer` reads CSV (UTF-8, UTF-8 with BOM, TIS-620/Windows-874) or XLSX, checks
the header (required, unknown and duplicated columns, by key or by Thai or English label),
parses every cell (Thai digits, Buddhist- and Common-Era dates, ``1,250.50``), lets the
subclass check every row, and writes them all in one transaction or none at all; every error
comes back with its line (the spreadsheet row) in the reader's language.

Why openpyxl and not xlsxwriter: imports must read XLSX and xlsxwriter only writes, so openpyxl
does both with one dependency; its write-only mode streams rows to a temporary file as
xlsxwriter's ``constant_memory`` does. defusedxml, when installed (it is a dependency), makes
openpyxl's XML parsing refuse entity bombs; :func:`read` also caps the unzipped size.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO, Any, ClassVar, Literal

from django import forms
from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pracharat.core.lib import thaidate

CHUNK_SIZE = 2000
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
#: An XLSX is a zip: refuse one that unzips to more than this (a zip bomb).
XLSX_MAX_UNZIPPED = 200 * 1024 * 1024

# --- Cells: pure helpers -----------------------------------------------------------------------

#: OWASP CSV Injection: a cell starting with one of these is run as a formula by spreadsheets.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def guard_formula(value: str) -> str:
    """``value`` with a leading apostrophe when a spreadsheet would run it as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unguard_formula(text: str) -> str:
    """The inverse of :func:`guard_formula`, so an exported file imports unchanged."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_START) else text


def arabic_digits(text: str) -> str:
    """Thai digits (๐-๙) as 0-9."""
    return text.translate(_THAI_DIGITS)


class CellError(ValueError):
    """A cell that cannot be read; the message is for the person who typed it."""


Parser = Callable[[str], Any]

_MONTH_NAMES = zip(thaidate.THAI_MONTHS, thaidate.THAI_MONTHS_SHORT, strict=True)
_MONTHS = {
    name.casefold().rstrip("."): number
    for number, names in enumerate(_MONTH_NAMES, start=1)
    for name in names
}
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_THAI_MONTH = re.compile(r"^(\d{1,2})\s*([^\d\s]+)\s*(\d{4})$")
#: A year this large is Buddhist Era (BE = CE + 543): 2400 BE is 1857 CE.
BE_FROM = 2400


def parse_date(text: str) -> dt.date:
    """A date as Thai people write it: ``2025-08-15``, ``15/08/2568``, ``15/8/2025``,
    ``15 ส.ค. 2568``, ``๑๕/๐๘/๒๕๖๘``. Day before month; a year from 2400 is Buddhist Era."""
    value = arabic_digits(text.strip())
    if match := _ISO.match(value):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DMY.match(value):
        day, month, year = (int(g) for g in match.groups())
    elif (match := _THAI_MONTH.match(value)) and match[2].casefold().rstrip(".") in _MONTHS:
        day, month, year = int(match[1]), _MONTHS[match[2].casefold().rstrip(".")], int(match[3])
    else:
        raise CellError(
            _("“%(value)s” is not a date; write 15/08/2568 or 2025-08-15.") % {"value": text}
        )
    if year >= BE_FROM:
        year -= thaidate.BE_OFFSET
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise CellError(_("“%(value)s” is not a date in the calendar.") % {"value": text}) from None


def parse_decimal(text: str) -> Decimal:
    """``1,250.50``, ``฿65``, ``๖๕`` → Decimal."""
    cleaned = arabic_digits(text).replace(",", "").replace("฿", "").replace(" ", "").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": text})
    return value


TRUE_WORDS = frozenset({"1", "yes", "y", "true", "ใช่", "จริง", "ขาย", "มี"})
FALSE_WORDS = frozenset({"0", "no", "n", "false", "ไม่", "ไม่ใช่", "เท็จ", "ไม่ขาย", "ไม่มี"})


def parse_bool(text: str) -> bool:
    word = arabic_digits(text).strip().casefold()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(_("Write yes or no (ใช่ or ไม่)."))


# --- Parsers for columns (each a function from the cell's text to a value) --------------------


def text(max_length: int | None = None) -> Parser:
    def parse(value: str) -> str:
        if max_length is not None and len(value) > max_length:
            raise CellError(
                _("At most %(n)d characters (this has %(len)d).")
                % {"n": max_length, "len": len(value)}
            )
        return value

    return parse


def _bounded(value, minimum, maximum, raw: str):
    if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
        if maximum is None:
            message = _("“%(value)s” is less than %(min)s.")
        elif minimum is None:
            message = _("“%(value)s” is more than %(max)s.")
        else:
            message = _("“%(value)s” is not between %(min)s and %(max)s.")
        raise CellError(message % {"value": raw, "min": minimum, "max": maximum})
    return value


def integer(minimum: int | None = None, maximum: int | None = None) -> Parser:
    def parse(value: str) -> int:
        number = parse_decimal(value)
        if number != number.to_integral_value():
            raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
        return _bounded(int(number), minimum, maximum, value)

    return parse


def decimal(
    places: int = 2, minimum: Decimal | int | None = None, maximum: Decimal | int | None = None
) -> Parser:
    step = Decimal(1).scaleb(-places)

    def parse(value: str) -> Decimal:
        number = parse_decimal(value)
        if number != number.quantize(step):
            raise CellError(
                _("“%(value)s” has more than %(places)d decimal places.")
                % {"value": value, "places": places}
            )
        return _bounded(number, minimum, maximum, value)

    return parse


def real(minimum: float | None = None, maximum: float | None = None) -> Parser:
    def parse(value: str) -> float:
        return _bounded(float(parse_decimal(value)), minimum, maximum, value)

    return parse


def date() -> Parser:
    return parse_date


def boolean() -> Parser:
    return parse_bool


def choice(choices) -> Parser:
    """One of a Django ``TextChoices``: its value, or its label in Thai or English."""

    @functools.cache  # the labels in each language do not change while the process runs
    def lookup() -> dict[str, str]:
        names = {str(value).casefold(): str(value) for value in choices.values}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.update({str(label).casefold(): str(v) for v, label in choices.choices})
        return names

    def parse(value: str) -> str:
        found = lookup().get(value.strip().casefold())
        if found is None:
            raise CellError(
                _("“%(value)s” is not one of: %(values)s")
                % {"value": value, "values": ", ".join(str(v) for v in choices.values)}
            )
        return found

    return parse


# --- Columns and tables ------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column: ``key`` for machines, ``label`` (lazy, translated) for people.

    ``value`` (export) is a callable on the row object or a dotted attribute/key path; the
    default reads ``key``. ``parse`` (import) turns a non-blank cell's text into a value.
    ``aliases`` are other header names accepted on import."""

    key: str
    label: Any  # a lazy translated string
    value: Callable[[Any], Any] | str | None = None
    parse: Parser = field(default_factory=text)
    required: bool = False
    aliases: tuple[str, ...] = ()
    example: str = ""

    def get(self, obj) -> Any:
        if callable(self.value):
            return self.value(obj)
        for name in (self.value or self.key).split("."):
            if obj is None:
                return None
            obj = obj[name] if isinstance(obj, Mapping) else getattr(obj, name)
        return obj

    def header_names(self) -> set[str]:
        """Every header that names this column: key, aliases, label in each language."""
        names = {self.key, *self.aliases}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                names.add(str(self.label))
        return {normal_header(n) for n in names}


def normal_header(name: str) -> str:
    """Header text compared loosely: case, spaces, a BOM and a trailing ``*`` do not count."""
    return " ".join(name.replace("\ufeff", "").casefold().split()).rstrip("*").strip()


class Table:
    """Columns in order; ``header="key"`` for files read by machines (the API, a feed);
    ``bom=False`` for a CSV that only programs read (a marketplace feed)."""

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        header: Literal["label", "key"] = "label",
        bom: bool = True,
    ):
        self.columns = list(columns)
        self.header = header
        self.bom = bom

    def header_row(self) -> list[str]:
        if self.header == "key":
            return [c.key for c in self.columns]
        return [str(c.label) for c in self.columns]

    def rows(self, objects: Iterable) -> Iterator[list[Any]]:
        if isinstance(objects, QuerySet):
            objects = objects.iterator(chunk_size=CHUNK_SIZE)
        for obj in objects:
            yield [c.get(obj) for c in self.columns]


# --- Export ------------------------------------------------------------------------------------


def _local(value: dt.datetime) -> dt.datetime:
    return timezone.localtime(value) if timezone.is_aware(value) else value


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return _local(value).isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return guard_formula(value)
    return str(value)


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(table: Table, objects: Iterable) -> Iterator[str]:
    """The file line by line: a BOM (so Excel reads UTF-8), the header, the rows."""
    writer = csv.writer(_Echo())
    if table.bom:
        yield "\ufeff"
    yield writer.writerow([guard_formula(h) for h in table.header_row()])
    for row in table.rows(objects):
        yield writer.writerow([csv_cell(v) for v in row])


def _xlsx_cell(sheet, value: Any):
    """A plain value where openpyxl writes it right (numbers, most text); a cell where it
    would not: text starting with ``=`` (openpyxl would make it a formula), dates (a format)."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, Promise):
        value = str(value)  # a lazy translation (a Number's label) is text in the reader's language
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)  # control characters XML cannot hold
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # text stays text: never a formula
        return cell
    if isinstance(value, dt.datetime):
        cell = WriteOnlyCell(sheet, value=_local(value).replace(tzinfo=None))  # Excel: no zones
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
        return cell
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    return value


def write_xlsx(table: Table, objects: Iterable, target: IO[bytes] | str, title: str = "") -> None:
    """One sheet, header then rows, written as it goes (openpyxl write-only mode)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    # Excel's rules for a sheet name: at most 31 characters, none of []:*?/\
    sheet = book.create_sheet(title=re.sub(r"[\[\]:*?/\\]", " ", title or "Sheet1")[:31])
    sheet.append([_xlsx_cell(sheet, h) for h in table.header_row()])
    for row in table.rows(objects):
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    book.save(target)


def _disposition(filename: str, inline: bool) -> str:
    return f'{"inline" if inline else "attachment"}; filename="{filename}"'


def csv_response(
    table: Table, objects: Iterable, filename: str, *, inline: bool = False
) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(table, objects), content_type=CSV_TYPE)
    response["Content-Disposition"] = _disposition(filename, inline)
    return response


def xlsx_response(table: Table, objects: Iterable, filename: str, title: str = "") -> FileResponse:
    """Written to a temporary file first (a zip needs its parts before its directory), then
    sent from there; the file goes away when the response is closed."""
    spool = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    write_xlsx(table, objects, spool, title)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_TYPE)


def export_response(table: Table, objects: Iterable, stem: str, fmt: str = "csv", **options):
    """``stem.csv`` or ``stem.xlsx`` by ``fmt``; ``options`` go to the CSV (``inline``) or
    XLSX (``title``) writer."""
    if fmt == "xlsx":
        return xlsx_response(table, objects, f"{stem}.xlsx", title=options.get("title", ""))
    return csv_response(table, objects, f"{stem}.csv", inline=options.get("inline", False))


def template_response(columns: Sequence[Column], stem: str, fmt: str = "csv"):
    """A file to fill in: the header in the reader's language and one example row."""
    table = Table(columns)
    example = {c.key: c.example for c in columns}
    return export_response(table, [example], stem, fmt, title=stem)


# --- Reading files -----------------------------------------------------------------------------


class FileError(ValueError):
    """The file as a whole cannot be read (not CSV or XLSX, bad encoding, too large)."""


@dataclass
class Sheet:
    """A file's first table: its header and its rows as ``(line, cells)``; line 1 is the
    header, as a spreadsheet numbers rows. Cells are text, stripped."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


def xlsx_text(value: Any) -> str:
    """A sheet's cell as the text a person typed there (what imports read, and tests
    compare with the CSV): a date without time as ``2025-08-15``, ``3.0`` as ``3``."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read_xlsx(handle: IO[bytes]) -> Sheet:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(handle) as archive:
            if sum(i.file_size for i in archive.infolist()) > XLSX_MAX_UNZIPPED:
                raise FileError(_("The spreadsheet is too large once unzipped."))
        handle.seek(0)
        book = load_workbook(handle, read_only=True, data_only=True)
    except FileError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise FileError(_("The file is not a readable XLSX spreadsheet.")) from exc
    sheet = book.worksheets[0]

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
                yield line, [xlsx_text(v) for v in values]
        finally:
            book.close()

    found = rows()
    first = next(found, None)
    return Sheet([] if first is None else first[1], found)


def _encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM) when the sample decodes as such, else Windows-874, the
    superset of TIS-620 that Thai Excel writes."""
    try:
        import codecs

        codecs.getincrementaldecoder("utf-8")().decode(sample, final=False)
        return "utf-8-sig"
    except UnicodeDecodeError:
        return "cp874"


def _read_csv(handle: IO[str]) -> Sheet:
    reader = csv.reader(handle)

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = 1
        try:
            for line, cells in enumerate(reader, start=2):
                yield line, [c.strip() for c in cells]
        except UnicodeDecodeError:
            raise FileError(_("The file is neither UTF-8 nor TIS-620 text.")) from None
        except csv.Error as exc:
            raise FileError(
                _("Line %(line)d cannot be read: %(error)s") % {"line": line + 1, "error": exc}
            ) from None

    try:
        header = next(reader, [])
    except UnicodeDecodeError:
        raise FileError(_("The file is neither UTF-8 nor TIS-620 text.")) from None
    except csv.Error as exc:
        raise FileError(_("The header cannot be read: %(error)s") % {"error": exc}) from None
    return Sheet([h.strip() for h in header], rows())


def read(source: bytes | str | Path | IO) -> Sheet:
    """The table in ``source``: bytes, text, a path, or an open file (an upload).

    XLSX is told by its zip signature; anything else is CSV text."""
    if isinstance(source, str):
        return _read_csv(io.StringIO(source))
    if isinstance(source, Path):
        source = source.open("rb")
    elif isinstance(source, bytes):
        source = io.BytesIO(source)
    head = source.read(65536)
    source.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _read_xlsx(source)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(_("Old .xls files cannot be read; save it as .xlsx or CSV."))
    stream = io.TextIOWrapper(source, encoding=_encoding(head), newline="")
    return _read_csv(stream)


# --- Imports -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    line: int  # 0: the file; 1: the header; 2 on: rows as a spreadsheet numbers them
    column: str  # the column's header as the file names it; "" for the whole row
    message: str

    def __str__(self) -> str:
        if self.line == 0:
            return self.message
        where = _("line %(line)d") % {"line": self.line}
        if self.column:
            return f"{where}, {self.column}: {self.message}"
        return f"{where}: {self.message}"


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    checked_only: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class Row(Mapping):
    """One row's parsed values by column key (None where blank, absent or unreadable)."""

    def __init__(self, line: int, values: dict[str, Any], present: set[str]):
        self.line = line
        self._values = values
        self.present = present  # keys of the columns the file has
        self.failed: set[str] = set()  # keys of the cells that could not be read
        self.errors = 0

    def __getitem__(self, key: str) -> Any:
        return self._values.get(key)

    def __iter__(self):
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)


class _Rollback(Exception):
    pass


class Importer:
    """Subclass with ``columns``, :meth:`check` (rows → what to write, calling
    :meth:`error` for what is wrong) and :meth:`write` (runs in one transaction, counts into
    ``result``). :meth:`run` does the rest and writes nothing when any row has an error."""

    columns: ClassVar[Sequence[Column]] = ()
    max_rows: ClassVar[int] = 5000

    def check(self, rows: list[Row]) -> list:
        raise NotImplementedError

    def write(self, planned: list, result: ImportResult) -> None:
        raise NotImplementedError

    def error(self, row: Row, key: str, message: str) -> None:
        row.errors += 1
        self._errors.append(RowError(row.line, self._header_names.get(key, ""), message))

    @classmethod
    def column(cls, key: str) -> Column:
        return next(c for c in cls.columns if c.key == key)

    def run(self, source, *, dry_run: bool = False, max_rows: int | None = None) -> ImportResult:
        """Check every row; if all are right, write them in one transaction (rolled back
        again when ``dry_run``, so the counts are those a real run gives). ``max_rows``
        lowers the class's limit (a web page answers within a request; a command need not)."""
        result = ImportResult(checked_only=dry_run)
        self._errors = result.errors
        self._max_rows = min(max_rows or self.max_rows, self.max_rows)
        try:
            sheet = read(source)
            rows = self._rows(sheet)
        except FileError as exc:
            result.errors.insert(0, RowError(0, "", str(exc)))
            return result
        result.rows = len(rows)
        if any(e.line <= 1 for e in result.errors):
            return result  # the file or its header: the rows cannot be read
        if not rows and not result.errors:
            result.errors.append(RowError(0, "", _("The file has no rows under its header.")))
            return result
        planned = self.check(rows) if rows else []
        result.errors.sort(key=lambda e: e.line)
        if result.errors:
            return result
        try:
            with transaction.atomic():
                self.write(planned, result)
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        return result

    def _header(self, header: list[str]) -> dict[int, Column]:
        lookup = {}
        for column in self.columns:
            for name in column.header_names():
                lookup[name] = column
        by_index: dict[int, Column] = {}
        seen: dict[str, str] = {}
        unknown, duplicated = [], []
        for index, name in enumerate(header):
            if not name:
                continue
            column = lookup.get(normal_header(name))
            if column is None:
                unknown.append(name)
            elif column.key in seen:
                duplicated.append(f"{seen[column.key]} / {name}")
            else:
                seen[column.key] = name
                by_index[index] = column
        missing = [str(c.label) for c in self.columns if c.required and c.key not in seen]
        for message, names in (
            (_("Missing columns: %(columns)s"), missing),
            (_("Unknown columns: %(columns)s"), unknown),
            (_("Columns given twice: %(columns)s"), duplicated),
        ):
            if names:
                self._errors.append(RowError(1, "", message % {"columns": ", ".join(names)}))
        self._header_names = {c.key: str(c.label) for c in self.columns}
        self._header_names.update(seen)
        return by_index

    def _rows(self, sheet: Sheet) -> list[Row]:
        columns = self._header(sheet.header)
        if self._errors:
            return []
        present = {c.key for c in columns.values()}
        rows = []
        for line, cells in sheet.rows:
            if not any(cells):
                continue  # a blank line
            if len(rows) >= self._max_rows:
                message = _("At most %(n)d rows per file.") % {"n": self._max_rows}
                self._errors.append(RowError(0, "", message))  # the file as a whole
                break
            row = Row(line, {}, present)
            rows.append(row)
            for index, raw in enumerate(cells):
                column = columns.get(index)
                if column is None:
                    if raw:
                        self.error(row, "", _("A value in a column without a known header."))
                    continue
                raw = unguard_formula(raw)
                if not raw:
                    continue
                try:
                    row._values[column.key] = column.parse(raw)
                except CellError as exc:
                    row.failed.add(column.key)
                    self.error(row, column.key, str(exc))
            for column in columns.values():
                if column.required and column.key not in row._values.keys() | row.failed:
                    self.error(row, column.key, _("This column must be filled in."))
        return rows


# --- Upload pages ------------------------------------------------------------------------------


class UploadForm(forms.Form):
    """A CSV or XLSX file of at most ``TABLE_UPLOAD_MAX_MB``; the import pages subclass it."""

    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.TABLE_UPLOAD_MAX_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB.") % {"mb": limit}, code="size"
            )
        return upload

    def checking_only(self) -> bool:
        """The "check only" button was pressed (a preview: nothing is kept)."""
        return "check" in self.data


def import_page(
    request,
    template_name: str,
    *,
    run: Callable[..., Any],
    columns: Sequence[Column],
    template_url: str,
    context: Mapping[str, Any] | None = None,
):
    """A web import's page: the upload form, and on POST ``run(file, dry_run=)`` (which checks
    every line first and imports nothing if one fails), then the page with the result
    (:func:`page_context` plus ``context``); 400 when the file had errors."""
    from django.shortcuts import render

    form = UploadForm(request.POST if request.method == "POST" else None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = run(form.cleaned_data["file"], dry_run=form.checking_only())
    page = page_context(form, result, columns, template_url) | dict(context or {})
    status = 400 if result is not None and not result.ok else 200
    return render(request, template_name, page, status=status)


def page_context(form, result, columns: Sequence[Column], template_url: str) -> dict:
    """What ``core/_table_import.html`` shows: the form, the result, each column's header,
    key and whether it is required, and the template file links (``template_url`` ends in
    ``.csv``; the XLSX one is beside it)."""
    return {
        "form": form,
        "result": result,
        "columns": [{"label": str(c.label), "key": c.key, "required": c.required} for c in columns],
        "template_csv": template_url,
        "template_xlsx": template_url.removesuffix(".csv") + ".xlsx",
        "max_mb": settings.TABLE_UPLOAD_MAX_MB,
    }
