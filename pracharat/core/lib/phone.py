"""Thai phone numbers: one canonical form (``0812345678``) for logins and contacts."""

from __future__ import annotations

import re


class PhoneError(ValueError):
    pass


def normalise_phone(text: str) -> str:
    """``+66 81-234-5678``, ``0066812345678`` and ``081 234 5678`` all become ``0812345678``."""
    digits = re.sub(r"[\s\-().]", "", text or "")
    if digits.startswith("+66"):
        digits = "0" + digits[3:]
    elif digits.startswith("0066"):
        digits = "0" + digits[4:]
    elif digits.startswith("66") and len(digits) == 11:
        digits = "0" + digits[2:]
    if not re.fullmatch(r"0\d{8,9}", digits):
        raise PhoneError(f"{text!r} is not a Thai phone number (e.g. 081 234 5678)")
    return digits
