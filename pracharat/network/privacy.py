"""PDPA pseudonyms of RADIUS user names and device MACs (the key and the keyed hash are
core's, in ``pracharat.core.privacy``; a MAC is normalised first so one device has one
pseudonym however the NAS spells it)."""

from __future__ import annotations

import functools

from pracharat.core.privacy import pdpa_key
from pracharat.network.radius import pseudonymise


@functools.lru_cache(maxsize=65_536)
def pseudonym(value: str | None) -> str:
    """Keyed hash of a personal identifier; "" for a missing one. Cached: the same people
    and devices report every few minutes."""
    if not value:
        return ""
    return pseudonymise(value, pdpa_key())
