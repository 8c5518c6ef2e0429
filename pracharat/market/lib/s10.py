"""UPU S10 tracking numbers, as printed on Thailand Post EMS and registered items.

UPU standard S10 ("Identification of postal items -- 13-character identifier") fixes the
layout ``AA NNNNNNNN C CC``:

- ``AA`` two letters: the service indicator (first letter, e.g. E = EMS, R = registered,
  C = parcel) and a letter the operator chooses;
- ``NNNNNNNN`` an 8-digit serial number;
- ``C`` the check digit over the serial, see :func:`check_digit`;
- ``CC`` the ISO 3166-1 alpha-2 code of the issuing postal operator's country (TH).

Sellers type these by hand into an order, so :func:`validate` forgives spaces and lower case
and says precisely what is wrong otherwise; a wrong check digit almost always means a typo.
"""

from __future__ import annotations

import re

__all__ = ["S10Error", "check_digit", "make", "validate"]

#: S10 weights for the eight serial digits, left to right.
WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)
_LETTERS2 = re.compile(r"[A-Z]{2}")


def gettext_noop(message: str) -> str:
    """Marks a message for translation (``makemessages`` finds it) without translating it:
    this module has no Django; :meth:`S10Error.translated` translates at the caller's."""
    return message


class S10Error(ValueError):
    """Not a valid S10 tracking number; the message says which part is wrong.

    ``str(error)`` is English; ``error.translated(gettext)`` is the same message in the
    active language (the Thai texts are in market's ``django.po``)."""

    def __init__(self, message: str, **params):
        self.message, self.params = message, params
        super().__init__(message % params)

    def translated(self, gettext) -> str:
        return gettext(self.message) % self.params


def check_digit(serial8: str) -> int:
    """The S10 check digit of an 8-digit serial number.

    Multiply the digits by 8 6 4 2 3 5 9 7, sum, and take ``11 - sum % 11``; a result of 10
    becomes 0 and 11 becomes 5 (S10 section on the check digit).

    >>> check_digit("12345678")
    5
    """
    if len(serial8) != 8 or not serial8.isascii() or not serial8.isdigit():
        raise S10Error(
            gettext_noop("The serial number must be exactly 8 digits, not “%(given)s”."),
            given=serial8,
        )
    total = sum(int(d) * w for d, w in zip(serial8, WEIGHTS, strict=True))
    result = 11 - total % 11
    return {10: 0, 11: 5}.get(result, result)


def validate(code: str) -> str:
    """Return ``code`` normalised (no spaces, upper case) if it is a valid S10 identifier.

    The check digit catches every single mistyped serial digit except one that moves the
    weighted sum between remainders 0 and 6 (both give check digit 5), and most swaps.
    The letters are checked for form only: service indicators and country codes change.

    >>> validate(" ee 123 456 785 th ")
    'EE123456785TH'
    """
    if not isinstance(code, str):
        raise S10Error(gettext_noop("A tracking number must be text, e.g. EE123456785TH."))
    norm = "".join(code.split()).upper()
    if len(norm) != 13:
        raise S10Error(
            gettext_noop(
                "A tracking number has 13 characters (like EE123456785TH); “%(given)s” has "
                "%(length)s without spaces."
            ),
            given=code.strip(),
            length=len(norm),
        )
    prefix, serial, check, country = norm[:2], norm[2:10], norm[10], norm[11:]
    if not _LETTERS2.fullmatch(prefix):
        raise S10Error(
            gettext_noop("%(code)s must start with two letters A-Z, not “%(part)s”."),
            code=norm,
            part=prefix,
        )
    if not (serial + check).isascii() or not (serial + check).isdigit():
        raise S10Error(
            gettext_noop("%(code)s: characters 3 to 11 must be digits, not “%(part)s”."),
            code=norm,
            part=serial + check,
        )
    if not _LETTERS2.fullmatch(country):
        raise S10Error(
            gettext_noop("%(code)s must end with a two-letter country code such as TH."),
            code=norm,
        )
    expected = check_digit(serial)
    if int(check) != expected:
        raise S10Error(
            gettext_noop(
                "%(code)s has check digit %(check)s but the serial %(serial)s needs "
                "%(expected)s: there is probably a typo in the number."
            ),
            code=norm,
            check=check,
            serial=serial,
            expected=expected,
        )
    return norm


def make(prefix: str, serial: int | str, country: str = "TH") -> str:
    """Build an S10 identifier from a 2-letter prefix, a serial (0..99999999) and a country.

    >>> make("EE", 12345678)
    'EE123456785TH'
    """
    prefix, country = prefix.strip().upper(), country.strip().upper()
    if not _LETTERS2.fullmatch(prefix):
        raise S10Error(
            gettext_noop("The prefix must be two letters A-Z, not “%(part)s”."), part=prefix
        )
    if not _LETTERS2.fullmatch(country):
        raise S10Error(
            gettext_noop("The country must be a two-letter code such as TH, not “%(part)s”."),
            part=country,
        )
    if isinstance(serial, bool):
        raise S10Error(gettext_noop("The serial must be a number, not a bool."))
    if isinstance(serial, int):
        if not 0 <= serial <= 99_999_999:
            raise S10Error(
                gettext_noop("The serial must be between 0 and 99999999, not %(serial)s."),
                serial=serial,
            )
        serial = f"{serial:08d}"
    return f"{prefix}{serial}{check_digit(serial)}{country}"
