"""Text a person typed: refuse characters nobody can see.

Zero-width characters and bidirectional overrides (U+202E RIGHT-TO-LEFT OVERRIDE and friends)
make one name look like another on screen ("a trusted seller" that sorts, searches and
matches as something else), and control characters break labels and CSV files. Thai needs
none of them: its vowels and tone marks are ordinary combining marks (category Mn), which stay.
"""

from __future__ import annotations

import unicodedata

#: Unicode categories refused: controls, format characters (zero-width, bidi), private use,
#: surrogates, unassigned, line and paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})
#: Line breaks and tabs are allowed where a field has several lines (addresses, notes).
MULTILINE_ALLOWED = frozenset("\n\r\t")


class InvisibleCharacter(ValueError):
    def __init__(self, char: str, position: int):
        self.char = char
        self.position = position
        name = unicodedata.name(char, "control character")
        super().__init__(f"U+{ord(char):04X} {name} at position {position + 1}")


def invisible_characters(text: str, *, multiline: bool = False) -> list[tuple[int, str]]:
    """(position, character) of every refused character in ``text``."""
    allowed = MULTILINE_ALLOWED if multiline else frozenset()
    return [
        (i, c)
        for i, c in enumerate(text or "")
        if c not in allowed and unicodedata.category(c) in REFUSED_CATEGORIES
    ]


def check_visible(text: str, *, multiline: bool = False) -> str:
    """``text`` unchanged, or :class:`InvisibleCharacter` for the first refused character."""
    found = invisible_characters(text, multiline=multiline)
    if found:
        position, char = found[0]
        raise InvisibleCharacter(char, position)
    return text
