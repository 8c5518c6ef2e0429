"""Session keys compatible with FreeRADIUS, and PDPA pseudonymisation of identifiers.

:func:`acct_unique_session_id` reproduces FreeRADIUS 3.x's default ``acct_unique`` policy
(``raddb/policy.d/accounting``, here as shipped by Debian 12's freeradius-config 3.2.1 in
``/etc/freeradius/3.0/policy.d/accounting``; early 3.0 releases used a shorter variant
without the NAS-IPv6-Address fallback, and 4.x hashes differently)::

    if (("%{hex:&Class}" =~ /^%{hex:&Tmp-String-9}/) && \\
        ("%{string:&Class}" =~ /^${policy.class_value_prefix}([0-9a-f]{32})/i)) {
        &Acct-Unique-Session-Id := "%{md5:%{1},%{Acct-Session-ID}}"
    }
    else {
        &Acct-Unique-Session-Id := "%{md5:%{User-Name},%{Acct-Session-ID},\\
            %{%{NAS-IPv6-Address}:-%{NAS-IP-Address}},%{NAS-Identifier},\\
            %{NAS-Port-ID},%{NAS-Port}}"
    }

with ``class_value_prefix = 'ai:'`` and ``Tmp-String-9`` set to that prefix. Keeping the
same key means sessions can be matched against a FreeRADIUS ``radacct`` table (column
``acctuniqueid``) during migration or side-by-side operation.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import socket

from .dictionary import (
    ACCT_SESSION_ID,
    CLASS,
    NAS_IDENTIFIER,
    NAS_IP_ADDRESS,
    NAS_IPV6_ADDRESS,
    NAS_PORT,
    NAS_PORT_ID,
    USER_NAME,
)
from .packet import Packet

DEFAULT_CLASS_PREFIX = b"ai:"
_CLASS_ID = re.compile(rb"[0-9a-f]{32}", re.IGNORECASE)


def acct_unique_session_id(packet: Packet, *, class_prefix: bytes = DEFAULT_CLASS_PREFIX) -> str:
    """Return the Acct-Unique-Session-Id FreeRADIUS 3.x would assign to ``packet``.

    Expansion details that matter for byte-exact keys (verified against radiusd 3.2.1):

    * only the first instance of each attribute is used, missing ones expand to "";
    * strings are used as raw octets (no UTF-8 decoding), minus one trailing NUL that
      FreeRADIUS strips when decoding string attributes;
    * NAS-IPv6-Address wins over NAS-IP-Address when present; addresses are printed by
      ``inet_ntop``, NAS-Port as an unsigned decimal;
    * the md5 xlat hashes a C string, so the input ends at its first NUL octet;
    * the Class branch needs the first Class to start with exactly ``class_prefix``
      followed by 32 hex digits (either case, kept as sent).
    """
    first = packet.first
    class_id = _class_id(first.get(CLASS), class_prefix)
    if class_id is not None:
        data = class_id + b"," + _string(first.get(ACCT_SESSION_ID))
    else:
        ipv6 = first.get(NAS_IPV6_ADDRESS)
        if ipv6 is not None:
            address = socket.inet_ntop(socket.AF_INET6, ipv6).encode()
        else:
            ipv4 = first.get(NAS_IP_ADDRESS)
            address = socket.inet_ntop(socket.AF_INET, ipv4).encode() if ipv4 is not None else b""
        port = first.get(NAS_PORT)
        data = b",".join(
            (
                _string(first.get(USER_NAME)),
                _string(first.get(ACCT_SESSION_ID)),
                address,
                _string(first.get(NAS_IDENTIFIER)),
                _string(first.get(NAS_PORT_ID)),
                str(int.from_bytes(port, "big")).encode() if port is not None else b"",
            )
        )
    if b"\0" in data:
        data = data.split(b"\0", 1)[0]
    # FreeRADIUS compatibility, not a security control: the key only has to be stable.
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _class_id(value: bytes | None, prefix: bytes) -> bytes | None:
    if value is None or not value.startswith(prefix):
        return None
    match = _CLASS_ID.match(value, len(prefix))
    return match.group() if match else None


def _string(raw: bytes | None) -> bytes:
    if raw is None:
        return b""
    return raw[:-1] if raw.endswith(b"\0") else raw


# MAC address spellings seen in Calling-Station-Id (RFC 3580 §3.21 recommends the
# "00-10-A4-23-19-C0" form, but Cisco uses "0010.a423.19c0" and others use colons or none).
_MAC_PATTERNS = (
    re.compile(r"[0-9a-f]{2}([:-])[0-9a-f]{2}(?:\1[0-9a-f]{2}){4}", re.IGNORECASE),
    re.compile(r"[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}", re.IGNORECASE),
    re.compile(r"[0-9a-f]{12}", re.IGNORECASE),
)


def normalise_mac(value: str) -> str | None:
    """Return ``value`` as ``aa:bb:cc:dd:ee:ff`` if it is a MAC address, else ``None``."""
    candidate = value.strip()
    if not any(p.fullmatch(candidate) for p in _MAC_PATTERNS):
        return None
    digits = re.sub(r"[^0-9a-f]", "", candidate.lower())
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def pseudonymise(value: str, key: bytes) -> str:
    """Keyed, stable pseudonym of a personal identifier (HMAC-SHA256, hex).

    Thailand's PDPA treats device MACs and user names as personal data; a keyed hash lets
    us count and correlate devices without storing the identifier, and without the key a
    pseudonym cannot be reversed by hashing every possible MAC. MAC addresses are first
    normalised so one device gets one pseudonym however the NAS spells its address.
    """
    if not key:
        raise ValueError("pseudonymisation needs a non-empty secret key")
    canonical = normalise_mac(value) or value
    return hmac.new(key, canonical.encode("utf-8"), hashlib.sha256).hexdigest()
