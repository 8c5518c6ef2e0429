"""DOPA area codes: the keys that nest Thailand's administrative areas.

province ``65`` ⊃ district ``6506`` ⊃ sub-district ``650602`` ⊃ village ``65060209``.
Everything located in pracharat stores the code of the smallest area it is in, so
"everything in Phitsanulok" is a prefix match on one indexed column. The empty code
stands for the whole country.
"""

from __future__ import annotations

import re

LEVELS = {0: "country", 2: "province", 4: "district", 6: "subdistrict", 8: "village"}
_CODE = re.compile(r"^(?:\d{2}|\d{4}|\d{6}|\d{8})?$")


class BadAreaCode(ValueError):
    pass


def clean(code: str | int | None) -> str:
    """Return ``code`` as a canonical string or raise :class:`BadAreaCode`."""
    text = "" if code is None else str(code).strip()
    if not _CODE.match(text):
        raise BadAreaCode(f"{text!r} is not an area code (2, 4, 6 or 8 digits)")
    return text


def level(code: str) -> str:
    return LEVELS[len(clean(code))]


def ancestors(code: str) -> list[str]:
    """``65060209`` → ``["65", "6506", "650602"]`` (outermost first, itself excluded)."""
    code = clean(code)
    return [code[:n] for n in (2, 4, 6) if n < len(code)]


def contains(outer: str, inner: str) -> bool:
    return inner.startswith(outer)


def upper_bound(prefix: str) -> str:
    """The smallest string greater than every code starting with ``prefix``.

    Codes are ASCII digits, and ``:`` follows ``9`` in ASCII, so
    ``prefix <= code < prefix + ":"`` is exactly "starts with ``prefix``" under a
    binary collation, and a B-tree index answers it as a range scan.
    """
    return prefix + ":"
