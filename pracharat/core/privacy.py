"""PDPA pseudonyms shared by every pillar: one key, one keyed hash.

The key comes from ``settings.PDPA_HASH_KEY`` (env ``PDPA_HASH_KEY`` or ``PDPA_HASH_KEY_FILE``);
without it a key is derived from ``SECRET_KEY``, so a development install works and production
can rotate one without the other. Changing the key changes every pseudonym: unique-user counts
restart from then on.
"""

from __future__ import annotations

import functools
import hashlib
import hmac

from django.conf import settings


def pdpa_key() -> bytes:
    """Read at each call, so a changed setting takes effect at once (the derivation from
    ``SECRET_KEY``, an HMAC, is remembered per secret)."""
    configured = settings.PDPA_HASH_KEY
    if configured:
        return configured.encode()
    return _derived_key(settings.SECRET_KEY)


@functools.lru_cache(maxsize=8)
def _derived_key(secret_key: str) -> bytes:
    return hmac.new(secret_key.encode(), b"pracharat.network.pdpa", hashlib.sha256).digest()


def keyed_hash(value: str) -> str:
    """HMAC-SHA256 of ``value`` under the PDPA key, as hex (64 characters)."""
    return hmac.new(pdpa_key(), value.encode("utf-8"), hashlib.sha256).hexdigest()


def client_hash(ip_address: str | None) -> str:
    """Pseudonym of a client IP address: limits and logs key on it without storing the address."""
    return keyed_hash(f"ip:{ip_address or 'unknown'}")
