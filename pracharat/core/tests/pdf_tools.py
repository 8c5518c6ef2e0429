"""Read a PDF back as a person's tools would: poppler's pdftotext and pdffonts (Debian's
poppler-utils), pdftoppm to rasterise a page, zxing-cpp to scan barcodes off it."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image


def _run(*args: str, pdf: bytes) -> str:
    return subprocess.run(
        args, input=pdf, capture_output=True, check=True, timeout=60
    ).stdout.decode()


def pdf_text(pdf: bytes, *, raw: bool = False) -> str:
    """``pdftotext`` of the whole document; ``raw`` keeps the order the text was drawn in
    (a table cell's wrapped lines stay together instead of interleaving with its row's)."""
    return _run("pdftotext", *(["-raw"] if raw else []), "-enc", "UTF-8", "-", "-", pdf=pdf)


def words(text: str) -> str:
    """Whitespace normalised (runs of any white space become one space), nothing else."""
    return " ".join(text.split())


def pdf_fonts(pdf: bytes) -> list[dict]:
    """``pdffonts``' table: one dict per font with its name, type and whether embedded."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        out = subprocess.run(
            ["pdffonts", file.name], capture_output=True, check=True, timeout=60
        ).stdout.decode()
    rows = []
    for line in out.splitlines()[2:]:
        cells = line.split()
        # name, type (1-2 words), encoding, emb, sub, uni, object, generation
        rows.append({"name": cells[0], "emb": cells[-5], "type": " ".join(cells[1:-6])})
    return rows


def page_count(pdf: bytes) -> int:
    info = _run("pdfinfo", "-", pdf=pdf)
    return int(next(line.split()[1] for line in info.splitlines() if line.startswith("Pages:")))


def page_image(pdf: bytes, page: int = 1, dpi: int = 300) -> Image.Image:
    """Page ``page`` rasterised by pdftoppm, as a Pillow image."""
    with tempfile.TemporaryDirectory() as folder:
        stem = Path(folder) / "page"
        with tempfile.NamedTemporaryFile(suffix=".pdf", dir=folder, delete=False) as file:
            file.write(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-png",
                "-gray",
                "-singlefile",
                file.name,
                str(stem),
            ],
            check=True,
            timeout=60,
        )
        with Image.open(f"{stem}.png") as image:
            return image.copy()


def barcodes(image: Image.Image) -> list[tuple[str, str]]:
    """``[(format, text), ...]`` of every barcode zxing-cpp finds in the image."""
    return [(r.format.name, r.text) for r in zxingcpp.read_barcodes(image)]
