"""Thai dictionary order (ลำดับตามพจนานุกรม) as a sort key, the same order PostgreSQL's ICU
collation ``th-TH`` gives, so that lists sort alike on SQLite and PostgreSQL.

The rules, as the Unicode Collation Algorithm applies them with CLDR's Thai tailoring:

1. Letters first (primary level): a leading vowel เ แ โ ใ ไ is read after the consonant it
   stands before (เชียงใหม่ sorts under ช, after จันทบุรี); consonants in alphabet order,
   then the vowels; symbols < digits (Thai and Arabic alike) < Thai < Latin.
2. Then tone and other marks (secondary level): ก < ก์ < ก็ < ก่ < ก้ < ก๊ < ก๋, compared from
   the left, so กา่ < ก่า.
3. Then case (tertiary): a < A. Thai and Arabic digits are the same digits.
4. Spaces and punctuation (ฯ ๆ too) are skipped ("alternate shifted" at tertiary strength):
   ก ข sorts with กข; texts equal after all this are in code-point order, as PostgreSQL
   orders them (it compares the bytes when ICU says equal).

Checked against PostgreSQL's ICU on every place name Thailand's geography ships
(``core/tests/test_thai_order.py``).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

__all__ = ["sort_key"]

_PREVOWELS = frozenset("เแโใไ")
_CONSONANTS = frozenset(chr(c) for c in range(0x0E01, 0x0E2F))

#: Thai letters and vowels with a primary weight, in ICU's order: the consonants, nikhahit,
#: the vowels, the leading vowels, phinthu. Sara am (ำ) weighs as sara aa then nikhahit,
#: lakkhangyao (ๅ) as sara aa, one case up.
_THAI_PRIMARY = {
    ch: i
    for i, ch in enumerate(
        [chr(c) for c in range(0x0E01, 0x0E2F)]
        + ["\u0e4d", "\u0e30", "\u0e31", "\u0e32"]
        + [chr(c) for c in range(0x0E34, 0x0E3A)]
        + [chr(c) for c in range(0x0E40, 0x0E45)]
        + ["\u0e3a"]
    )
}
#: Thai marks weighed only at the secondary level, in ICU's order: yamakkan, thanthakhat,
#: maitaikhu, then the four tone marks.
_THAI_SECONDARY = {ch: i for i, ch in enumerate("\u0e4e\u0e4c\u0e47\u0e48\u0e49\u0e4a\u0e4b", 1)}
#: Thai signs that behave as punctuation: paiyannoi, maiyamok, fongman, angkhankhu, khomut.
_THAI_VARIABLE = frozenset("\u0e2f\u0e46\u0e4f\u0e5a\u0e5b")

_SYMBOL, _DIGIT, _THAI, _LATIN, _OTHER = range(5)
_BASE = 0  # the secondary and tertiary weight of a plain letter


def _reordered(text: str) -> str:
    """Each leading vowel moved after the consonant that follows it."""
    out = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _PREVOWELS and i + 1 < len(text) and text[i + 1] in _CONSONANTS:
            out += [text[i + 1], ch]
            i += 2
        else:
            out.append(ch)
            i += 1
    return "".join(out)


@lru_cache(maxsize=65_536)
def sort_key(text: str) -> tuple:
    """A key whose order is Thai dictionary order (see the module's rules). Texts equal at
    every level are ordered by their code points, as PostgreSQL breaks such ties (byte
    order of UTF-8), so the order is total and the same on both databases."""
    primary, secondary, tertiary = [], [], []
    after_skipped = False  # a mark right after a skipped character is skipped with it
    for ch in unicodedata.normalize("NFD", _reordered(text)).replace("\u0e33", "\u0e32\u0e4d"):
        category = unicodedata.category(ch)
        if ch in _THAI_PRIMARY:  # before the marks: ั ิ ี ึ ื ุ ู are marks to Unicode
            weight, case = (_THAI, _THAI_PRIMARY[ch]), _BASE
        elif ch == "\u0e45":
            weight, case = (_THAI, _THAI_PRIMARY["\u0e32"]), 1
        elif ch in _THAI_SECONDARY or category == "Mn":
            if not after_skipped:
                # Thai marks first, then Latin accents
                secondary.append(_THAI_SECONDARY.get(ch, 16 + ord(ch)))
                tertiary.append(_BASE)
            continue
        elif ch in _THAI_VARIABLE or category[0] in "ZPC":
            after_skipped = True
            continue
        elif category == "Nd":
            weight, case = (_DIGIT, unicodedata.digit(ch)), _BASE  # 1 and ๑ alike
        elif category[0] == "S":
            weight, case = (_SYMBOL, category != "Sm", ord(ch)), _BASE
        elif "a" <= ch.lower() <= "z":
            weight, case = (_LATIN, ord(ch.lower())), int(ch.isupper())
        else:
            weight, case = (_OTHER, ord(ch.lower())), int(ch.isupper())
        after_skipped = False
        primary.append(weight)
        secondary.append(_BASE)
        tertiary.append(case)
    return tuple(primary), tuple(secondary), tuple(tertiary), text
