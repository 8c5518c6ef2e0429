"""PromptPay / Thai QR Payment payloads.

A PromptPay QR code carries an *EMV QR Code Specification for Payment Systems, Merchant-Presented
Mode* (EMV QRCPS MPM) payload: a flat string of TLV data objects, each written as a 2-digit tag
(the spec calls it "ID"), a 2-digit decimal length and the value. The Bank of Thailand's Thai QR
Payment standard puts the PromptPay proxy in the merchant account information template, tag 29.

Data objects written by :func:`payload`, in ascending tag order:

===  ==========================================  =========================================
tag  EMV QRCPS name                              value
===  ==========================================  =========================================
00   Payload Format Indicator                    ``"01"``
01   Point of Initiation Method                  ``"11"`` static (no amount), ``"12"`` dynamic
29   Merchant Account Information (PromptPay)    template, sub-tags below
53   Transaction Currency (ISO 4217 numeric)     ``"764"`` (Thai baht)
54   Transaction Amount                          e.g. ``"4.22"``, only when an amount is given
58   Country Code (ISO 3166-1 alpha-2)           ``"TH"``
63   CRC                                         CRC-16/CCITT-FALSE, 4 uppercase hex digits
===  ==========================================  =========================================

Tag 29 sub-tags: ``00`` application ID ``A000000677010111`` (PromptPay credit transfer), then one
proxy -- ``01`` mobile number as ``0066`` + 9 digits (13 characters), ``02`` national ID or tax
ID (13 digits), or ``03`` e-wallet ID (15 digits).

EMV QRCPS requires tag 00 first and tag 63 last and lets the other root objects appear in any
order; popular generators (e.g. dtinth/promptpay-qr) write 58 before 53, we write ascending
order. Both scan the same: banking apps decode the TLV, they do not compare strings.

The CRC (tag 63) is CRC-16/CCITT-FALSE -- polynomial 0x1021, initial value 0xFFFF, no reflection,
no final XOR -- computed over the whole payload *including* the ``"6304"`` that introduces it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

__all__ = [
    "MAX_AMOUNT",
    "PROMPTPAY_AID",
    "PromptPayError",
    "PromptPayQR",
    "Proxy",
    "ProxyType",
    "crc16",
    "encode",
    "is_valid_national_id",
    "mask",
    "national_id_check_digit",
    "normalise_amount",
    "normalise_proxy",
    "parse",
    "payload",
]

# EMV QRCPS MPM root data objects (tags).
TAG_PAYLOAD_FORMAT = "00"
TAG_POINT_OF_INITIATION = "01"
TAG_MERCHANT_PROMPTPAY = "29"
TAG_CURRENCY = "53"
TAG_AMOUNT = "54"
TAG_COUNTRY = "58"
TAG_CRC = "63"

PAYLOAD_FORMAT_V1 = "01"
POI_STATIC = "11"  # reusable code, payer types the amount
POI_DYNAMIC = "12"  # one-off code with the amount filled in
PROMPTPAY_AID = "A000000677010111"  # tag 29 sub-tag 00: PromptPay credit transfer
CURRENCY_THB = "764"  # ISO 4217 numeric
COUNTRY_TH = "TH"

#: Largest amount we put in a QR: tag 54 allows 13 characters, PromptPay apps cap far lower;
#: ten million baht minus one satang keeps us well inside both.
MAX_AMOUNT = Decimal("9999999.99")
_SATANG = Decimal("0.01")


class PromptPayError(ValueError):
    """A PromptPay ID, amount or payload is not valid; the message says why, for a person."""


class ProxyType(StrEnum):
    """What a PromptPay proxy is; the value is its sub-tag inside tag 29."""

    MOBILE = "01"
    NATIONAL_ID = "02"  # also a juristic person's 13-digit tax ID: same format, same checksum
    EWALLET = "03"


@dataclass(frozen=True, slots=True)
class Proxy:
    """A PromptPay proxy (the account alias) as it is written inside tag 29."""

    type: ProxyType
    value: str

    @property
    def display(self) -> str:
        """The proxy as a Thai person would write it, e.g. ``081-234-5678``."""
        if self.type is ProxyType.MOBILE:
            local = "0" + self.value[4:]
            return f"{local[:3]}-{local[3:6]}-{local[6:]}"
        if self.type is ProxyType.NATIONAL_ID:
            v = self.value
            return f"{v[0]}-{v[1:5]}-{v[5:10]}-{v[10:12]}-{v[12]}"
        return self.value

    @property
    def masked(self) -> str:
        """The proxy as bank apps show a payee's: only the last digits, e.g.
        ``xxx-xxx-5678`` (mobile), ``x-xxxx-xxxxx-12-3`` (national / tax ID),
        ``xxxxxxxxxxx6789`` (e-wallet)."""
        shown = self.display
        keep = {ProxyType.MOBILE: 4, ProxyType.NATIONAL_ID: 3}.get(self.type, 4)
        out, seen = [], 0
        for char in reversed(shown):
            if char.isdigit():
                seen += 1
                out.append(char if seen <= keep else "x")
            else:
                out.append(char)
        return "".join(reversed(out))


def mask(raw: str) -> str:
    """``normalise_proxy(raw).masked`` (raises :class:`PromptPayError`)."""
    return normalise_proxy(raw).masked


_SEPARATORS = re.compile(r"[\s\-.()/]")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")


def national_id_check_digit(first12: str) -> int:
    """The 13th digit of a Thai national ID (or juristic tax ID) given its first 12.

    Mod-11 scheme of the Department of Provincial Administration: weight the digits 13..2, sum,
    then ``(11 - sum % 11) % 10``.
    """
    if len(first12) != 12 or not first12.isascii() or not first12.isdigit():
        raise PromptPayError("A national ID check digit needs exactly 12 leading digits.")
    total = sum(int(d) * w for d, w in zip(first12, range(13, 1, -1), strict=True))
    return (11 - total % 11) % 10


def is_valid_national_id(digits: str) -> bool:
    """True when ``digits`` is 13 ASCII digits whose last one is the mod-11 check digit."""
    if len(digits) != 13 or not digits.isascii() or not digits.isdigit():
        return False
    return national_id_check_digit(digits[:12]) == int(digits[12])


def normalise_proxy(raw: str) -> Proxy:
    """Turn what a seller typed into a PromptPay proxy, or say clearly what is wrong.

    Accepted, with any spaces, dashes, dots, slashes or brackets, in Arabic or Thai digits:

    - a Thai mobile number: ``0812345678``, ``081-234-5678``, ``+66 81 234 5678``,
      ``66812345678``; it must be 10 digits starting 06, 08 or 09 in local form;
    - a national ID or juristic tax ID: 13 digits whose last digit is the mod-11 check digit
      (see :func:`national_id_check_digit`) -- a typo is caught here, not by the payer's bank;
    - an e-wallet ID: 15 digits (no public checksum exists, so only the length is checked).
    """
    if not isinstance(raw, str):
        raise PromptPayError("The PromptPay ID must be text, e.g. '081-234-5678'.")
    text = _SEPARATORS.sub("", raw.strip()).translate(_THAI_DIGITS)
    international = text.startswith("+")
    if international:
        text = text[1:]
    if not text:
        raise PromptPayError("The PromptPay ID is empty.")
    if not (text.isascii() and text.isdigit()):
        raise PromptPayError(
            f"The PromptPay ID {raw!r} may hold only the digits 0-9, spaces, dashes "
            "and a leading '+'."
        )
    if international or (len(text) == 11 and text.startswith("66")):
        if not text.startswith("66"):
            raise PromptPayError(
                f"{raw!r} is not a Thai number: PromptPay mobile numbers start with +66."
            )
        text = "0" + text[2:]
    if len(text) == 10:
        if not re.fullmatch(r"0[689]\d{8}", text):
            raise PromptPayError(
                f"{raw!r} is not a Thai mobile number: it must start with 06, 08 or 09."
            )
        return Proxy(ProxyType.MOBILE, "0066" + text[1:])
    if len(text) == 13:
        if not is_valid_national_id(text):
            expected = national_id_check_digit(text[:12])
            hint = (
                " If it is a mobile number, write it as 081-234-5678 or +66 81 234 5678."
                if text.startswith("0066")
                else ""
            )
            raise PromptPayError(
                f"{raw!r} is not a valid national ID or tax ID: its last digit (check digit) "
                f"should be {expected}, not {text[12]}. Please check the number.{hint}"
            )
        return Proxy(ProxyType.NATIONAL_ID, text)
    if len(text) == 15:
        return Proxy(ProxyType.EWALLET, text)
    raise PromptPayError(
        f"{raw!r} has {len(text)} digits; a PromptPay ID is a mobile number (10 digits), "
        "a national ID or tax ID (13 digits) or an e-wallet ID (15 digits)."
    )


def normalise_amount(amount: Decimal | int) -> Decimal:
    """Check an amount in baht and return it with exactly two decimals (satang).

    ``float`` is refused rather than rounded: 0.1 + 0.2 is not 0.30 and a payment must be exact.
    More than two decimals is refused for the same reason (``Decimal("1.005")``), while trailing
    zeros are fine (``Decimal("1.500")`` is 1.50).
    """
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise PromptPayError(
            f"The amount must be a Decimal such as Decimal('4.22'), not {type(amount).__name__}."
        )
    value = Decimal(amount)
    if not value.is_finite():
        raise PromptPayError("The amount must be a finite number of baht.")
    try:
        exact = value.quantize(_SATANG)
    except InvalidOperation as exc:  # far too many digits for the context
        raise PromptPayError(f"The amount must not exceed {MAX_AMOUNT:,} baht.") from exc
    if exact != value:
        raise PromptPayError(f"The amount {value} has more than two decimals (satang).")
    if exact <= 0:
        raise PromptPayError("The amount must be more than 0 baht.")
    if exact > MAX_AMOUNT:
        raise PromptPayError(f"The amount must not exceed {MAX_AMOUNT:,} baht.")
    return exact


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, xorout 0); check 0x29B1."""
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        crc &= 0xFFFF
    return crc


