"""Pure RADIUS accounting building blocks (RFC 2865, RFC 2866, RFC 2869).

Nothing in this package imports Django: it decodes and answers Accounting-Request
packets, derives FreeRADIUS-compatible session keys and runs an asyncio UDP server
core. The Django app plugs in persistence and NAS secret lookup from outside.

Modules: :mod:`.dictionary` (attributes and values), :mod:`.values` (typed value codec),
:mod:`.packet` (wire format and authenticators), :mod:`.session_key` (Acct-Unique-Session-Id
and pseudonyms), :mod:`.server` (the asyncio server core).
"""

from .dictionary import AcctStatusType, AcctTerminateCause, NasPortType, attribute
from .packet import (
    MalformedPacket,
    Packet,
    accounting_response,
    decode,
    encode_accounting_request,
    octets64,
    timestamp_to_datetime,
    verify_accounting_request,
    verify_accounting_response,
)
from .server import AccountingRequest, AccountingServer, ServerConfig, ServerStats, serve
from .session_key import acct_unique_session_id, normalise_mac, pseudonymise

__all__ = [
    "AccountingRequest",
    "AccountingServer",
    "AcctStatusType",
    "AcctTerminateCause",
    "MalformedPacket",
    "NasPortType",
    "Packet",
    "ServerConfig",
    "ServerStats",
    "accounting_response",
    "acct_unique_session_id",
    "attribute",
    "decode",
    "encode_accounting_request",
    "normalise_mac",
    "octets64",
    "pseudonymise",
    "serve",
    "timestamp_to_datetime",
    "verify_accounting_request",
    "verify_accounting_response",
]
