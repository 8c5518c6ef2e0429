"""The client's address behind trusted reverse proxies.

Behind nginx or a load balancer every request's socket address is the proxy's, so every limit
keyed by address (login lockouts, order look-ups, fault reports) would become one global limit.
``X-Forwarded-For`` cannot simply be believed either: a client writes whatever it likes there.
The rule (as in nginx's ``real_ip_recursive``): start from the socket address and, while that
hop is a proxy we trust, step one entry left in ``X-Forwarded-For``; the first hop we do not
trust is the client.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(items: Iterable[str]) -> tuple[Network, ...]:
    """``["127.0.0.1", "10.0.0.0/8", "::1"]`` as networks; a bad entry raises ValueError."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "192.0.2.1:5000"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def client_address(remote_addr: str, forwarded_for: str, trusted: tuple[Network, ...]) -> str:
    """The client's address as text; ``remote_addr`` itself when no trusted proxy is involved."""
    current = _address(remote_addr or "")
    if current is None:
        return remote_addr or ""
    hops = [hop for hop in (forwarded_for or "").split(",") if hop.strip()]
    while trusted and any(current in network for network in trusted) and hops:
        candidate = _address(hops.pop())
        if candidate is None:  # a garbled entry: stop at the last address we could read
            break
        current = candidate
    return str(current)
