"""The one guarded loader for every picture that comes from the public or a user: fault-report
photos, product photos, group logos and transfer slips.

A picture is untrusted until it has been re-encoded here, in this order:

1. bytes: the upload is refused past ``max_bytes`` (read at most one byte more);
2. header: Pillow's ``Image.open`` parses only the header (no pixel is decoded) with the
   format whitelist (JPEG, PNG, WebP and MPO, the multi-picture JPEG some phones write);
   the picture is refused past ``max_pixels`` (``MAX_PIXELS`` at most);
3. pixels: only then is the first frame decoded (JPEGs at a reduced scale when they are much
   larger than needed), turned upright by its EXIF orientation, flattened on white,
   scaled to the caller's longest side, and written as a fresh JPEG with no metadata at all
   (phones put the GPS position and the device in EXIF; PDPA counts both as personal data;
   re-encoding also drops anything appended to the file).

Errors are typed (:class:`ImageError` and its subclasses) with their figures as attributes, so
the Django layer shows them as translated form messages. :func:`guard_pillow` makes Pillow
itself refuse any picture over ``MAX_PIXELS`` at ``Image.open`` anywhere in the process,
with an error (Pillow's default only warns up to 179 megapixels, and decodes: a 560 KB PNG
of 12,000 x 12,000 took a worker 1.9 GB).
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from PIL import Image, ImageOps, UnidentifiedImageError

#: The most pixels any picture may have, for every caller (callers may pass a lower cap).
MAX_PIXELS = 40_000_000
#: The default byte limit of an upload; callers usually pass their own, lower one.
MAX_BYTES = 10 * 1024 * 1024
#: The only parsers Pillow may run on an upload: other formats are refused before their
#: header is parsed. (Pillow's JPEG parser also returns MPO, the multi-picture JPEG.)
PARSERS = ("JPEG", "PNG", "WEBP")
#: Formats accepted, as ``Image.format`` names them.
FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP"})
DEFAULT_QUALITY = 82
THUMB_QUALITY = 72


class ImageError(ValueError):
    """The upload is not an acceptable picture. ``str()`` is an English sentence for logs
    and plain callers; the Django layer shows a translated message per subclass."""


class TooManyBytes(ImageError):
    def __init__(self, limit: int):
        self.limit = limit
        super().__init__(f"The file is larger than {limit / 1_048_576:g} MB.")


class NotAPicture(ImageError):
    """Not a JPEG, PNG or WebP file (including pictures of other formats)."""

    def __init__(self):
        super().__init__("The file is not a JPEG, PNG or WebP picture.")


class TooManyPixels(ImageError):
    def __init__(self, limit: int, width: int | None = None, height: int | None = None):
        self.limit, self.width, self.height = limit, width, height
        super().__init__(f"The picture has more than {limit / 1_000_000:g} megapixels.")


class Damaged(ImageError):
    def __init__(self):
        super().__init__("The picture could not be read; it may be damaged or cut short.")


@dataclass(frozen=True, slots=True)
class Header:
    format: str
    width: int
    height: int


@dataclass(frozen=True, slots=True)
class Picture:
    """A re-encoded picture: the only form in which an upload reaches storage."""

    jpeg: bytes
    width: int
    height: int
    thumbnail: bytes | None = None


def guard_pillow(max_pixels: int = MAX_PIXELS) -> None:
    """Make every ``Image.open`` in this process raise for more than ``max_pixels`` pixels.

    Pillow only warns (``DecompressionBombWarning``) above ``MAX_IMAGE_PIXELS`` and raises
    ``DecompressionBombError`` above twice that; a warning is no guard (it decodes anyway,
    and warning filters are easily reset), so ``MAX_IMAGE_PIXELS`` is set to half the cap:
    the error is then raised above the cap, and the warning in between (pictures of
    ``max_pixels / 2`` to ``max_pixels``, which are allowed) is silenced. Called from
    ``CoreConfig.ready()``; calling it again is harmless."""
    Image.MAX_IMAGE_PIXELS = max_pixels // 2
    warnings.filterwarnings("ignore", category=Image.DecompressionBombWarning)


def read_upload(source: bytes | IO[bytes], max_bytes: int = MAX_BYTES) -> bytes:
    """The upload's bytes, refusing more than ``max_bytes`` without reading past the limit.
    ``source`` is bytes or a binary file (a Django ``UploadedFile`` also gives its size)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
    else:
        size = getattr(source, "size", None)
        if size is not None and size > max_bytes:
            raise TooManyBytes(max_bytes)
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise TooManyBytes(max_bytes)
    if not data:
        raise NotAPicture
    return data


