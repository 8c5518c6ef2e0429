"""core.lib.barcodes: the Code 128 symbols read back with a scanner library (zxing-cpp)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from pracharat.core.lib import barcodes
from pracharat.core.tests.pdf_tools import barcodes as scan


def raster(data: str, module_px: int = 3, height_px: int = 80) -> Image.Image:
    """The symbol drawn module by module, with its quiet zones, as a scanner sees it."""
    modules = barcodes.code128_modules(data)
    width = (len(modules) + 2 * barcodes.QUIET_ZONE) * module_px
    image = Image.new("L", (width, height_px + 20), 255)
    draw = ImageDraw.Draw(image)
    for i, module in enumerate(modules):
        if module == "1":
            x = (barcodes.QUIET_ZONE + i) * module_px
            draw.rectangle([x, 10, x + module_px - 1, 10 + height_px], fill=0)
    return image


def test_an_s10_number_is_short_code_set_c_for_its_digits_and_scans_back():
    modules = barcodes.code128_modules("EE123456785TH")
    # start B, E, E, to C, 12 34 56 78, to B, 5, T, H, check: 12 symbols of 11 + stop of 13
    assert len(modules) == 12 * 11 + 13 + 11
    assert scan(raster("EE123456785TH")) == [("Code128", "EE123456785TH")]


@settings(max_examples=40, deadline=None)
@given(
    st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), min_size=1, max_size=24)
)
def test_any_printable_ascii_text_scans_back(text):
    assert scan(raster(text)) == [("Code128", text)]


def test_svg_draws_the_same_modules_to_scale():
    svg = barcodes.code128_svg("EE123456785TH", module_mm=0.33, height_mm=15, label="เลขพัสดุ")
    modules = barcodes.code128_modules("EE123456785TH")
    total = len(modules) + 2 * barcodes.QUIET_ZONE
    assert f'viewBox="0 0 {total} 1"' in svg
    assert f'width="{total * 0.33:g}mm"' in svg and 'height="15mm"' in svg
    assert "<title>เลขพัสดุ</title>" in svg
    drawn = ["0"] * len(modules)
    for x, w in re.findall(r"M(\d+) 0h(\d+)v1", svg):
        for i in range(int(x), int(x) + int(w)):
            drawn[i - barcodes.QUIET_ZONE] = "1"
    assert "".join(drawn) == modules


@pytest.mark.parametrize("bad", ["", "น้ำ", "tab\there"])
def test_only_printable_ascii_is_encoded(bad):
    with pytest.raises(ValueError):
        barcodes.code128_modules(bad)
