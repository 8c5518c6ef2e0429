"""What a photo's EXIF says about when and where it was taken, read before the picture is
re-encoded without metadata (``core.lib.images.load``). Pure: bytes in, values out.

Only the header is parsed (``Image.open`` is lazy; ``getexif`` reads the APP1 segment), and
only after ``images.read_header`` has accepted the file, so no pixel is decoded here.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from PIL import Image

EXIF_IFD = 0x8769
GPS_IFD = 0x8825
DATETIME_ORIGINAL = 36867
DATETIME_DIGITIZED = 36868
DATETIME = 306
OFFSET_TIME_ORIGINAL = 36881
GPS_LAT_REF, GPS_LAT, GPS_LON_REF, GPS_LON = 1, 2, 3, 4


@dataclass(frozen=True)
class Taken:
    """When (a naive local time, unless the camera wrote its offset) and where."""

    at: dt.datetime | None = None
    latitude: float | None = None
    longitude: float | None = None


def _when(exif, sub) -> dt.datetime | None:
    text = sub.get(DATETIME_ORIGINAL) or sub.get(DATETIME_DIGITIZED) or exif.get(DATETIME)
    if not isinstance(text, str):
        return None
    try:
        value = dt.datetime.strptime(text.strip("\x00 ").strip(), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = sub.get(OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str) and len(offset.strip("\x00 ")) == 6:
        offset = offset.strip("\x00 ")
        try:
            sign = -1 if offset[0] == "-" else 1
            hours, minutes = int(offset[1:3]), int(offset[4:6])
            value = value.replace(
                tzinfo=dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))
            )
        except ValueError:
            pass
    return value


def _degrees(value, ref, negative: str, limit: float) -> float | None:
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "ignore")
    if isinstance(ref, str) and ref.strip("\x00 ").upper() == negative:
        result = -result
    if not -limit <= result <= limit or result != result:  # out of range or NaN
        return None
    return round(result, 6)


def read(data: bytes) -> Taken:
    """The time and GPS position in ``data``'s EXIF; empty fields when absent or unreadable."""
    try:
        with Image.open(io.BytesIO(data), formats=("JPEG", "PNG", "WEBP")) as image:
            exif = image.getexif()
            sub = exif.get_ifd(EXIF_IFD)
            gps = exif.get_ifd(GPS_IFD)
    except Exception:  # a damaged EXIF block is no reason to refuse the photo
        return Taken()
    latitude = longitude = None
    if GPS_LAT in gps and GPS_LON in gps:
        latitude = _degrees(gps[GPS_LAT], gps.get(GPS_LAT_REF), "S", 90)
        longitude = _degrees(gps[GPS_LON], gps.get(GPS_LON_REF), "W", 180)
        if latitude is None or longitude is None:
            latitude = longitude = None
    return Taken(at=_when(exif, sub), latitude=latitude, longitude=longitude)
