"""The RADIUS attributes an accounting server needs, by number, with value types.

Numbers, names and types follow the IANA RADIUS registry as shipped in FreeRADIUS'
``dictionary.rfc*`` files, so names here match what ``radclient`` and NAS logs print.
Each attribute carries the RFC section that defines it; ``rfc`` is a human citation.

Value types (RFC 2865 §5 "Value" field and RFC 8044 data types):

* ``string``     text, 1-253 octets, UTF-8 by convention (RFC 2865 §5)
* ``octets``     opaque binary (RFC 2865 §5 "string")
* ``ipaddr``     4 octets, IPv4 address (RFC 2865 §5 "address")
* ``integer``    4 octets, unsigned, network byte order (RFC 2865 §5)
* ``date``       4 octets, seconds since 1970-01-01 00:00:00 UTC (RFC 2865 §5 "time")
* ``ipv6addr``   16 octets (RFC 3162 §2.1)
* ``ipv6prefix`` reserved octet, prefix length, up to 16 prefix octets (RFC 3162 §2.3)
* ``ifid``       8 octets, IPv6 interface identifier (RFC 3162 §2.2)
* ``vsa``        Vendor-Specific: 4-octet Vendor-Id then vendor data (RFC 2865 §5.26)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from types import MappingProxyType


class AttrType(StrEnum):
    """Wire representation of an attribute value."""

    STRING = "string"
    OCTETS = "octets"
    IPADDR = "ipaddr"
    INTEGER = "integer"
    DATE = "date"
    IPV6ADDR = "ipv6addr"
    IPV6PREFIX = "ipv6prefix"
    IFID = "ifid"
    VSA = "vsa"


#: Exact value length in octets for fixed-size types; a mismatch makes a packet malformed.
FIXED_LENGTH: Mapping[AttrType, int] = MappingProxyType(
    {
        AttrType.IPADDR: 4,
        AttrType.INTEGER: 4,
        AttrType.DATE: 4,
        AttrType.IPV6ADDR: 16,
        AttrType.IFID: 8,
    }
)


class Code(IntEnum):
    """Packet codes relevant to accounting (RFC 2865 §3, RFC 2866 §3/§4, RFC 5997)."""

    ACCESS_REQUEST = 1
    ACCESS_ACCEPT = 2
    ACCESS_REJECT = 3
    ACCOUNTING_REQUEST = 4
    ACCOUNTING_RESPONSE = 5
    ACCESS_CHALLENGE = 11
    STATUS_SERVER = 12


class AcctStatusType(IntEnum):
    """Acct-Status-Type values (RFC 2866 §5.1; 9-14 tunnel accounting, RFC 2867 §4.1)."""

    START = 1
    STOP = 2
    INTERIM_UPDATE = 3  # RFC 2866 §5.1 calls 3 "Interim-Update" (FreeRADIUS alias "Alive")
    ACCOUNTING_ON = 7
    ACCOUNTING_OFF = 8
    TUNNEL_START = 9
    TUNNEL_STOP = 10
    TUNNEL_REJECT = 11
    TUNNEL_LINK_START = 12
    TUNNEL_LINK_STOP = 13
    TUNNEL_LINK_REJECT = 14
    FAILED = 15


class AcctTerminateCause(IntEnum):
    """Why a session ended (RFC 2866 §5.10; 19-22 added by RFC 3580 for IEEE 802.1X)."""

    USER_REQUEST = 1
    LOST_CARRIER = 2
    LOST_SERVICE = 3
    IDLE_TIMEOUT = 4
    SESSION_TIMEOUT = 5
    ADMIN_RESET = 6
    ADMIN_REBOOT = 7
    PORT_ERROR = 8
    NAS_ERROR = 9
    NAS_REQUEST = 10
    NAS_REBOOT = 11
    PORT_UNNEEDED = 12
    PORT_PREEMPTED = 13
    PORT_SUSPENDED = 14
    SERVICE_UNAVAILABLE = 15
    CALLBACK = 16
    USER_ERROR = 17
    HOST_REQUEST = 18
    SUPPLICANT_RESTART = 19
    REAUTHENTICATION_FAILURE = 20
    PORT_REINIT = 21
    PORT_DISABLED = 22


class AcctAuthentic(IntEnum):
    """How the user was authenticated (RFC 2866 §5.6)."""

    RADIUS = 1
    LOCAL = 2
    REMOTE = 3


class NasPortType(IntEnum):
    """Physical port type of the NAS (RFC 2865 §5.41; 20-21 from RFC 3580)."""

    ASYNC = 0
    SYNC = 1
    ISDN = 2
    ISDN_V120 = 3
    ISDN_V110 = 4
    VIRTUAL = 5
    PIAFS = 6
    HDLC_CLEAR_CHANNEL = 7
    X25 = 8
    X75 = 9
    G3_FAX = 10
    SDSL = 11
    ADSL_CAP = 12
    ADSL_DMT = 13
    IDSL = 14
    ETHERNET = 15
    XDSL = 16
    CABLE = 17
    WIRELESS_OTHER = 18
    WIRELESS_802_11 = 19
    TOKEN_RING = 20
    FDDI = 21


class ServiceType(IntEnum):
    """Type of service requested/provided (RFC 2865 §5.6)."""

    LOGIN = 1
    FRAMED = 2
    CALLBACK_LOGIN = 3
    CALLBACK_FRAMED = 4
    OUTBOUND = 5
    ADMINISTRATIVE = 6
    NAS_PROMPT = 7
    AUTHENTICATE_ONLY = 8
    CALLBACK_NAS_PROMPT = 9
    CALL_CHECK = 10
    CALLBACK_ADMINISTRATIVE = 11


class FramedProtocol(IntEnum):
    """Framing used for framed access (RFC 2865 §5.7)."""

    PPP = 1
    SLIP = 2
    ARAP = 3
    GANDALF = 4
    XYLOGICS = 5
    X75_SYNC = 6


# Value names exactly as FreeRADIUS' dictionary.rfc2865/2866/2867/3580 spell them, so logs and
# radclient input read the same. Keys are the enum values above.
SERVICE_TYPE_NAMES: Mapping[int, str] = MappingProxyType({
    1: "Login-User", 2: "Framed-User", 3: "Callback-Login-User", 4: "Callback-Framed-User",
    5: "Outbound-User", 6: "Administrative-User", 7: "NAS-Prompt-User", 8: "Authenticate-Only",
    9: "Callback-NAS-Prompt", 10: "Call-Check", 11: "Callback-Administrative",
})  # fmt: skip
FRAMED_PROTOCOL_NAMES: Mapping[int, str] = MappingProxyType({
    1: "PPP", 2: "SLIP", 3: "ARAP", 4: "Gandalf-SLML", 5: "Xylogics-IPX-SLIP",
    6: "X.75-Synchronous",
})  # fmt: skip
ACCT_STATUS_TYPE_NAMES: Mapping[int, str] = MappingProxyType({
    1: "Start", 2: "Stop", 3: "Interim-Update", 7: "Accounting-On", 8: "Accounting-Off",
    9: "Tunnel-Start", 10: "Tunnel-Stop", 11: "Tunnel-Reject", 12: "Tunnel-Link-Start",
    13: "Tunnel-Link-Stop", 14: "Tunnel-Link-Reject", 15: "Failed",
})  # fmt: skip
ACCT_TERMINATE_CAUSE_NAMES: Mapping[int, str] = MappingProxyType({
    1: "User-Request", 2: "Lost-Carrier", 3: "Lost-Service", 4: "Idle-Timeout",
    5: "Session-Timeout", 6: "Admin-Reset", 7: "Admin-Reboot", 8: "Port-Error", 9: "NAS-Error",
    10: "NAS-Request", 11: "NAS-Reboot", 12: "Port-Unneeded", 13: "Port-Preempted",
    14: "Port-Suspended", 15: "Service-Unavailable", 16: "Callback", 17: "User-Error",
    18: "Host-Request", 19: "Supplicant-Restart", 20: "Reauthentication-Failure",
    21: "Port-Reinit", 22: "Port-Disabled",
})  # fmt: skip
ACCT_AUTHENTIC_NAMES: Mapping[int, str] = MappingProxyType({1: "RADIUS", 2: "Local", 3: "Remote"})
NAS_PORT_TYPE_NAMES: Mapping[int, str] = MappingProxyType({
    0: "Async", 1: "Sync", 2: "ISDN", 3: "ISDN-V120", 4: "ISDN-V110", 5: "Virtual", 6: "PIAFS",
    7: "HDLC-Clear-Channel", 8: "X.25", 9: "X.75", 10: "G.3-Fax", 11: "SDSL", 12: "ADSL-CAP",
    13: "ADSL-DMT", 14: "IDSL", 15: "Ethernet", 16: "xDSL", 17: "Cable", 18: "Wireless-Other",
    19: "Wireless-802.11", 20: "Token-Ring", 21: "FDDI",
})  # fmt: skip


@dataclass(frozen=True, slots=True)
class AttributeDef:
    """One dictionary entry: number, canonical name, wire type and defining RFC section."""

    number: int
    name: str
    type: AttrType
    rfc: str
    values: Mapping[int, str] = field(default_factory=dict)


# The numbers that code reads by number (the codec, the server, the session key, the handler):
# defined once here, used in the table below, imported everywhere else.
USER_NAME = 1  # RFC 2865 §5.1
NAS_IP_ADDRESS = 4  # RFC 2865 §5.4
NAS_PORT = 5  # RFC 2865 §5.5
CLASS = 25  # RFC 2865 §5.25
VENDOR_SPECIFIC = 26  # RFC 2865 §5.26
CALLING_STATION_ID = 31  # RFC 2865 §5.31
NAS_IDENTIFIER = 32  # RFC 2865 §5.32
PROXY_STATE = 33  # RFC 2865 §5.33
ACCT_STATUS_TYPE = 40  # RFC 2866 §5.1
ACCT_DELAY_TIME = 41  # RFC 2866 §5.2
ACCT_INPUT_OCTETS = 42  # RFC 2866 §5.3
ACCT_OUTPUT_OCTETS = 43  # RFC 2866 §5.4
ACCT_SESSION_ID = 44  # RFC 2866 §5.5
ACCT_SESSION_TIME = 46  # RFC 2866 §5.7
ACCT_TERMINATE_CAUSE = 49  # RFC 2866 §5.10
ACCT_INPUT_GIGAWORDS = 52  # RFC 2869 §5.1
ACCT_OUTPUT_GIGAWORDS = 53  # RFC 2869 §5.2
EVENT_TIMESTAMP = 55  # RFC 2869 §5.3
MESSAGE_AUTHENTICATOR = 80  # RFC 2869 §5.14
NAS_PORT_ID = 87  # RFC 2869 §5.17
NAS_IPV6_ADDRESS = 95  # RFC 3162 §2.1

# Short aliases keep the table below one attribute per line.
_S = AttrType.STRING
_O = AttrType.OCTETS
_A = AttrType.IPADDR
_I = AttrType.INTEGER
_D = AttrType.DATE

_DEFINITIONS: tuple[AttributeDef, ...] = (
    # RFC 2865 §5.x: section number equals the attribute number for 1-39.
    AttributeDef(USER_NAME, "User-Name", _S, "RFC 2865 §5.1"),
    AttributeDef(2, "User-Password", _O, "RFC 2865 §5.2"),
    AttributeDef(3, "CHAP-Password", _O, "RFC 2865 §5.3"),
    AttributeDef(NAS_IP_ADDRESS, "NAS-IP-Address", _A, "RFC 2865 §5.4"),
    AttributeDef(NAS_PORT, "NAS-Port", _I, "RFC 2865 §5.5"),
    AttributeDef(6, "Service-Type", _I, "RFC 2865 §5.6", SERVICE_TYPE_NAMES),
    AttributeDef(7, "Framed-Protocol", _I, "RFC 2865 §5.7", FRAMED_PROTOCOL_NAMES),
    AttributeDef(8, "Framed-IP-Address", _A, "RFC 2865 §5.8"),
    AttributeDef(9, "Framed-IP-Netmask", _A, "RFC 2865 §5.9"),
    AttributeDef(10, "Framed-Routing", _I, "RFC 2865 §5.10"),
    AttributeDef(11, "Filter-Id", _S, "RFC 2865 §5.11"),
    AttributeDef(12, "Framed-MTU", _I, "RFC 2865 §5.12"),
    AttributeDef(13, "Framed-Compression", _I, "RFC 2865 §5.13"),
    AttributeDef(14, "Login-IP-Host", _A, "RFC 2865 §5.14"),
    AttributeDef(15, "Login-Service", _I, "RFC 2865 §5.15"),
    AttributeDef(16, "Login-TCP-Port", _I, "RFC 2865 §5.16"),
    AttributeDef(18, "Reply-Message", _S, "RFC 2865 §5.18"),
    AttributeDef(19, "Callback-Number", _S, "RFC 2865 §5.19"),
    AttributeDef(20, "Callback-Id", _S, "RFC 2865 §5.20"),
    AttributeDef(22, "Framed-Route", _S, "RFC 2865 §5.22"),
    AttributeDef(23, "Framed-IPX-Network", _A, "RFC 2865 §5.23"),
    AttributeDef(24, "State", _O, "RFC 2865 §5.24"),
    # Class is echoed by the NAS from the Access-Accept into accounting (RFC 2865 §5.25).
    AttributeDef(CLASS, "Class", _O, "RFC 2865 §5.25"),
    AttributeDef(VENDOR_SPECIFIC, "Vendor-Specific", AttrType.VSA, "RFC 2865 §5.26"),
    AttributeDef(27, "Session-Timeout", _I, "RFC 2865 §5.27"),
    AttributeDef(28, "Idle-Timeout", _I, "RFC 2865 §5.28"),
    AttributeDef(29, "Termination-Action", _I, "RFC 2865 §5.29"),
    AttributeDef(30, "Called-Station-Id", _S, "RFC 2865 §5.30"),
    AttributeDef(CALLING_STATION_ID, "Calling-Station-Id", _S, "RFC 2865 §5.31"),
    AttributeDef(NAS_IDENTIFIER, "NAS-Identifier", _S, "RFC 2865 §5.32"),
    AttributeDef(PROXY_STATE, "Proxy-State", _O, "RFC 2865 §5.33"),
    AttributeDef(60, "CHAP-Challenge", _O, "RFC 2865 §5.40"),
    AttributeDef(61, "NAS-Port-Type", _I, "RFC 2865 §5.41", NAS_PORT_TYPE_NAMES),
    AttributeDef(62, "Port-Limit", _I, "RFC 2865 §5.42"),
    # RFC 2866 §5.x: accounting attributes 40-51.
    AttributeDef(ACCT_STATUS_TYPE, "Acct-Status-Type", _I, "RFC 2866 §5.1", ACCT_STATUS_TYPE_NAMES),
    AttributeDef(ACCT_DELAY_TIME, "Acct-Delay-Time", _I, "RFC 2866 §5.2"),
    AttributeDef(ACCT_INPUT_OCTETS, "Acct-Input-Octets", _I, "RFC 2866 §5.3"),
    AttributeDef(ACCT_OUTPUT_OCTETS, "Acct-Output-Octets", _I, "RFC 2866 §5.4"),
    AttributeDef(ACCT_SESSION_ID, "Acct-Session-Id", _S, "RFC 2866 §5.5"),
    AttributeDef(45, "Acct-Authentic", _I, "RFC 2866 §5.6", ACCT_AUTHENTIC_NAMES),
    AttributeDef(ACCT_SESSION_TIME, "Acct-Session-Time", _I, "RFC 2866 §5.7"),
    AttributeDef(47, "Acct-Input-Packets", _I, "RFC 2866 §5.8"),
    AttributeDef(48, "Acct-Output-Packets", _I, "RFC 2866 §5.9"),
    AttributeDef(
        ACCT_TERMINATE_CAUSE,
        "Acct-Terminate-Cause",
        _I,
        "RFC 2866 §5.10",
        ACCT_TERMINATE_CAUSE_NAMES,
    ),
    AttributeDef(50, "Acct-Multi-Session-Id", _S, "RFC 2866 §5.11"),
    AttributeDef(51, "Acct-Link-Count", _I, "RFC 2866 §5.12"),
    # RFC 2869 §5.x: extensions.
    AttributeDef(ACCT_INPUT_GIGAWORDS, "Acct-Input-Gigawords", _I, "RFC 2869 §5.1"),
    AttributeDef(ACCT_OUTPUT_GIGAWORDS, "Acct-Output-Gigawords", _I, "RFC 2869 §5.2"),
    AttributeDef(EVENT_TIMESTAMP, "Event-Timestamp", _D, "RFC 2869 §5.3"),
    AttributeDef(77, "Connect-Info", _S, "RFC 2869 §5.11"),
    AttributeDef(79, "EAP-Message", _O, "RFC 2869 §5.13"),
    AttributeDef(MESSAGE_AUTHENTICATOR, "Message-Authenticator", _O, "RFC 2869 §5.14"),
    AttributeDef(85, "Acct-Interim-Interval", _I, "RFC 2869 §5.16"),
    AttributeDef(NAS_PORT_ID, "NAS-Port-Id", _S, "RFC 2869 §5.17"),
    AttributeDef(88, "Framed-Pool", _S, "RFC 2869 §5.18"),
    # Later RFCs that NAS devices commonly put into accounting packets.
    AttributeDef(89, "Chargeable-User-Identity", _O, "RFC 4372 §2"),
    AttributeDef(NAS_IPV6_ADDRESS, "NAS-IPv6-Address", AttrType.IPV6ADDR, "RFC 3162 §2.1"),
    AttributeDef(96, "Framed-Interface-Id", AttrType.IFID, "RFC 3162 §2.2"),
    AttributeDef(97, "Framed-IPv6-Prefix", AttrType.IPV6PREFIX, "RFC 3162 §2.3"),
    AttributeDef(98, "Login-IPv6-Host", AttrType.IPV6ADDR, "RFC 3162 §2.4"),
    AttributeDef(99, "Framed-IPv6-Route", _S, "RFC 3162 §2.5"),
    AttributeDef(100, "Framed-IPv6-Pool", _S, "RFC 3162 §2.6"),
    AttributeDef(123, "Delegated-IPv6-Prefix", AttrType.IPV6PREFIX, "RFC 4818 §3"),
    AttributeDef(168, "Framed-IPv6-Address", AttrType.IPV6ADDR, "RFC 6911 §3.1"),
)

#: Attribute definitions by number.
ATTRIBUTES: Mapping[int, AttributeDef] = MappingProxyType({a.number: a for a in _DEFINITIONS})
_BY_NAME: Mapping[str, AttributeDef] = MappingProxyType({a.name.lower(): a for a in _DEFINITIONS})


def attribute(key: int | str) -> AttributeDef:
    """Look up an attribute by number or (case-insensitive) name.

    Unknown numbers yield a synthetic ``Attr-N`` octets definition, as FreeRADIUS does, so
    callers can still read attributes this dictionary does not know. Unknown names raise
    ``KeyError`` because they are almost always a typo.
    """
    if isinstance(key, int):
        if not 1 <= key <= 255:
            raise KeyError(f"RADIUS attribute numbers are 1-255, got {key}")
        return ATTRIBUTES.get(key) or AttributeDef(key, f"Attr-{key}", AttrType.OCTETS, "")
    found = _BY_NAME.get(key.lower())
    if found is None:
        if key.lower().startswith("attr-") and key[5:].isdigit():
            return attribute(int(key[5:]))
        raise KeyError(f"unknown RADIUS attribute {key!r}")
    return found


def value_name(key: int | str, value: int) -> str | None:
    """Return the dictionary name of an enumerated integer value, e.g. 1 -> ``"Start"``."""
    return attribute(key).values.get(value)
