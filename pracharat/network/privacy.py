"""PDPA pseudonyms for the network pillar: user names, device MACs and client addresses.

The key comes from ``PDPA_HASH_KEY`` (or ``PDPA_HASH_KEY_FILE``); without it a key is derived
from ``SECRET_KEY``, so a development install works and production can rotate one without the
other. Changing the key changes every pseudonym: unique-user counts restart from then on.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from django.conf import settings

from pracharat.core.lib.env import env_str
from pracharat.network.radius import pseudonymise


@functools.cache
def pdpa_key() -> bytes:
    configured = env_str("PDPA_HASH_KEY")
    if configured:
        return configured.encode()
    return hmac.new(
        settings.SECRET_KEY.encode(), b"pracharat.network.pdpa", hashlib.sha256
    ).digest()


@functools.lru_cache(maxsize=65_536)
def pseudonym(value: str | None) -> str:
    """Keyed hash of a personal identifier; "" for a missing one. Cached: the same people
    and devices report every few minutes."""
    if not value:
        return ""
    return pseudonymise(value, pdpa_key())


def client_hash(ip_address: str | None) -> str:
    """Pseudonym of a client IP address, for rate-limiting public forms without storing it."""
    return pseudonym(f"ip:{ip_address or 'unknown'}")
