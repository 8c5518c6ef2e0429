"""Codec and authenticator tests for pracharat.network.radius (no Django, no database)."""

from __future__ import annotations

import contextlib
import hashlib
import struct
from datetime import UTC, datetime

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pracharat.network.radius import dictionary, server, session_key
from pracharat.network.radius.dictionary import (
    ATTRIBUTES,
    FIXED_LENGTH,
    MESSAGE_AUTHENTICATOR,
    PROXY_STATE,
    AcctStatusType,
    AttrType,
    Code,
    attribute,
    value_name,
)
from pracharat.network.radius.packet import (
    MalformedPacket,
    Packet,
    accounting_response,
    decode,
    encode_accounting_request,
    encode_packet,
    octets64,
    timestamp_to_datetime,
    verify_accounting_request,
    verify_accounting_response,
)

SECRET = b"testing123"

# Captured from Debian's radclient 3.2.1 (freeradius-utils) sending, with secret
# "testing123": Acct-Status-Type = Interim-Update, User-Name = "somchai@village",
# Acct-Session-Id = "0A1B2C3D", NAS-IP-Address = 192.0.2.10, NAS-Port-Type =
# Wireless-802.11, Calling-Station-Id = "AA-BB-CC-DD-EE-FF", Acct-Input-Octets = 123456,
# Acct-Input-Gigawords = 1, Acct-Output-Octets = 654321, Event-Timestamp = 1735689600.
RADCLIENT_INTERIM = bytes.fromhex(
    "0474006cc2995b4cb8405f0f20d2d654f11939c32806000000030111736f6d636861694076696c6c61"
    "67652c0a30413142324333440406c000020a3d06000000131f1341412d42422d43432d44442d45452d"
    "46462a060001e2403406000000012b060009fbf1370667748580"
)

# A Stop with two Proxy-State attributes as built by encode_accounting_request, and the
# Accounting-Response FreeRADIUS 3.2.1 (radiusd -X, secret "testing123") sent back for it.
STOP_ATTRIBUTES = [
    ("Acct-Status-Type", "Stop"),
    ("User-Name", "somchai"),
    ("Acct-Session-Id", "5F3A0001"),
    ("NAS-IP-Address", "10.20.30.40"),
    ("Acct-Terminate-Cause", "Idle-Timeout"),
    ("Proxy-State", b"\x01\x02"),
    ("Proxy-State", b"village-7"),
]
STOP_REQUEST = bytes.fromhex(
    "0442004841c8342694d1c00f6c993199f5d909a32806000000020109736f6d636861692c0a35463341"
    "3030303104060a141e2831060000000421040102210b76696c6c6167652d37"
)
FREERADIUS_STOP_RESPONSE = bytes.fromhex(
    "054200232565a0a6d20c62a492303dad3a102e1a21040102210b76696c6c6167652d37"
)


def md5(data: bytes) -> bytes:
    return hashlib.md5(data, usedforsecurity=False).digest()


def header(code: int, identifier: int, length: int, authenticator: bytes = bytes(16)) -> bytes:
    return struct.pack("!BBH16s", code, identifier, length, authenticator)


# --- known vectors ---------------------------------------------------------------------


def test_request_authenticator_matches_rfc2866_formula_built_by_hand() -> None:
    attributes = (
        bytes([40, 6]) + (1).to_bytes(4, "big")  # Acct-Status-Type = Start
        + bytes([1, 9]) + b"somchai"  # User-Name
        + bytes([4, 6]) + bytes([10, 0, 0, 1])  # NAS-IP-Address = 10.0.0.1
    )  # fmt: skip
    length = 20 + len(attributes)
    code_id_length = bytes([4, 0x2A]) + length.to_bytes(2, "big")
    # RFC 2866 §3: MD5(Code + Identifier + Length + 16 zero octets + Attributes + Secret)
    authenticator = md5(code_id_length + bytes(16) + attributes + SECRET)
    expected = code_id_length + authenticator + attributes

    built = encode_accounting_request(
        [("Acct-Status-Type", "Start"), ("User-Name", "somchai"), ("NAS-IP-Address", "10.0.0.1")],
        SECRET,
        0x2A,
    )

    assert built == expected
    assert verify_accounting_request(expected, SECRET)


