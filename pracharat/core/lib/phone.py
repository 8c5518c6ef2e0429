"""Thai phone numbers: one canonical form (``0812345678``) for logins and contacts."""

from __future__ import annotations

import re
import unicodedata


class PhoneError(ValueError):
    pass


_SEPARATORS = re.compile(r"[\s\-().]")


def _ascii_digits(text: str) -> str:
    """Thai (๐-๙), Arabic-Indic, full-width and every other Unicode decimal digit as 0-9.

    Phones in Thailand type Thai digits when the keyboard is in Thai; a number stored as typed
    would never match the same number typed in ASCII."""
    out = []
    for char in text:
        if char.isdigit() and not char.isascii():
            try:
                out.append(str(unicodedata.decimal(char)))
                continue
            except ValueError:  # a digit with no decimal value (superscripts): refused below
                pass
        out.append(char)
    return "".join(out)


def normalise_phone(text: str) -> str:
    """``+66 81-234-5678``, ``0066812345678``, ``๐๘๑ ๒๓๔ ๕๖๗๘`` all become ``0812345678``."""
    digits = _SEPARATORS.sub("", _ascii_digits(unicodedata.normalize("NFKC", text or "")))
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    elif digits.startswith("0066"):
        digits = "0" + digits[4:]
    elif digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0[0-9]{8,9}", digits, flags=re.ASCII):
        raise PhoneError(f"{text!r} is not a Thai phone number (e.g. 081 234 5678)")
    return digits
