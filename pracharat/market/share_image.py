"""The 1200x630 picture LINE and Facebook show for a shared product or group page: the
photo, with the Thai name and the price written under it. Thai is laid out by Pillow's
raqm layout (HarfBuzz): tone marks and vowels sit where Thai readers expect them, which
the basic layout gets wrong. Made once per content and kept as a file under
``MEDIA_ROOT/market/share/`` (public; the name carries a hash of what is drawn)."""

from __future__ import annotations

import hashlib
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


def share_image_url(kind: str, pk: int, photo, title: str, price: str) -> str:
    """The public URL of the picture, made now if this content has none yet."""
    source = photo.path if photo else None
    digest = hashlib.sha256(repr((source, title, price, 1)).encode()).hexdigest()[:16]
    name = f"market/share/{kind}-{pk}-{digest}.jpg"
    if not default_storage.exists(name):
        path = Path(default_storage.path(name))
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        render(source, title, price).save(tmp, "JPEG", quality=85, optimize=True)
        tmp.replace(path)
    return default_storage.url(name)
