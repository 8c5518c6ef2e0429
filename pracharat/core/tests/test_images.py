"""The guarded picture loader: real pictures come out small, upright JPEGs with no metadata;
anything else is refused with a typed error, and too many pixels before any decoding."""

from __future__ import annotations

import contextlib
import io
import struct
import subprocess
import sys
import textwrap

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from pracharat.core.lib import images
from pracharat.testing import bomb_png, picture_bytes


@pytest.mark.parametrize(
    ("fmt", "mode"),
    [("JPEG", "RGB"), ("PNG", "RGBA"), ("PNG", "P"), ("WEBP", "RGB"), ("PNG", "L"), ("MPO", "RGB")],
)
def test_accepted_formats_become_jpeg(fmt, mode):
    result = images.load(picture_bytes(fmt, (3000, 2000), mode), max_side=1280, thumb_side=360)
    assert (result.width, result.height) == (1280, 853)
    with Image.open(io.BytesIO(result.jpeg)) as photo:
        assert photo.format == "JPEG" and photo.size == (1280, 853) and photo.mode == "RGB"
    with Image.open(io.BytesIO(result.thumbnail)) as thumb:
        assert thumb.format == "JPEG" and thumb.size == (360, 240)


def test_a_phones_multi_picture_jpeg_is_accepted():
    out = io.BytesIO()
    left, right = Image.new("RGB", (1200, 900), "red"), Image.new("RGB", (1200, 900), "blue")
    left.save(out, "MPO", save_all=True, append_images=[right])
    assert images.read_header(out.getvalue()).format == "MPO"
    result = images.load(out.getvalue(), max_side=600)
    with Image.open(io.BytesIO(result.jpeg)) as photo:
        assert photo.format == "JPEG" and photo.size == (600, 450)
        assert photo.getpixel((300, 225))[0] > 200  # the first picture


def test_a_small_picture_is_not_enlarged_and_has_no_thumbnail_unless_asked():
    result = images.load(picture_bytes("PNG", (300, 200)), max_side=1600)
    assert (result.width, result.height) == (300, 200)
    assert result.thumbnail is None


def test_transparency_is_laid_on_white():
    data = picture_bytes("PNG", (50, 50), "RGBA", optimize=False)
    transparent = io.BytesIO()
    Image.new("RGBA", (50, 50), (255, 0, 0, 0)).save(transparent, "PNG")
    result = images.load(transparent.getvalue(), max_side=100)
    with Image.open(io.BytesIO(result.jpeg)) as photo:
        assert min(photo.getpixel((25, 25))) > 245  # white, not black or red
    assert images.load(data, max_side=100).width == 50


def test_exif_rotation_is_applied_and_every_kind_of_metadata_dropped():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    exif[0x0110] = "Phone Model X"
    exif[0x8825] = {2: (16.0, 58.0, 46.0)}  # a GPS latitude
    out = io.BytesIO()
    Image.new("RGB", (400, 200), "red").save(
        out,
        "JPEG",
        exif=exif,
        comment=b"taken at Ban Khlong Mem",
        icc_profile=b"\0" * 128,
        xmp=b"<x:xmpmeta>secret</x:xmpmeta>",
    )
    with Image.open(io.BytesIO(out.getvalue())) as original:
        assert original.getexif() and original.info.get("comment") and original.info.get("xmp")
    result = images.load(out.getvalue(), max_side=1600)
    assert (result.width, result.height) == (200, 400)
    with Image.open(io.BytesIO(result.jpeg)) as photo:
        assert not photo.getexif()
        assert not {"exif", "comment", "icc_profile", "xmp"} & set(photo.info)
    assert b"Phone Model" not in result.jpeg and b"Khlong" not in result.jpeg
    assert b"secret" not in result.jpeg


def test_a_large_jpeg_is_decoded_at_a_reduced_scale():
    result = images.load(picture_bytes("JPEG", (6000, 4000)), max_side=1280)
    assert (result.width, result.height) == (1280, 853)


def test_byte_limit_before_anything_else():
    with pytest.raises(images.TooManyBytes) as caught:
        images.load(b"\xff" * 2001, max_side=100, max_bytes=2000)
    assert caught.value.limit == 2000

    class Upload(io.BytesIO):  # an UploadedFile tells its size without being read
        size = 10_000_000

        def read(self, *args):
            raise AssertionError("a file known to be too large is not read")

    with pytest.raises(images.TooManyBytes):
        images.load(Upload(), max_side=100, max_bytes=1000)
    with pytest.raises(images.TooManyBytes):  # a stream is read at most one byte past it
        images.load(io.BytesIO(picture_bytes("PNG", (500, 500), "RGB")), max_side=9, max_bytes=99)


@pytest.mark.parametrize("fmt", ["GIF", "BMP", "TIFF", "ICO", "PPM"])
def test_other_formats_are_refused_from_the_header(fmt, pixel_decodes):
    data = picture_bytes(fmt, (64, 64))
    pixel_decodes.clear()  # (drawing the test picture loads it)
    with pytest.raises(images.NotAPicture):
        images.load(data, max_side=100)
    assert pixel_decodes == []