def test_response_authenticator_matches_rfc2866_formula_built_by_hand() -> None:
    request = encode_accounting_request({"Acct-Status-Type": 1}, SECRET, 9)
    request_auth = request[4:20]
    code_id_length = bytes([5, 9]) + (20).to_bytes(2, "big")
    # RFC 2866 §3: MD5(Code + ID + Length + RequestAuth + Attributes + Secret)
    expected = code_id_length + md5(code_id_length + request_auth + SECRET)

    assert accounting_response(request, SECRET) == expected
    assert accounting_response(decode(request), SECRET) == expected
    assert verify_accounting_response(expected, request_auth, SECRET)
    assert not verify_accounting_response(expected, bytes(16), SECRET)


def _response_built_in_full(request: Packet, secret: bytes) -> bytes:
    """The codec's whole path: encode the packet with the Request Authenticator in place, then
    put MD5(Code + Identifier + Length + Request Authenticator + Attributes + Secret) there
    (RFC 2866 §3)."""
    unsigned = encode_packet(
        Code.ACCOUNTING_RESPONSE, request.identifier, request.authenticator, []
    )
    return unsigned[:4] + md5(unsigned + secret) + unsigned[20:]


def test_the_precomputed_response_header_for_every_identifier() -> None:
    for identifier in range(256):
        raw = encode_accounting_request({"Acct-Status-Type": "Start"}, SECRET, identifier)
        request = decode(raw)
        fast = accounting_response(request, SECRET)
        assert fast == _response_built_in_full(request, SECRET)
        assert decode(fast) == Packet(Code.ACCOUNTING_RESPONSE, identifier, fast[4:20], [])
        assert verify_accounting_response(fast, raw[4:20], SECRET)


def test_radclient_packet_verifies_and_decodes() -> None:
    assert verify_accounting_request(RADCLIENT_INTERIM, SECRET)
    assert not verify_accounting_request(RADCLIENT_INTERIM, b"testing124")

    packet = decode(RADCLIENT_INTERIM)
    assert (packet.code, packet.identifier) == (4, 0x74)
    assert packet.get("Acct-Status-Type") == AcctStatusType.INTERIM_UPDATE
    assert packet.status_type == 3
    assert packet.get("User-Name") == "somchai@village"
    assert packet.get("acct-session-id") == "0A1B2C3D"
    assert packet.get("NAS-IP-Address") == "192.0.2.10"
    assert value_name("NAS-Port-Type", packet.get("NAS-Port-Type")) == "Wireless-802.11"  # type: ignore[arg-type]
    assert packet.get("Calling-Station-Id") == "AA-BB-CC-DD-EE-FF"
    assert packet.input_octets == 2**32 + 123456
    assert packet.output_octets == 654321
    assert packet.event_time == datetime(2025, 1, 1, tzinfo=UTC)
    assert packet.encode() == RADCLIENT_INTERIM


def test_response_is_byte_identical_to_freeradius() -> None:
    assert encode_accounting_request(STOP_ATTRIBUTES, SECRET, 0x42) == STOP_REQUEST
    assert accounting_response(STOP_REQUEST, SECRET) == FREERADIUS_STOP_RESPONSE
    assert verify_accounting_response(FREERADIUS_STOP_RESPONSE, STOP_REQUEST[4:20], SECRET)


def test_response_copies_proxy_state_in_order_and_nothing_else() -> None:
    response = decode(accounting_response(STOP_REQUEST, SECRET))
    assert response.code == 5
    assert response.identifier == 0x42
    assert response.attributes == [(33, b"\x01\x02"), (33, b"village-7")]


# --- typed access ----------------------------------------------------------------------


