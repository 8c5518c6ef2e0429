"""RADIUS packet codec and accounting authenticators (RFC 2865 §3, RFC 2866 §3).

Wire format (RFC 2865 §3, reused by RFC 2866 §3)::

    Code (1) | Identifier (1) | Length (2) | Authenticator (16) | Attributes ...
    Attribute: Type (1) | Length (1, includes these two octets) | Value (Length - 2)

Decoding keeps every attribute as raw ``(type, value)`` octets in packet order, so a
decoded packet re-encodes to exactly the bytes that were signed. Typed views are computed
on access from the dictionary.
"""

from __future__ import annotations

import hashlib
import hmac
import struct
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from .dictionary import (
    FIXED_LENGTH,
    MESSAGE_AUTHENTICATOR,
    PROXY_STATE,
    VENDOR_SPECIFIC,
    AttributeDef,
    AttrType,
    Code,
    attribute,
)
from .values import Value, decode_value, encode_value, octets64, timestamp_to_datetime, validate

__all__ = [
    "AUTHENTICATOR_LENGTH",
    "HEADER_LENGTH",
    "MAX_PACKET_LENGTH",
    "MalformedPacket",
    "Packet",
    "accounting_response",
    "decode",
    "encode_accounting_request",
    "encode_attribute",
    "encode_packet",
    "octets64",
    "timestamp_to_datetime",
    "verify_accounting_request",
    "verify_accounting_response",
]

HEADER_LENGTH = 20  # RFC 2865 §3: minimum Length
MAX_PACKET_LENGTH = 4096  # RFC 2865 §3: maximum Length
AUTHENTICATOR_LENGTH = 16
MAX_VALUE_LENGTH = 253  # RFC 2865 §5: Length is one octet and includes Type and Length

_HEADER = struct.Struct("!BBH16s")
_ZERO_AUTHENTICATOR = bytes(AUTHENTICATOR_LENGTH)

AttributeKey = int | str
#: Attributes given to the encoder: a mapping, or pairs when order or repeats matter.
AttributeInput = Mapping[AttributeKey, object] | Iterable[tuple[AttributeKey, object]]