def _tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise PromptPayError(f"Tag {tag} is {len(value)} characters long; EMV allows 99.")
    return f"{tag}{len(value):02d}{value}"


def encode(objects: Iterable[tuple[str, str]]) -> str:
    """Serialise root data objects in the given order and append the tag 63 CRC.

    ``objects`` must not contain tag 63. A nested template (tag 29) is passed already encoded.
    """
    body = "".join(_tlv(tag, value) for tag, value in objects)
    body += TAG_CRC + "04"
    return body + f"{crc16(body.encode('utf-8')):04X}"


def payload(target: str, amount: Decimal | int | None = None) -> str:
    """The PromptPay QR payload paying ``target`` (see :func:`normalise_proxy`).

    Without an amount the code is static (tag 01 = 11) and the payer types the amount; with one
    it is dynamic (tag 01 = 12) and tag 54 carries it with two decimals.

    >>> payload("081-234-5678")
    '00020101021129370016A0000006770101110113006681234567853037645802TH6304823E'
    """
    proxy = normalise_proxy(target)
    objects = [
        (TAG_PAYLOAD_FORMAT, PAYLOAD_FORMAT_V1),
        (TAG_POINT_OF_INITIATION, POI_STATIC if amount is None else POI_DYNAMIC),
        (TAG_MERCHANT_PROMPTPAY, _tlv("00", PROMPTPAY_AID) + _tlv(proxy.type.value, proxy.value)),
        (TAG_CURRENCY, CURRENCY_THB),
    ]
    if amount is not None:
        objects.append((TAG_AMOUNT, str(normalise_amount(amount))))
    objects.append((TAG_COUNTRY, COUNTRY_TH))
    return encode(objects)


