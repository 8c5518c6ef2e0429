"""Thai dictionary order in the database, the same on PostgreSQL and SQLite.

Both databases know a collation named :data:`THAI`: on PostgreSQL it is ICU's ``th-TH``
(created by core's migration ``0002_thai_collation``); on SQLite it is registered on every new
connection as a Python comparison by ``core.lib.thaisort.sort_key``, which follows ICU's
order. So ``order_by(thai("name_th"))`` lists เชียงใหม่ under ช, after จันทบุรี, on both.

:func:`by_name` is what list pages use: Thai order on Thai pages, and on English pages the
English name (alphabetical, Thai order for rows without one).
"""

from __future__ import annotations

from django.db.models import F, OrderBy, Value
from django.db.models.functions import Collate, Lower, NullIf

from pracharat.core import i18n
from pracharat.core.lib.thaisort import sort_key

#: The collation's name on both databases.
THAI = "th_th"


def thai(field: str) -> OrderBy:
    """An ordering by ``field`` in Thai dictionary order; ``"-field"`` for descending."""
    descending = field.startswith("-")
    return OrderBy(Collate(F(field.lstrip("-")), THAI), descending=descending)


def by_name(prefix: str = "", stem: str = "name") -> list[OrderBy]:
    """Order by the name a reader sees: ``<prefix><stem>_th`` in Thai order on Thai pages;
    on English pages by ``<stem>_en`` (rows without one last, in Thai order)."""
    thai_name = thai(f"{prefix}{stem}_th")
    if i18n.is_thai():
        return [thai_name]
    english = NullIf(F(f"{prefix}{stem}_en"), Value(""))
    return [OrderBy(Lower(english), nulls_last=True), thai_name]


def _compare(a: str | None, b: str | None) -> int:
    key_a, key_b = sort_key(a or ""), sort_key(b or "")
    return (key_a > key_b) - (key_a < key_b)


def register_sqlite_collation(sender, connection, **kwargs) -> None:
    """``connection_created`` receiver: teaches each new SQLite connection :data:`THAI`."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(THAI, _compare)
