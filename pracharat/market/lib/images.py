"""Check an uploaded photo really is an image and re-encode it small enough for phones.

Village sellers upload straight from phone cameras (4-12 MB, 12+ megapixels, EXIF-rotated).
We never serve the upload itself: it is decoded by Pillow (which also rejects files that
merely claim to be images), rotated by its EXIF orientation, stripped of metadata (phone
photos carry GPS positions), and re-encoded as JPEG at two sizes. Decoding is bounded by
``MAX_PIXELS`` against decompression bombs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF", "MPO"}  # MPO: some phones' JPEG variant
PHOTO_MAX_SIDE = 1280
THUMB_MAX_SIDE = 360
PHOTO_QUALITY = 82
THUMB_QUALITY = 72


class ImageError(ValueError):
    """The upload is not an acceptable image; the message is for the person uploading."""


@dataclass(frozen=True, slots=True)
class Processed:
    photo: bytes
    thumbnail: bytes
    width: int
    height: int


def _jpeg(image: Image.Image, max_side: int, quality: int) -> tuple[bytes, int, int]:
    copy = image.copy()
    copy.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=quality, optimize=True, progressive=True)
    return out.getvalue(), copy.width, copy.height


def process(
    data: bytes, *, max_side: int = PHOTO_MAX_SIDE, thumb_side: int = THUMB_MAX_SIDE
) -> Processed:
    """Decode ``data``, refuse non-images, and return the JPEG photo and thumbnail."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageError(
            f"The file is {len(data) / 1_048_576:.1f} MB; the limit is "
            f"{MAX_UPLOAD_BYTES // 1_048_576} MB."
        )
    try:
        with Image.open(io.BytesIO(data)) as probe:
            fmt = probe.format
            width, height = probe.size
            probe.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageError("The file is not a picture (use a JPEG, PNG or WebP photo).") from exc
    if fmt not in ACCEPTED_FORMATS:
        raise ImageError(f"{fmt} pictures are not accepted; use a JPEG, PNG or WebP photo.")
    if width * height > MAX_PIXELS:
        raise ImageError(
            f"The picture is {width}×{height} pixels; the limit is {MAX_PIXELS // 1_000_000} "
            "megapixels."
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            image = ImageOps.exif_transpose(image)
            if image.mode not in ("RGB", "L"):
                background = Image.new("RGB", image.size, "white")
                rgba = image.convert("RGBA")
                background.paste(rgba, mask=rgba.getchannel("A"))
                image = background
            elif image.mode == "L":
                image = image.convert("RGB")
            photo, w, h = _jpeg(image, max_side, PHOTO_QUALITY)
            thumb, _, _ = _jpeg(image, thumb_side, THUMB_QUALITY)
    except (OSError, ValueError, Image.DecompressionBombError) as exc:
        raise ImageError("The picture could not be read; it may be damaged.") from exc
    return Processed(photo=photo, thumbnail=thumb, width=w, height=h)
