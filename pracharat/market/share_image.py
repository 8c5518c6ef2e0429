"""The 1200x630 picture LINE and Facebook show for a shared product or group page: the
photo, with the Thai name and the price written under it. Thai is laid out by Pillow's
raqm layout (HarfBuzz): tone marks and vowels sit where Thai readers expect them, which
the basic layout gets wrong. A page names it (``share_image_name``: a hash of what is
drawn) and the first fetch of ``market:share_picture`` (LINE's or Facebook's crawler) makes
it, kept as a file under ``MEDIA_ROOT/market/share/``; page views never draw."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont, ImageOps, features

WIDTH, HEIGHT = 1200, 630
BAND = 170
FONT = Path(settings.BASE_DIR) / "core/static/core/fonts/Sarabun-Bold.ttf"


def _font(size: int) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(FONT), size, layout_engine=layout)


def render(photo_path: str | None, title: str, price: str) -> Image.Image:
    canvas = Image.new("RGB", (WIDTH, HEIGHT), "#f4efe6")
    if photo_path:
        with Image.open(photo_path) as photo:
            picture = ImageOps.fit(photo.convert("RGB"), (WIDTH, HEIGHT - BAND))
        canvas.paste(picture, (0, 0))
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, HEIGHT - BAND, WIDTH, HEIGHT), fill="#1f3b2d")
    draw.text((40, HEIGHT - BAND + 20), title[:40], font=_font(64), fill="white")
    draw.text((40, HEIGHT - 62), price, font=_font(40), fill="#f6c453")
    return canvas


def _name(kind: str, pk: int, photo, title: str, price: str) -> tuple[str, str | None]:
    source = photo.path if photo else None
    digest = hashlib.sha256(repr((source, title, price, 1)).encode()).hexdigest()[:16]
    return f"market/share/{kind}-{pk}-{digest}.jpg", source


def share_image_name(kind: str, pk: int, photo, title: str, price: str) -> str:
    """The file name of the picture of this content (``kind-pk-digest.jpg``), without making
    it: a page only names it (``market:share_picture``), the first fetch makes it."""
    return _name(kind, pk, photo, title, price)[0].rsplit("/", 1)[1]


def make(kind: str, pk: int, photo, title: str, price: str) -> str:
    """The storage name of the picture, made now if this content has none yet."""
    name, source = _name(kind, pk, photo, title, price)
    if not default_storage.exists(name):
        path = Path(default_storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        render(source, title, price).save(tmp, "JPEG", quality=85, optimize=True)
        tmp.replace(path)
    return name
