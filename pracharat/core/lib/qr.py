"""Render a payload (a PromptPay payload, a verification URL) as a QR code: inline SVG or text.

``segno`` does the QR encoding (ISO/IEC 18004); this module only chooses the settings that
matter for payment codes and shapes the output for our two uses:

- :func:`svg` -- a small ``<svg>`` element to inline in a page: no XML declaration, no fixed
  width/height (it scales with CSS through its ``viewBox``), a ``<title>`` and ``aria-label``
  for screen readers, an opaque light background so the code still scans in dark mode;
- :func:`png` -- a PNG image file (a "save QR" download: bank apps scan from the gallery);
- :func:`terminal` -- Unicode half blocks, two module rows per text line, for management
  commands and support staff working over SSH.

Error correction level M (15 %) is the default: Thai QR Payment codes are short (~80
characters), so M still fits a small version, and it survives a printed code that gets smudged
at a market stall. segno may raise the level further when that does not enlarge the symbol.
"""

from __future__ import annotations

from html import escape
from typing import Literal

import segno

__all__ = ["make", "matrix", "png", "svg", "terminal"]

ErrorLevel = Literal["L", "M", "Q", "H"]

#: ISO/IEC 18004 asks for a quiet zone of 4 modules around the symbol.
QUIET_ZONE = 4


def make(data: str, error: ErrorLevel = "M") -> segno.QRCode:
    """Encode ``data`` as a (non-micro) QR code with at least the given error correction."""
    return segno.make_qr(data, error=error, boost_error=True)


def matrix(data: str, error: ErrorLevel = "M", border: int = QUIET_ZONE) -> list[list[bool]]:
    """The module grid including the quiet zone: ``True`` is a dark module."""
    return [[bool(m) for m in row] for row in make(data, error).matrix_iter(border=border)]


def svg(
    data: str,
    label: str = "QR code",
    *,
    error: ErrorLevel = "M",
    dark: str = "#000",
    light: str = "#fff",
    css_class: str = "qr",
) -> str:
    """An inline ``<svg>`` of ``data``; one unit of its ``viewBox`` is one module.

    ``label`` becomes both the ``<title>`` and the ``aria-label`` (escaped here), e.g.
    "PromptPay QR: pay 120.00 baht to 081-234-5678".
    """
    code = make(data, error)
    body = code.svg_inline(
        scale=1,
        border=QUIET_ZONE,
        dark=dark,
        light=light,
        omitsize=True,
        title=label,
        svgclass=css_class,
        lineclass=None,
    )
    attrs = f'role="img" aria-label="{escape(label, quote=True)}" shape-rendering="crispEdges" '
    return body.replace("<svg ", "<svg " + attrs, 1)


def png(data: str, *, error: ErrorLevel = "M", scale: int = 10) -> bytes:
    """``data`` as a PNG file: black on white, ``scale`` pixels per module, with the quiet
    zone (a 90-character PromptPay payload is ~570 px square at the default scale)."""
    import io

    out = io.BytesIO()
    code = make(data, error)
    code.save(out, kind="png", scale=scale, border=QUIET_ZONE, dark="#000", light="#fff")
    return out.getvalue()


# Upper half, lower half, both, neither: index by (top dark, bottom dark).
_BLOCKS = {(True, True): "\u2588", (True, False): "\u2580", (False, True): "\u2584"}


def terminal(data: str, *, error: ErrorLevel = "M", invert: bool = False) -> str:
    """``data`` as text using Unicode half blocks (two module rows per line).

    Blocks are drawn in the terminal's text colour. Phone scanners want dark modules on a
    light ground, so on a light terminal (dark text) the blocks mark the dark modules; on a
    dark terminal (light text) pass ``invert=True``: the blocks then mark the light modules
    and the quiet zone, and the dark background shows through as the dark modules.
    """
    grid = matrix(data, error)
    grid.append([False] * len(grid[0]))  # the symbol has an odd side: pad with a light row
    ink = [[dark != invert for dark in row] for row in grid]
    lines = []
    for top, bottom in zip(ink[0::2], ink[1::2], strict=True):
        lines.append("".join(_BLOCKS.get((t, b), " ") for t, b in zip(top, bottom, strict=True)))
    return "\n".join(lines) + "\n"
