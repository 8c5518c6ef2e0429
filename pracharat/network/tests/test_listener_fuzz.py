"""Fuzzed datagrams over real UDP never stop the listener nor break a batch.

Three kinds of input: random octets, bit-flipped valid packets, and - the interesting one -
correctly *signed* packets with random attributes, which pass authentication and reach the
database handler with odd values (huge counters, NUL bytes, missing ids, unknown types)."""

from __future__ import annotations

import contextlib
import socket

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pracharat.network.listener import ListenerOptions, ListenerThread
from pracharat.network.radius import decode, encode_accounting_request
from pracharat.network.radius.dictionary import FIXED_LENGTH, AttrType, attribute
from pracharat.network.radius.server import ServerConfig
from pracharat.network.tests.conftest import SECRET

pytestmark = pytest.mark.django_db(transaction=True)

ACCOUNTING_ATTRIBUTES = [
    1,
    4,
    5,
    8,
    30,
    31,
    32,
    40,
    41,
    42,
    43,
    44,
    45,
    46,
    47,
    48,
    49,
    52,
    53,
    55,
    61,
    87,
    25,
]


def value_for(number: int):
    attr = attribute(number)
    if number == 40:  # Acct-Status-Type: mostly meaningful values
        return st.sampled_from([1, 2, 3, 7, 8, 9, 15, 0, 2**32 - 1]).map(
            lambda n: n.to_bytes(4, "big")
        )
    size = FIXED_LENGTH.get(attr.type)
    if size is not None:
        return st.binary(min_size=size, max_size=size)
    if attr.type is AttrType.STRING:
        return st.one_of(
            st.text(max_size=40).map(lambda s: s.encode()[:253] or b"x"),
            st.binary(min_size=1, max_size=80),
        )
    return st.binary(min_size=1, max_size=40)


signed_packets = st.lists(
    st.sampled_from(ACCOUNTING_ATTRIBUTES).flatmap(lambda n: st.tuples(st.just(n), value_for(n))),
    max_size=14,
).map(lambda pairs: encode_accounting_request(pairs, SECRET.encode(), 9))

VALID = encode_accounting_request(
    [
        ("Acct-Status-Type", "Start"),
        ("Acct-Session-Id", "alive"),
        ("User-Name", "u"),
        ("NAS-Identifier", "khlong-mem-ap"),
    ],
    SECRET.encode(),
    1,
)

flipped = st.tuples(st.integers(0, len(VALID) - 1), st.integers(1, 255)).map(
    lambda p: VALID[: p[0]] + bytes([VALID[p[0]] ^ p[1]]) + VALID[p[0] + 1 :]
)

datagrams = st.one_of(st.binary(max_size=300), flipped, signed_packets)


def test_fuzzed_datagrams_never_stop_the_listener(khlong_mem_nas):
    thread = ListenerThread(ListenerOptions(port=0, server=ServerConfig(max_delay=0.005)))
    host, port = thread.start()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.settimeout(0.02)
    try:

        @settings(
            max_examples=250,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        )
        @given(datagrams)
        def throw(data):
            sock.sendto(data, (host, port))
            with contextlib.suppress(TimeoutError):
                sock.recv(4096)

        throw()
        # Still alive and still storing: a fresh, valid packet is answered.
        sock.settimeout(5)
        fresh = encode_accounting_request(
            [
                ("Acct-Status-Type", "Start"),
                ("Acct-Session-Id", "after-fuzz"),
                ("User-Name", "u"),
                ("NAS-Identifier", "khlong-mem-ap"),
            ],
            SECRET.encode(),
            77,
        )
        sock.sendto(fresh, (host, port))
        # A fuzzed packet's answer may still be on its way (a loaded machine): skip those.
        answer = decode(sock.recv(4096))
        while answer.identifier != 77:
            answer = decode(sock.recv(4096))
        assert answer.code == 5
        stats = thread.server.stats
        assert stats.internal_errors == 0
        assert stats.handler_errors == 0, "a signed but odd packet broke a database batch"
    finally:
        sock.close()
        thread.stop()