class MalformedPacket(ValueError):
    """The octets are not a well-formed RADIUS packet; ``reason`` says why.

    RFC 2865 §3: a packet that fails these checks is silently discarded, so callers count
    and log it but never answer it.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(slots=True)
class Packet:
    """A decoded RADIUS packet: header fields plus raw attributes in wire order.

    ``attributes`` keeps repeats (e.g. several Class or Proxy-State attributes) because
    RFC 2865 §5 lets order among same-type attributes carry meaning.
    """

    code: int
    identifier: int
    authenticator: bytes
    attributes: list[tuple[int, bytes]] = field(default_factory=list)
    # The first raw value of each attribute number, as :func:`decode` found them (the hot path
    # reads a dozen attributes of every packet: one dict lookup each instead of a scan).
    # Built on first use for a packet made by hand; not part of equality.
    _first: dict[int, bytes] | None = field(default=None, compare=False, repr=False)

    @property
    def first(self) -> dict[int, bytes]:
        """Attribute number -> its first raw value (read-only by convention)."""
        first = self._first
        if first is None:
            first = {}
            for type_, value in self.attributes:
                if type_ not in first:
                    first[type_] = value
            self._first = first
        return first

    def raw_values(self, key: AttributeKey) -> list[bytes]:
        """All raw values of one attribute, in packet order."""
        number = _number(key)
        return [value for type_, value in self.attributes if type_ == number]

    def get_raw(self, key: AttributeKey) -> bytes | None:
        """The first raw value of an attribute, or ``None``."""
        return self.first.get(_number(key))

    def get(self, key: AttributeKey, default: Value | None = None) -> Value | None:
        """The first value of an attribute, typed by the dictionary.

        ``integer`` -> int, ``string`` -> str (UTF-8, invalid octets replaced), ``ipaddr``
        and ``ipv6addr`` -> address text, ``date`` -> aware UTC datetime, ``octets`` ->
        bytes, Vendor-Specific -> ``(vendor_id, data)``.
        """
        attr = attribute(key)
        raw = self.get_raw(attr.number)
        return default if raw is None else decode_value(attr, raw)

    def get_all(self, key: AttributeKey) -> list[Value]:
        """Every value of an attribute, typed, in packet order."""
        attr = attribute(key)
        return [decode_value(attr, raw) for raw in self.raw_values(attr.number)]

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, int | str):
            return False
        return bool(self.raw_values(key))

    def items(self) -> Iterator[tuple[str, Value]]:
        """``(name, typed value)`` for every attribute, in packet order (for logs/storage)."""
        for number, raw in self.attributes:
            attr = attribute(number)
            yield attr.name, decode_value(attr, raw)

    def vendor_specific(self) -> list[tuple[int, bytes]]:
        """Vendor-Specific attributes as ``(vendor_id, vendor data)``, kept raw.

        RFC 2865 §5.26 only fixes the Vendor-Id; the rest is each vendor's business, so
        it is left to callers that know the vendor.
        """
        return [
            (int.from_bytes(raw[:4], "big"), raw[4:]) for raw in self.raw_values(VENDOR_SPECIFIC)
        ]

    @property
    def status_type(self) -> int | None:
        """Acct-Status-Type (RFC 2866 §5.1), e.g. 1 Start, 2 Stop, 3 Interim-Update."""
        value = self.get("Acct-Status-Type")
        return value if isinstance(value, int) else None

    @property
    def input_octets(self) -> int:
        """64-bit Acct-Input-Octets including Acct-Input-Gigawords (RFC 2869 §5.1)."""
        return octets64(self._int("Acct-Input-Octets"), self._int("Acct-Input-Gigawords"))

    @property
    def output_octets(self) -> int:
        """64-bit Acct-Output-Octets including Acct-Output-Gigawords (RFC 2869 §5.2)."""
        return octets64(self._int("Acct-Output-Octets"), self._int("Acct-Output-Gigawords"))

    @property
    def event_time(self) -> datetime | None:
        """Event-Timestamp (RFC 2869 §5.3) as an aware UTC datetime, if present."""
        value = self.get("Event-Timestamp")
        return value if isinstance(value, datetime) else None

    def _int(self, key: str) -> int | None:
        value = self.get(key)
        return value if isinstance(value, int) else None

    def encode(self) -> bytes:
        """Wire octets with the stored authenticator (no signing)."""
        return encode_packet(self.code, self.identifier, self.authenticator, self.attributes)


_NUMBERS: dict[AttributeKey, int] = {}


def _number(key: AttributeKey) -> int:
    """An attribute's number from its number or name (names resolved once: the hot path asks
    for the same few on every packet)."""
    number = _NUMBERS.get(key)
    if number is None:
        number = attribute(key).number
        if len(_NUMBERS) < 1024:
            _NUMBERS[key] = number
    return number


def _size_rules() -> list[int | None]:
    """Per attribute number: the only valid value size (fixed-size types), -1 when the value
    needs :func:`validate`'s other checks, ``None`` when any size will do."""
    rules: list[int | None] = [None] * 256
    for number in range(1, 256):
        attr = attribute(number)
        rules[number] = FIXED_LENGTH.get(attr.type)
        if attr.type in (AttrType.IPV6PREFIX, AttrType.VSA):
            rules[number] = -1
    return rules


_SIZE_RULES = _size_rules()


