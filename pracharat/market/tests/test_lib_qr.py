"""QR rendering: every output must decode back to the exact payload.

Decoding uses ``zxing-cpp`` (PyPI ``zxing-cpp``, import ``zxingcpp``) on ``pillow`` images;
both are dev-only dependencies, so the decoding tests skip when they are absent. The SVG and
terminal outputs are decoded from the strings themselves (path / half blocks back to a module
grid), not from segno's internal matrix, so a rendering bug cannot hide.
"""

from __future__ import annotations

import io
import re
from decimal import Decimal

import pytest

from pracharat.core.lib import qr
from pracharat.market.lib import promptpay

PAYLOADS = [
    promptpay.payload("081-234-5678"),
    promptpay.payload("8512819188690", Decimal("541.23")),
    promptpay.payload("004999000288505", Decimal("9999999.99")),
]


def _decode_grid(grid: list[list[bool]], scale: int = 4) -> list[str]:
    zxingcpp = pytest.importorskip("zxingcpp")
    image_mod = pytest.importorskip("PIL.Image")
    size = len(grid)
    img = image_mod.new("L", (size * scale, size * scale), 255)
    for y, row in enumerate(grid):
        for x, dark in enumerate(row):
            if dark:
                img.paste(0, (x * scale, y * scale, (x + 1) * scale, (y + 1) * scale))
    return [b.text for b in zxingcpp.read_barcodes(img)]


def _grid_from_svg(svg: str) -> list[list[bool]]:
    """Rebuild the module grid from segno's path: ``M x y`` / ``m dx dy`` moves, ``h n`` runs."""
    width = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    grid = [[False] * width for _ in range(width)]
    path = re.search(r'<path stroke="[^"]+" d="([^"]+)"', svg).group(1)
    x = y = 0.0
    for cmd, args in re.findall(r"([MmHh])([-\d. ]+)", path):
        nums = [float(n) for n in args.split()]
        if cmd == "M":
            x, y = nums
        elif cmd == "m":
            x, y = x + nums[0], y + nums[1]
        elif cmd == "h":
            for i in range(int(nums[0])):
                grid[int(y)][int(x) + i] = True
            x += nums[0]
        else:
            raise AssertionError(f"unexpected path command {cmd}")
    return grid


def _grid_from_terminal(text: str, invert: bool) -> list[list[bool]]:
    top = {"\u2588": True, "\u2580": True, "\u2584": False, " ": False}
    bottom = {"\u2588": True, "\u2580": False, "\u2584": True, " ": False}
    grid = []
    for line in text.splitlines():
        grid.append([top[c] != invert for c in line])
        grid.append([bottom[c] != invert for c in line])
    return grid[: len(grid[0])]  # drop the padding row


@pytest.mark.parametrize("data", PAYLOADS)
def test_png_from_segno_decodes(data):
    zxingcpp = pytest.importorskip("zxingcpp")
    image_mod = pytest.importorskip("PIL.Image")
    buf = io.BytesIO()
    qr.make(data).save(buf, kind="png", scale=4)
    buf.seek(0)
    assert [b.text for b in zxingcpp.read_barcodes(image_mod.open(buf))] == [data]


@pytest.mark.parametrize("data", PAYLOADS)
def test_qr_png_decodes_to_the_payload(data):
    """``qr.png``, the "save QR" download of the pay page."""
    zxingcpp = pytest.importorskip("zxingcpp")
    image_mod = pytest.importorskip("PIL.Image")
    content = qr.png(data)
    assert content[:8] == b"\x89PNG\r\n\x1a\n"
    image = image_mod.open(io.BytesIO(content))
    assert [b.text for b in zxingcpp.read_barcodes(image)] == [data]


@pytest.mark.parametrize("data", PAYLOADS)
def test_svg_decodes(data):
    assert _decode_grid(_grid_from_svg(qr.svg(data))) == [data]


@pytest.mark.parametrize("data", PAYLOADS)
@pytest.mark.parametrize("invert", [False, True])
def test_terminal_decodes(data, invert):
    text = qr.terminal(data, invert=invert)
    assert set(text) <= {" ", "\n", "\u2580", "\u2584", "\u2588"}
    assert _decode_grid(_grid_from_terminal(text, invert)) == [data]


def test_svg_is_small_inline_and_accessible():
    data = PAYLOADS[0]
    out = qr.svg(data, label='PromptPay "ร้านป้าแดง" <081>')
    assert out.startswith("<svg ")
    assert "<?xml" not in out
    assert 'viewBox="0 0 ' in out
    assert "width=" not in out.split(">", 1)[0]  # scales with CSS
    assert 'role="img"' in out
    assert 'aria-label="PromptPay &quot;ร้านป้าแดง&quot; &lt;081&gt;"' in out
    assert "<title>PromptPay" in out
    assert "<081>" not in out  # escaped everywhere
    assert 'fill="#fff"' in out  # opaque background: scans on dark pages too
    assert len(out) < 4000


def test_matrix_has_quiet_zone():
    grid = qr.matrix(PAYLOADS[0])
    assert len(grid) == len(grid[0])
    assert not any(grid[0]) and not any(grid[3]) and any(grid[4])