def test_typed_access_and_repeated_attributes() -> None:
    raw = encode_accounting_request(
        [
            ("Acct-Status-Type", "Accounting-On"),
            ("Class", b"first"),
            ("Class", b"second"),
            ("User-Name", b"\xff\xfebad"),
            ("NAS-IPv6-Address", "2001:db8::1"),
            ("Framed-IPv6-Prefix", "2001:db8:1::/48"),
            ("Delegated-IPv6-Prefix", "2001:db8:ff00::/56"),
            ("Framed-Interface-Id", "0211:22ff:fe33:4455"),
            ("Vendor-Specific", (14988, b"\x01\x07mikro")),
            (200, b"unknown"),
        ],
        SECRET,
        1,
    )
    packet = decode(raw)

    assert packet.get("Acct-Status-Type") == AcctStatusType.ACCOUNTING_ON
    assert packet.get("Class") == b"first"
    assert packet.get_all("Class") == [b"first", b"second"]
    assert packet.get("User-Name") == "\ufffd\ufffdbad"
    assert packet.get_raw("User-Name") == b"\xff\xfebad"
    assert packet.get("NAS-IPv6-Address") == "2001:db8::1"
    assert packet.get("Framed-IPv6-Prefix") == "2001:db8:1::/48"
    assert packet.get("Delegated-IPv6-Prefix") == "2001:db8:ff00::/56"
    assert packet.get("Framed-Interface-Id") == "0211:22ff:fe33:4455"
    assert packet.vendor_specific() == [(14988, b"\x01\x07mikro")]
    assert packet.get("Vendor-Specific") == (14988, b"\x01\x07mikro")
    assert packet.get(200) == b"unknown"
    assert packet.get("Attr-200") == b"unknown"
    assert packet.get("Acct-Session-Id") is None
    assert packet.get("Acct-Session-Id", "n/a") == "n/a"
    assert "Class" in packet and "User-Password" not in packet
    assert dict(packet.items())["Acct-Status-Type"] == 7


def test_the_named_attribute_numbers_are_the_dictionarys() -> None:
    """The numbers code reads by number are defined once, in the dictionary module; each names
    the attribute the table gives that number."""
    names = {
        "USER_NAME": "User-Name",
        "NAS_IP_ADDRESS": "NAS-IP-Address",
        "NAS_PORT": "NAS-Port",
        "CLASS": "Class",
        "VENDOR_SPECIFIC": "Vendor-Specific",
        "CALLING_STATION_ID": "Calling-Station-Id",
        "NAS_IDENTIFIER": "NAS-Identifier",
        "PROXY_STATE": "Proxy-State",
        "ACCT_STATUS_TYPE": "Acct-Status-Type",
        "ACCT_DELAY_TIME": "Acct-Delay-Time",
        "ACCT_INPUT_OCTETS": "Acct-Input-Octets",
        "ACCT_OUTPUT_OCTETS": "Acct-Output-Octets",
        "ACCT_SESSION_ID": "Acct-Session-Id",
        "ACCT_SESSION_TIME": "Acct-Session-Time",
        "ACCT_TERMINATE_CAUSE": "Acct-Terminate-Cause",
        "ACCT_INPUT_GIGAWORDS": "Acct-Input-Gigawords",
        "ACCT_OUTPUT_GIGAWORDS": "Acct-Output-Gigawords",
        "EVENT_TIMESTAMP": "Event-Timestamp",
        "MESSAGE_AUTHENTICATOR": "Message-Authenticator",
        "NAS_PORT_ID": "NAS-Port-Id",
        "NAS_IPV6_ADDRESS": "NAS-IPv6-Address",
    }
    for constant, name in names.items():
        assert ATTRIBUTES[getattr(dictionary, constant)].name == name
    for module in (server, session_key):
        assert module.NAS_IDENTIFIER is dictionary.NAS_IDENTIFIER


def test_unknown_attribute_name_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        Packet(4, 0, bytes(16)).get("No-Such-Attribute")