def test_empty_and_non_picture_files_are_refused():
    for data in (b"", b"%PDF-1.4 not a picture", b"<svg xmlns='http://www.w3.org/2000/svg'/>"):
        with pytest.raises(images.NotAPicture):
            images.load(data, max_side=100)


def test_the_callers_pixel_cap_is_read_from_the_header(pixel_decodes):
    data = picture_bytes("PNG", (4000, 3000), "L")
    pixel_decodes.clear()
    with pytest.raises(images.TooManyPixels) as caught:
        images.load(data, max_side=1600, max_pixels=10_000_000)
    assert (caught.value.width, caught.value.height, caught.value.limit) == (4000, 3000, 10**7)
    assert pixel_decodes == []
    images.load(data, max_side=1600, max_pixels=12_000_000)  # the control: it does decode
    assert pixel_decodes


def test_a_caller_cannot_raise_the_cap_above_the_global_one():
    header = images.read_header(picture_bytes("PNG", (100, 100)), max_pixels=10**12)
    assert header == images.Header("PNG", 100, 100)
    with pytest.raises(images.TooManyPixels) as caught:
        images.read_header(bomb_png(7000), max_pixels=10**12)
    assert caught.value.limit == images.MAX_PIXELS


def test_the_12000_pixel_png_bomb_is_refused_without_decoding(pixel_decodes):
    bomb = bomb_png()
    assert len(bomb) < 300_000  # a few KB on disk, and really 12,000 x 12,000 (IHDR):
    assert bomb[12:16] == b"IHDR" and struct.unpack(">II", bomb[16:24]) == (12_000, 12_000)
    pixel_decodes.clear()
    with pytest.raises(images.TooManyPixels) as caught:
        images.load(bomb, max_side=1600)
    assert caught.value.limit == images.MAX_PIXELS
    assert pixel_decodes == []


def test_pillow_itself_refuses_the_bomb_anywhere_in_the_process():
    """CoreConfig.ready() ran guard_pillow: the cap is hard for any code that opens images,
    not a warning (Pillow's default warns up to 179 megapixels and decodes anyway)."""
    assert 2 * Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS  # Pillow raises above twice it
    for side in (7000, 12_000):  # 49 and 144 megapixels
        with pytest.raises(Image.DecompressionBombError):
            Image.open(io.BytesIO(bomb_png(side)))
    with Image.open(io.BytesIO(bomb_png(6000))) as allowed:  # 36 MP is allowed
        assert allowed.size == (6000, 6000)


MEMORY_PROBE = textwrap.dedent(
    """
    import resource, sys
    from pracharat.core.lib import images
    data = open(sys.argv[1], "rb").read()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if sys.argv[2] == "loader":
        try:
            images.load(data, max_side=1600)
        except images.TooManyPixels:
            pass
    else:  # what the public form did before: decode it
        from PIL import Image
        Image.MAX_IMAGE_PIXELS = None
        import io
        Image.open(io.BytesIO(data)).convert("RGB")
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print((after - before) // 1024)
    """
)


def test_the_bomb_costs_no_memory_in_a_fresh_process(tmp_path):
    """The real figure, in a separate interpreter without Django (the loader is pure):
    the peak resident size grows by under 30 MB, where decoding it grows by hundreds of MB."""
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb_png())

    def growth_mb(mode: str) -> int:
        run = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, str(path), mode],
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        return int(run.stdout.strip())

    decoded = growth_mb("decode")  # the control: the probe sees a decode (250-700 MB here)
    if decoded <= 100:
        # CI's machine once reported 19 MB for the same decode: its peak resident size does not
        # count those pages, so no figure of the loader's can be read there either.
        pytest.skip(f"this machine's peak resident size does not see a decode ({decoded} MB)")
    assert growth_mb("loader") < 30


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_are_refused_with_a_typed_error(data):
    with contextlib.suppress(images.ImageError):
        images.load(data, max_side=100)


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(["JPEG", "PNG", "WEBP"]), st.integers(min_value=0, max_value=4000))
def test_truncated_pictures_are_refused_with_a_typed_error(fmt, cut):
    data = picture_bytes(fmt, (300, 300))
    with contextlib.suppress(images.ImageError):
        images.load(data[:cut], max_side=100)


@settings(max_examples=40, deadline=None)
@given(
    fmt=st.sampled_from(["JPEG", "PNG", "WEBP"]),
    mode=st.sampled_from(["RGB", "L", "RGBA", "P", "1", "LA", "CMYK"]),
    width=st.integers(min_value=1, max_value=900),
    height=st.integers(min_value=1, max_value=900),
    max_side=st.integers(min_value=16, max_value=600),
)
def test_every_accepted_picture_comes_out_a_bounded_plain_jpeg(fmt, mode, width, height, max_side):
    try:
        data = picture_bytes(fmt, (width, height), mode)
    except (OSError, ValueError):  # Pillow cannot write this mode in this format
        return
    result = images.load(data, max_side=max_side)
    assert max(result.width, result.height) <= max_side
    with Image.open(io.BytesIO(result.jpeg)) as photo:
        assert photo.format == "JPEG" and photo.mode == "RGB"
        assert photo.size == (result.width, result.height)
        assert not photo.getexif() and "icc_profile" not in photo.info