def decode(data: bytes) -> Packet:
    """Parse one UDP payload into a :class:`Packet`, validating structure and value sizes.

    RFC 2865 §3: octets beyond the Length field are padding and are ignored; a datagram
    shorter than Length, or a Length outside 20-4096, is malformed. Attributes of type 0,
    or whose length is below 2 or overruns the packet, are malformed (RFC 2865 §5), as are
    known fixed-size attributes of the wrong size (see :mod:`.values`).
    """
    if len(data) < HEADER_LENGTH:
        raise MalformedPacket(f"packet is {len(data)} octets, shorter than the 20-octet header")
    code, identifier, length, authenticator = _HEADER.unpack_from(data)
    if not HEADER_LENGTH <= length <= MAX_PACKET_LENGTH:
        raise MalformedPacket(f"Length field {length} is outside 20-4096")
    if length > len(data):
        raise MalformedPacket(f"Length field {length} exceeds the {len(data)} octets received")
    attributes: list[tuple[int, bytes]] = []
    first: dict[int, bytes] = {}
    append = attributes.append
    rules = _SIZE_RULES
    offset = HEADER_LENGTH
    # The packet path's hottest loop: one comparison decides that an attribute is well formed;
    # only a bad one goes to _malformed for its reason.
    while offset < length:
        if length - offset < 2:
            raise MalformedPacket(f"attribute header truncated at offset {offset}")
        type_ = data[offset]
        attr_length = data[offset + 1]
        end = offset + attr_length
        if type_ == 0 or attr_length < 2 or end > length:
            raise _malformed(type_, attr_length, offset)
        value = data[offset + 2 : end]
        rule = rules[type_]
        # The size table says at once whether validate() can object; only then is it asked
        # (for the reason's text, or for the few types with other checks).
        if rule is not None and rule != attr_length - 2:
            reason = validate(attribute(type_), value)
            if reason is not None:
                raise MalformedPacket(reason)
        append((type_, value))
        if type_ not in first:
            first[type_] = value
        offset = end
    return Packet(code, identifier, authenticator, attributes, first)


def _malformed(type_: int, attr_length: int, offset: int) -> MalformedPacket:
    if type_ == 0:
        return MalformedPacket(f"attribute type 0 (reserved) at offset {offset}")
    if attr_length < 2:
        return MalformedPacket(f"attribute {type_} has length {attr_length} < 2")
    return MalformedPacket(f"attribute {type_} at offset {offset} overruns the packet")


def encode_attribute(key: AttributeKey, value: object) -> tuple[int, bytes]:
    """Resolve an attribute name/number and encode a Python value for it."""
    attr: AttributeDef = attribute(key)
    raw = encode_value(attr, value)
    if len(raw) > MAX_VALUE_LENGTH:
        raise ValueError(f"{attr.name} value is {len(raw)} octets; RADIUS allows 253")
    return attr.number, raw


def encode_packet(
    code: int, identifier: int, authenticator: bytes, attributes: Iterable[tuple[int, bytes]]
) -> bytes:
    """Serialise header and raw attributes; raise ``ValueError`` if RFC 2865 limits break."""
    if not 0 <= identifier <= 255:
        raise ValueError(f"identifier must be 0-255, got {identifier}")
    if len(authenticator) != AUTHENTICATOR_LENGTH:
        raise ValueError("authenticator must be 16 octets")
    body = bytearray()
    for type_, value in attributes:
        if not 1 <= type_ <= 255 or len(value) > MAX_VALUE_LENGTH:
            raise ValueError(f"attribute {type_} with {len(value)} octets cannot be encoded")
        body += bytes([type_, len(value) + 2]) + value
    length = HEADER_LENGTH + len(body)
    if length > MAX_PACKET_LENGTH:
        raise ValueError(f"packet would be {length} octets; RADIUS allows 4096")
    return _HEADER.pack(code, identifier, length, authenticator) + body


def _normalise_attributes(attributes: AttributeInput) -> list[tuple[int, bytes]]:
    pairs = attributes.items() if isinstance(attributes, Mapping) else attributes
    return [encode_attribute(key, value) for key, value in pairs]


def _md5(*parts: bytes) -> bytes:
    # RFC 2866 §3 mandates MD5 for the authenticator; this is not a security choice of ours.
    return hashlib.md5(b"".join(parts), usedforsecurity=False).digest()


