"""PDPA pseudonyms of RADIUS user names and device MACs (the key and the keyed hash are
core's, in ``pracharat.core.privacy``; a MAC is normalised first so one device has one
pseudonym however the NAS spells it)."""

from __future__ import annotations

import functools

from pracharat.core.privacy import pdpa_key
from pracharat.network.radius import pseudonymise


def pseudonym(value: str | None) -> str:
    """Keyed hash of a personal identifier; "" for a missing one."""
    return keyed_pseudonym(value, pdpa_key()) if value else ""


@functools.lru_cache(maxsize=65_536)
def keyed_pseudonym(value: str | None, key: bytes) -> str:
    """:func:`pseudonym` under ``key`` (read once per batch by the listener). Cached by value
    and key: the same people and devices report every few minutes, and a changed key makes
    new entries rather than reusing old ones."""
    if not value:
        return ""
    return pseudonymise(value, key)