@dataclass(frozen=True, slots=True)
class PromptPayQR:
    """A decoded payload: every root data object in order, plus the PromptPay reading of them."""

    objects: Mapping[str, str]
    proxy: Proxy | None
    amount: Decimal | None
    dynamic: bool

    @property
    def currency(self) -> str | None:
        return self.objects.get(TAG_CURRENCY)

    @property
    def country(self) -> str | None:
        return self.objects.get(TAG_COUNTRY)


def _decode_tlv(text: str, where: str) -> dict[str, str]:
    objects: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        head = text[pos : pos + 4]
        if len(head) < 4 or not (head.isascii() and head.isdigit()):
            raise PromptPayError(f"Broken TLV {where} at character {pos}: {head!r}.")
        tag, length = head[:2], int(head[2:])
        value = text[pos + 4 : pos + 4 + length]
        if len(value) != length:
            raise PromptPayError(f"Tag {tag} {where} says {length} characters, has {len(value)}.")
        if tag in objects:
            raise PromptPayError(f"Tag {tag} appears twice {where}.")
        objects[tag] = value
        pos += 4 + length
    return objects


def parse(text: str) -> PromptPayQR:
    """Decode an EMV QRCPS payload, verify its CRC and read the PromptPay fields if present.

    Raises :class:`PromptPayError` when the TLV structure is broken, tag 00 is not first, tag 63
    is not last, or the CRC does not match. Non-PromptPay EMV payloads (no tag 29 with the
    PromptPay AID) decode with ``proxy=None``.
    """
    text = text.strip()
    objects = _decode_tlv(text, "in the payload")
    tags = list(objects)
    if not tags or tags[0] != TAG_PAYLOAD_FORMAT or objects[TAG_PAYLOAD_FORMAT] != "01":
        raise PromptPayError("Not an EMV QR payload: it must start with 000201.")
    if tags[-1] != TAG_CRC or len(objects[TAG_CRC]) != 4:
        raise PromptPayError("The payload must end with the CRC, tag 63 of length 04.")
    expected = f"{crc16(text[:-4].encode('utf-8')):04X}"
    if objects[TAG_CRC].upper() != expected:
        raise PromptPayError(
            f"CRC mismatch: the payload says {objects[TAG_CRC]}, data gives {expected}."
        )

    proxy = None
    if TAG_MERCHANT_PROMPTPAY in objects:
        account = _decode_tlv(objects[TAG_MERCHANT_PROMPTPAY], "inside tag 29")
        if account.get("00") == PROMPTPAY_AID:
            for proxy_type in ProxyType:
                if proxy_type.value in account:
                    proxy = Proxy(proxy_type, account[proxy_type.value])
                    break
    amount = None
    if TAG_AMOUNT in objects:
        try:
            amount = Decimal(objects[TAG_AMOUNT])
        except InvalidOperation as exc:
            raise PromptPayError(f"Tag 54 amount {objects[TAG_AMOUNT]!r} is not a number.") from exc
    return PromptPayQR(
        objects=objects,
        proxy=proxy,
        amount=amount,
        dynamic=objects.get(TAG_POINT_OF_INITIATION) == POI_DYNAMIC,
    )