def encode_accounting_request(
    attributes: AttributeInput,
    secret: bytes,
    identifier: int,
    *,
    message_authenticator: bool = False,
) -> bytes:
    """Build a signed Accounting-Request, as a NAS or ``radclient`` would send it.

    RFC 2866 §3: Request Authenticator = MD5(Code + Identifier + Length + 16 zero octets
    + Attributes + Secret). With ``message_authenticator`` a Message-Authenticator
    (RFC 2869 §5.14) is appended first, computed as HMAC-MD5 over the packet with both
    authenticators zeroed, which is how FreeRADIUS signs and checks accounting packets.
    """
    _require_secret(secret)
    pairs = _normalise_attributes(attributes)
    if message_authenticator:
        pairs.append((MESSAGE_AUTHENTICATOR, _ZERO_AUTHENTICATOR))
    unsigned = encode_packet(Code.ACCOUNTING_REQUEST, identifier, _ZERO_AUTHENTICATOR, pairs)
    if message_authenticator:
        mac = hmac.new(secret, unsigned, "md5").digest()
        unsigned = unsigned[:-AUTHENTICATOR_LENGTH] + mac
    authenticator = _md5(unsigned, secret)
    return unsigned[:4] + authenticator + unsigned[HEADER_LENGTH:]


def verify_accounting_request(raw: bytes, secret: bytes) -> bool:
    """Check an Accounting-Request's authenticators against the shared secret.

    RFC 2866 §3: the Request Authenticator must equal MD5(Code + Identifier + Length +
    16 zero octets + Attributes + Secret), computed over the first Length octets. If a
    Message-Authenticator is present it must verify too (exactly one, HMAC-MD5 keyed with
    the secret over the packet with both authenticator fields zeroed, as FreeRADIUS does).
    Returns ``False`` for malformed input, non-accounting codes or an empty secret.
    """
    if not secret:
        return False
    try:
        packet = decode(raw)
    except MalformedPacket:
        return False
    return verify_decoded_request(packet, raw, secret)


def verify_decoded_request(packet: Packet, raw: bytes, secret: bytes) -> bool:
    """:func:`verify_accounting_request` for a packet the caller already decoded from
    ``raw`` (the server's hot path decodes each datagram once)."""
    if not secret or packet.code != Code.ACCOUNTING_REQUEST:
        return False
    digest = hashlib.md5(raw[:4], usedforsecurity=False)  # RFC 2866 §3 mandates MD5
    digest.update(_ZERO_AUTHENTICATOR)
    digest.update(raw[HEADER_LENGTH : _length(raw)])
    digest.update(secret)
    if not hmac.compare_digest(digest.digest(), packet.authenticator):
        return False
    return MESSAGE_AUTHENTICATOR not in packet.first or _message_authenticator_ok(packet, secret)


def _message_authenticator_ok(packet: Packet, secret: bytes) -> bool:
    macs = packet.raw_values(MESSAGE_AUTHENTICATOR)
    if not macs:
        return True
    if len(macs) > 1 or len(macs[0]) != AUTHENTICATOR_LENGTH:
        return False  # RFC 3579 §3.2: at most one, always 16 octets
    zeroed = [
        (type_, _ZERO_AUTHENTICATOR if type_ == MESSAGE_AUTHENTICATOR else value)
        for type_, value in packet.attributes
    ]
    signed = encode_packet(packet.code, packet.identifier, _ZERO_AUTHENTICATOR, zeroed)
    return hmac.compare_digest(hmac.new(secret, signed, "md5").digest(), macs[0])


def _length(raw: bytes) -> int:
    return int.from_bytes(raw[2:4], "big")


