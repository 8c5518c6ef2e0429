"""Conversion between attribute value octets and Python values, per dictionary type.

Decoding validates fixed-size types strictly: RFC 2865 §5 fixes ``integer``, ``address``
and ``time`` at exactly four octets, and an attribute of the wrong size means the sender
and we disagree about the packet, so the codec reports it as malformed instead of guessing.
"""

from __future__ import annotations

import ipaddress
import socket
import struct
from datetime import UTC, datetime

from .dictionary import FIXED_LENGTH, AttributeDef, AttrType

#: What typed access returns: text, octets, integer, IP address text, aware datetime,
#: or ``(vendor_id, vendor_data)`` for Vendor-Specific.
Value = str | bytes | int | datetime | tuple[int, bytes]

_UINT32 = struct.Struct("!I")
GIGAWORD = 2**32


def validate(attr: AttributeDef, raw: bytes) -> str | None:
    """Return why ``raw`` cannot be a value of ``attr``, or ``None`` if it can."""
    expected = FIXED_LENGTH.get(attr.type)
    if expected is not None and len(raw) != expected:
        return f"{attr.name} ({attr.type}) must be {expected} octets, got {len(raw)}"
    if attr.type is AttrType.IPV6PREFIX:
        # RFC 3162 §2.3: Reserved (1), Prefix-Length (1, 0-128), Prefix (0-16 octets).
        if not 2 <= len(raw) <= 18:
            return f"{attr.name} must be 2-18 octets, got {len(raw)}"
        if raw[1] > 128:
            return f"{attr.name} prefix length {raw[1]} exceeds 128"
    if attr.type is AttrType.VSA and len(raw) < 4:
        # RFC 2865 §5.26: the value starts with a 4-octet Vendor-Id.
        return f"Vendor-Specific must carry a 4-octet Vendor-Id, got {len(raw)} octets"
    return None


def decode_value(attr: AttributeDef, raw: bytes) -> Value:
    """Convert wire octets into a Python value; raise ``ValueError`` if they do not fit."""
    reason = validate(attr, raw)
    if reason is not None:
        raise ValueError(reason)
    match attr.type:
        case AttrType.STRING:
            # RFC 2865 §5 recommends UTF-8; NAS firmware does not always comply.
            return raw.decode("utf-8", errors="replace")
        case AttrType.INTEGER:
            return _UINT32.unpack(raw)[0]
        case AttrType.DATE:
            return timestamp_to_datetime(_UINT32.unpack(raw)[0])
        case AttrType.IPADDR:
            return socket.inet_ntop(socket.AF_INET, raw)
        case AttrType.IPV6ADDR:
            # inet_ntop, not ipaddress, so the text matches FreeRADIUS (e.g. ::ffff:192.0.2.1).
            return socket.inet_ntop(socket.AF_INET6, raw)
        case AttrType.IPV6PREFIX:
            prefix = raw[2:].ljust(16, b"\0")
            return f"{socket.inet_ntop(socket.AF_INET6, prefix)}/{raw[1]}"
        case AttrType.IFID:
            return ":".join(raw[i : i + 2].hex() for i in range(0, 8, 2))
        case AttrType.VSA:
            return _UINT32.unpack(raw[:4])[0], raw[4:]
        case _:
            return raw


def encode_value(attr: AttributeDef, value: object) -> bytes:
    """Convert a Python value into wire octets for ``attr``.

    ``bytes`` are always accepted verbatim (after validation), which is how tests build
    deliberately odd packets. Integer attributes also accept their dictionary value names,
    e.g. ``"Interim-Update"`` for Acct-Status-Type.
    """
    raw = bytes(value) if isinstance(value, bytes | bytearray) else _encode_typed(attr, value)
    reason = validate(attr, raw)
    if reason is not None:
        raise ValueError(reason)
    return raw


def _encode_typed(attr: AttributeDef, value: object) -> bytes:
    match attr.type, value:
        case AttrType.STRING | AttrType.OCTETS, str():
            return value.encode("utf-8")
        case AttrType.INTEGER, str():
            by_name = {name.lower(): number for number, name in attr.values.items()}
            if value.lower() not in by_name:
                raise ValueError(f"{attr.name} has no value named {value!r}")
            return _UINT32.pack(by_name[value.lower()])
        case AttrType.INTEGER | AttrType.DATE, int():
            return _pack_uint32(attr, value)
        case AttrType.DATE, datetime():
            if value.tzinfo is None:
                raise ValueError(f"{attr.name} needs an aware datetime")
            return _pack_uint32(attr, int(value.timestamp()))
        case AttrType.IPADDR, str() | ipaddress.IPv4Address():
            return ipaddress.IPv4Address(value).packed
        case AttrType.IPV6ADDR, str() | ipaddress.IPv6Address():
            return ipaddress.IPv6Address(value).packed
        case AttrType.IPV6PREFIX, str() | ipaddress.IPv6Network():
            network = ipaddress.IPv6Network(value)
            octets = (network.prefixlen + 7) // 8
            return bytes([0, network.prefixlen]) + network.network_address.packed[:octets]
        case AttrType.IFID, str():
            return bytes.fromhex(value.replace(":", ""))
        case AttrType.VSA, (int() as vendor_id, bytes() as data):
            return _pack_uint32(attr, vendor_id) + data
    raise TypeError(f"cannot encode {type(value).__name__} as {attr.name} ({attr.type})")


def _pack_uint32(attr: AttributeDef, value: int) -> bytes:
    if not 0 <= value < GIGAWORD:
        raise ValueError(f"{attr.name} must fit in 32 unsigned bits, got {value}")
    return _UINT32.pack(value)


def octets64(octets: int | None, gigawords: int | None) -> int:
    """Combine a 32-bit octet counter with its wrap count into one 64-bit total.

    RFC 2869 §5.1/§5.2: Acct-{Input,Output}-Gigawords count how many times the matching
    Acct-{Input,Output}-Octets counter (RFC 2866 §5.3/§5.4) wrapped around 2**32, so the
    real total is ``gigawords * 2**32 + octets``. Missing attributes count as zero, as in
    FreeRADIUS' ``acct_counters64`` policy.
    """
    return (gigawords or 0) * GIGAWORD + (octets or 0)


def timestamp_to_datetime(seconds: int) -> datetime:
    """Event-Timestamp (RFC 2869 §5.3: seconds since 1970-01-01 00:00 UTC) as aware UTC."""
    return datetime.fromtimestamp(seconds, tz=UTC)