def _cap(max_pixels: int | None) -> int:
    return MAX_PIXELS if max_pixels is None else min(max_pixels, MAX_PIXELS)


def read_header(data: bytes, *, max_pixels: int | None = None) -> Header:
    """Format and size from the header alone; refuses other formats and too many pixels.
    No pixel data is decoded here (``Image.open`` is lazy)."""
    limit = _cap(max_pixels)
    try:
        with Image.open(io.BytesIO(data), formats=PARSERS) as probe:
            header = Header(format=probe.format or "", width=probe.width, height=probe.height)
    except Image.DecompressionBombError:
        raise TooManyPixels(limit) from None  # over Pillow's global cap (guard_pillow)
    except UnidentifiedImageError:
        raise NotAPicture from None
    except Exception as exc:  # a plugin's parser may raise anything on a malformed header
        raise Damaged from exc
    if header.format not in FORMATS:
        raise NotAPicture
    if header.width * header.height > limit:
        raise TooManyPixels(limit, header.width, header.height)
    return header


def _on_white(image: Image.Image) -> Image.Image:
    """An RGB image: transparency is laid over white (a JPEG has no alpha)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _jpeg(image: Image.Image, max_side: int, quality: int) -> tuple[bytes, int, int]:
    """``image`` scaled down (never up) to ``max_side``, as a JPEG with no metadata: the
    new image carries no ``info`` (Pillow would carry a JPEG comment, XMP or ICC over)."""
    longest = max(image.size)
    if longest > max_side:
        ratio = max_side / longest
        size = (max(1, round(image.width * ratio)), max(1, round(image.height * ratio)))
        scaled = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    else:
        scaled = image.copy()
    scaled.info.clear()
    out = io.BytesIO()
    scaled.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue(), scaled.width, scaled.height


def load(
    source: bytes | IO[bytes],
    *,
    max_side: int,
    max_bytes: int = MAX_BYTES,
    max_pixels: int | None = None,
    quality: int = DEFAULT_QUALITY,
    thumb_side: int | None = None,
    thumb_quality: int = THUMB_QUALITY,
) -> Picture:
    """Check ``source`` (bytes, size, header) and only then decode and re-encode it as JPEG,
    upright, without metadata, at most ``max_side`` pixels on its longest side; with
    ``thumb_side``, also a thumbnail. Raises :class:`ImageError`."""
    data = read_upload(source, max_bytes)
    header = read_header(data, max_pixels=max_pixels)
    try:
        jpeg = header.format in ("JPEG", "MPO")
        with Image.open(io.BytesIO(data), formats=("JPEG",) if jpeg else PARSERS) as image:
            if jpeg:
                # libjpeg decodes at 1/2, 1/4 or 1/8 scale when that still covers max_side.
                image.draft("RGB", (max_side, max_side))
            image.load()
            upright = ImageOps.exif_transpose(image)
        flat = _on_white(upright)
        del upright
        photo, width, height = _jpeg(flat, max_side, quality)
        thumb = _jpeg(flat, thumb_side, thumb_quality)[0] if thumb_side else None
    except ImageError:
        raise
    except Exception as exc:  # truncated data, bad EXIF, a decoder error: never a 500
        raise Damaged from exc
    return Picture(jpeg=photo, width=width, height=height, thumbnail=thumb)