def accounting_response(request: Packet | bytes, secret: bytes) -> bytes:
    """Build the Accounting-Response that acknowledges ``request``.

    RFC 2866 §4.2: code 5 with the request's Identifier. RFC 2866 §3: Response
    Authenticator = MD5(Code + Identifier + Length + Request Authenticator + Attributes
    + Secret). RFC 2865 §5.33 and the RFC 2866 §5.13 table: Proxy-State attributes of the
    request are copied unmodified and in order; nothing else is needed.
    """
    _require_secret(secret)
    packet = decode(request) if isinstance(request, bytes | bytearray) else request
    if PROXY_STATE not in packet.first:
        # The usual answer: the 20-octet header alone (one per stored request, so no encoder).
        header = _RESPONSE_HEADERS[packet.identifier]
        return header + _md5(header, packet.authenticator, secret)
    proxy_state = [(PROXY_STATE, value) for value in packet.raw_values(PROXY_STATE)]
    unsigned = encode_packet(
        Code.ACCOUNTING_RESPONSE, packet.identifier, packet.authenticator, proxy_state
    )
    authenticator = _md5(unsigned, secret)
    return unsigned[:4] + authenticator + unsigned[HEADER_LENGTH:]


# Code 5, each Identifier, Length 20: an Accounting-Response without attributes.
_RESPONSE_HEADERS = [
    bytes((Code.ACCOUNTING_RESPONSE, identifier)) + HEADER_LENGTH.to_bytes(2, "big")
    for identifier in range(256)
]


def verify_status_server(packet: Packet, secret: bytes) -> bool:
    """RFC 5997 §3: a Status-Server must carry exactly one Message-Authenticator, the HMAC-MD5
    (keyed with the secret) of the packet with that attribute zeroed and the Request
    Authenticator as sent; without one it is silently discarded."""
    if not secret or packet.code != Code.STATUS_SERVER:
        return False
    macs = packet.raw_values(MESSAGE_AUTHENTICATOR)
    if len(macs) != 1 or len(macs[0]) != AUTHENTICATOR_LENGTH:
        return False
    zeroed = [
        (type_, _ZERO_AUTHENTICATOR if type_ == MESSAGE_AUTHENTICATOR else value)
        for type_, value in packet.attributes
    ]
    signed = encode_packet(packet.code, packet.identifier, packet.authenticator, zeroed)
    return hmac.compare_digest(hmac.new(secret, signed, "md5").digest(), macs[0])


def status_response(request: Packet, secret: bytes) -> bytes:
    """The answer to a Status-Server on the accounting port (RFC 5997 §3, §4.2): an
    Accounting-Response with a Message-Authenticator (computed with the Request Authenticator
    in its field, RFC 3579 §3.2), then the Response Authenticator over the whole (RFC 2866 §3)."""
    _require_secret(secret)
    pairs = [(MESSAGE_AUTHENTICATOR, _ZERO_AUTHENTICATOR)]
    unsigned = encode_packet(
        Code.ACCOUNTING_RESPONSE, request.identifier, request.authenticator, pairs
    )
    mac = hmac.new(secret, unsigned, "md5").digest()
    unsigned = unsigned[:-AUTHENTICATOR_LENGTH] + mac
    authenticator = _md5(unsigned, secret)
    return unsigned[:4] + authenticator + unsigned[HEADER_LENGTH:]


def verify_accounting_response(raw: bytes, request_authenticator: bytes, secret: bytes) -> bool:
    """Check an Accounting-Response against the authenticator of the request it answers.

    This is what a NAS does (RFC 2866 §3); the traffic simulator and the tests use it.
    """
    try:
        packet = decode(raw)
    except MalformedPacket:
        return False
    if packet.code != Code.ACCOUNTING_RESPONSE or not secret:
        return False
    length = _length(raw)
    expected = _md5(bytes(raw[:4]), request_authenticator, bytes(raw[HEADER_LENGTH:length]), secret)
    return hmac.compare_digest(expected, packet.authenticator)


def _require_secret(secret: bytes) -> None:
    if not isinstance(secret, bytes) or not secret:
        # RFC 2865 §3: the secret MUST NOT be empty; a str here is a caller bug.
        raise ValueError("the shared secret must be non-empty bytes")