def test_64_bit_counters_and_timestamps() -> None:
    assert octets64(5, 2) == 2 * 2**32 + 5
    assert octets64(None, None) == 0
    assert octets64(2**32 - 1, None) == 2**32 - 1
    assert timestamp_to_datetime(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert timestamp_to_datetime(2**32 - 1).tzinfo is UTC


def test_encoder_rejects_what_it_cannot_send() -> None:
    with pytest.raises(ValueError, match="253"):
        encode_accounting_request({"User-Name": "x" * 254}, SECRET, 1)
    with pytest.raises(ValueError, match="4096"):
        encode_accounting_request([("Class", b"x" * 253)] * 17, SECRET, 1)
    with pytest.raises(ValueError, match="32 unsigned bits"):
        encode_accounting_request({"NAS-Port": 2**32}, SECRET, 1)
    with pytest.raises(ValueError, match="no value named"):
        encode_accounting_request({"Acct-Status-Type": "Begin"}, SECRET, 1)
    with pytest.raises(ValueError, match="secret"):
        encode_accounting_request({}, b"", 1)
    with pytest.raises(ValueError, match="identifier"):
        encode_accounting_request({}, SECRET, 256)
    with pytest.raises(TypeError):
        encode_accounting_request({"NAS-Port": 7.5}, SECRET, 1)
    with pytest.raises(ValueError, match="aware"):
        encode_accounting_request({"Event-Timestamp": datetime(2025, 1, 1)}, SECRET, 1)


def test_message_authenticator_is_checked_when_present() -> None:
    raw = encode_accounting_request(STOP_ATTRIBUTES, SECRET, 0x42, message_authenticator=True)
    assert verify_accounting_request(raw, SECRET)
    # Corrupt only the Message-Authenticator, then re-sign the Request Authenticator so the
    # RFC 2866 check alone would pass: the packet must still be refused.
    tampered = bytearray(raw)
    tampered[-1] ^= 0x01
    tampered[4:20] = md5(bytes(tampered[:4]) + bytes(16) + tampered[20:] + SECRET)
    assert not verify_accounting_request(bytes(tampered), SECRET)


# --- malformed input -------------------------------------------------------------------

MALFORMED = {
    "empty": b"",
    "short header": header(4, 1, 20)[:19],
    "length below 20": header(4, 1, 19),
    "length above 4096": header(4, 1, 4097) + bytes(4077),
    "length beyond datagram": header(4, 1, 30) + bytes([1, 3, 65]),
    "attribute type 0": header(4, 1, 23) + bytes([0, 3, 65]),
    "attribute length 0": header(4, 1, 22) + bytes([1, 0]),
    "attribute length 1": header(4, 1, 22) + bytes([1, 1]),
    "attribute overruns": header(4, 1, 24) + bytes([1, 9, 65, 66]),
    "lone attribute type octet": header(4, 1, 21) + bytes([1]),
    "integer of 3 octets": header(4, 1, 25) + bytes([40, 5, 0, 0, 1]),
    "integer of 5 octets": header(4, 1, 27) + bytes([5, 7, 0, 0, 0, 0, 1]),
    "ipaddr of 3 octets": header(4, 1, 25) + bytes([4, 5, 10, 0, 0]),
    "date of 2 octets": header(4, 1, 24) + bytes([55, 4, 0, 1]),
    "ipv6addr of 4 octets": header(4, 1, 26) + bytes([95, 6, 0, 0, 0, 1]),
    "ipv6prefix too long": header(4, 1, 25) + bytes([97, 5, 0, 129, 0]),
    "vsa without vendor id": header(4, 1, 24) + bytes([26, 4, 0, 0]),
}


@pytest.mark.parametrize("data", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_packets_raise_malformed_packet(data: bytes) -> None:
    with pytest.raises(MalformedPacket) as excinfo:
        decode(data)
    assert excinfo.value.reason
    assert not verify_accounting_request(data, SECRET)


def test_octets_beyond_length_are_padding() -> None:
    packet = decode(RADCLIENT_INTERIM + b"\xffpadding")
    assert packet == decode(RADCLIENT_INTERIM)
    assert verify_accounting_request(RADCLIENT_INTERIM + b"\xffpadding", SECRET)


def test_verify_refuses_other_codes_and_empty_secret() -> None:
    response = accounting_response(RADCLIENT_INTERIM, SECRET)
    assert not verify_accounting_request(response, SECRET)
    assert not verify_accounting_request(RADCLIENT_INTERIM, b"")


# --- properties ------------------------------------------------------------------------


def _valid_value(number: int) -> st.SearchStrategy[bytes]:
    kind = attribute(number).type
    if kind in FIXED_LENGTH:
        return st.binary(min_size=FIXED_LENGTH[kind], max_size=FIXED_LENGTH[kind])
    if kind is AttrType.IPV6PREFIX:
        return st.builds(
            lambda plen, prefix: bytes([0, plen]) + prefix,
            st.integers(0, 128),
            st.binary(max_size=16),
        )
    if kind is AttrType.VSA:
        return st.binary(min_size=4, max_size=253)
    return st.binary(max_size=253)


attribute_numbers = st.one_of(st.sampled_from(sorted(ATTRIBUTES)), st.integers(1, 255))
attributes_strategy = st.lists(
    attribute_numbers.flatmap(lambda n: st.tuples(st.just(n), _valid_value(n))), max_size=15
)


@given(
    code=st.integers(0, 255),
    identifier=st.integers(0, 255),
    authenticator=st.binary(min_size=16, max_size=16),
    attributes=attributes_strategy,
)
def test_encode_decode_round_trip(
    code: int, identifier: int, authenticator: bytes, attributes: list[tuple[int, bytes]]
) -> None:
    raw = encode_packet(code, identifier, authenticator, attributes)
    packet = decode(raw)
    assert packet == Packet(code, identifier, authenticator, attributes)
    assert packet.encode() == raw
    for _name, _value in packet.items():  # every decoded attribute has a typed view
        pass


@given(attributes=attributes_strategy, identifier=st.integers(0, 255))
def test_signed_requests_round_trip_and_verify(
    attributes: list[tuple[int, bytes]], identifier: int
) -> None:
    assume(all(number != 80 for number, _ in attributes))  # Message-Authenticator is special
    raw = encode_accounting_request(attributes, SECRET, identifier)
    assert verify_accounting_request(raw, SECRET)
    assert decode(raw).attributes == attributes


@given(
    attributes=attributes_strategy,
    identifier=st.integers(0, 255),
    secret=st.binary(min_size=1, max_size=64),
)
def test_the_fast_response_equals_the_codecs_full_build(
    attributes: list[tuple[int, bytes]], identifier: int, secret: bytes
) -> None:
    """Without Proxy-State the answer is a precomputed header and one MD5: byte for byte what
    the codec builds in full, and it verifies as a NAS checks it (RFC 2866 §3)."""
    assume(all(number not in (PROXY_STATE, MESSAGE_AUTHENTICATOR) for number, _ in attributes))
    raw = encode_accounting_request(attributes, secret, identifier)
    fast = accounting_response(decode(raw), secret)
    assert fast == _response_built_in_full(decode(raw), secret)
    assert fast == accounting_response(raw, secret)
    assert verify_accounting_response(fast, raw[4:20], secret)
    assert not verify_accounting_response(fast, raw[4:20], secret + b"x")


@given(st.binary(max_size=5000))
def test_decoding_arbitrary_bytes_only_raises_malformed_packet(data: bytes) -> None:
    with contextlib.suppress(MalformedPacket):
        decode(data)


@given(
    length=st.integers(0, 0xFFFF),
    body=st.binary(max_size=300),
)
def test_decoding_arbitrary_bodies_only_raises_malformed_packet(length: int, body: bytes) -> None:
    data = header(4, 1, length) + body
    try:
        packet = decode(data)
    except MalformedPacket:
        return
    list(packet.items())  # typed access never fails on something decode accepted


def _attribute_shaped(type_: int, length: int | None, value: bytes) -> bytes:
    """One attribute; ``length=None`` means a consistent Length octet."""
    return bytes([type_, len(value) + 2 if length is None else length]) + value


# Mostly well-framed attributes with arbitrary types and contents, sometimes a lying Length,
# so decoding gets past framing into value validation.
attribute_shaped_garbage = st.lists(
    st.builds(
        _attribute_shaped,
        st.integers(0, 255),
        st.none() | st.integers(0, 255),
        st.binary(max_size=20),
    ),
    max_size=12,
).map(b"".join)


@settings(max_examples=300)
@given(body=attribute_shaped_garbage, slack=st.integers(-3, 3))
def test_decoding_attribute_shaped_garbage_only_raises_malformed_packet(
    body: bytes, slack: int
) -> None:
    data = header(4, 1, max(0, 20 + len(body) + slack)) + body
    try:
        packet = decode(data)
    except MalformedPacket:
        return
    list(packet.items())


@given(
    attributes=attributes_strategy,
    position=st.integers(min_value=0),
    flip=st.integers(1, 255),
    with_message_authenticator=st.booleans(),
)
def test_any_flipped_byte_fails_verification(
    attributes: list[tuple[int, bytes]], position: int, flip: int, with_message_authenticator: bool
) -> None:
    assume(all(number != 80 for number, _ in attributes))
    raw = bytearray(
        encode_accounting_request(
            attributes, SECRET, 7, message_authenticator=with_message_authenticator
        )
    )
    raw[position % len(raw)] ^= flip
    assert not verify_accounting_request(bytes(raw), SECRET)


@given(secret=st.binary(min_size=1, max_size=64))
def test_only_the_right_secret_verifies(secret: bytes) -> None:
    assume(secret != SECRET)
    assert not verify_accounting_request(RADCLIENT_INTERIM, secret)
