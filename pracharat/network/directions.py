"""Getting to a point: a directions link for the technician's phone and the nearest points in
service for the villager whose point has closed. Pure: no Django."""

from __future__ import annotations

import math
from urllib.parse import quote

EARTH_KM = 6371.0088


def maps_url(lat: float, lon: float) -> str:
    """A plain web maps link that opens turn-by-turn directions to the coordinates on any
    phone (Google Maps' documented ``dir`` URL; no key, no script)."""
    return f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f},{lon:.6f}"


def geo_uri(lat: float, lon: float, label: str = "") -> str:
    """An RFC 5870 ``geo:`` URI, which Android hands to whatever map app the phone has; the
    ``q`` parameter drops a pin with the label."""
    uri = f"geo:{lat:.6f},{lon:.6f}"
    query = f"{lat:.6f},{lon:.6f}"
    if label:
        query += f"({quote(label, safe='')})"
    return f"{uri}?q={query}"


def links(where: tuple[float, float] | None, label: str = "") -> dict[str, str]:
    """A page's ``maps_url`` and ``geo_uri`` to ``where`` (both empty without coordinates)."""
    if where is None:
        return {"maps_url": "", "geo_uri": ""}
    return {"maps_url": maps_url(*where), "geo_uri": geo_uri(*where, label)}


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) in kilometres."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(math.sqrt(h))


def nearest(origin: tuple[float, float], candidates, count: int = 3):
    """The ``count`` candidates ``(item, (lat, lon))`` closest to ``origin``, as
    ``(item, km)`` nearest first."""
    ranked = sorted(
        ((item, distance_km(origin, where)) for item, where in candidates), key=lambda p: p[1]
    )
    return ranked[:count]
