"""Photo checks: real pictures are re-encoded small, anything else is refused cleanly."""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from pracharat.market.lib import images


def encoded(fmt: str, size=(800, 600), mode="RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, "orange" if mode != "L" else 128).save(out, fmt, **save)
    return out.getvalue()


@pytest.mark.parametrize(
    ("fmt", "mode"), [("JPEG", "RGB"), ("PNG", "RGBA"), ("WEBP", "RGB"), ("GIF", "P"), ("PNG", "L")]
)
def test_accepted_formats_become_jpeg(fmt, mode):
    result = images.process(encoded(fmt, (3000, 2000), mode))
    assert (result.width, result.height) == (1280, 853)
    with Image.open(io.BytesIO(result.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (360, 240)


def test_exif_rotation_is_applied_and_metadata_dropped():
    image = Image.new("RGB", (400, 200), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x8825] = {2: (16.0, 58.0, 46.0)}  # a GPS latitude
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    result = images.process(out.getvalue())
    assert (result.width, result.height) == (200, 400)
    with Image.open(io.BytesIO(result.photo)) as photo:
        assert not photo.getexif()


def test_limits():
    with pytest.raises(images.ImageError, match="MB"):
        images.process(b"\xff" * (images.MAX_UPLOAD_BYTES + 1))
    with pytest.raises(images.ImageError, match="megapixels"):
        images.process(encoded("PNG", (8000, 6000), "L"))
    with pytest.raises(images.ImageError, match="not accepted"):
        images.process(encoded("BMP", (10, 10)))


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_are_refused_with_a_clear_error(data):
    with contextlib.suppress(images.ImageError):
        images.process(data)


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=0, max_value=4000))
def test_truncated_pictures_are_refused(cut):
    data = encoded("JPEG", (300, 300))
    with contextlib.suppress(images.ImageError):
        images.process(data[:cut])
