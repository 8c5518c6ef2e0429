"""The 1200x630 share picture: Thai shaped by raqm, kept as a file, named in og:image."""

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, features

from pracharat.market import share_image

pytestmark = pytest.mark.django_db


def _ink(text, layout):
    font = ImageFont.truetype(str(share_image.FONT), 80, layout_engine=layout)
    im = Image.new("L", (300, 160), 0)
    ImageDraw.Draw(im).text((20, 20), text, font=font, fill=255)
    return im


@pytest.mark.skipif(not features.check("raqm"), reason="Pillow without raqm")
def test_thai_tone_marks_are_placed_by_the_shaper():
    # the picture's fonts are laid out by the shaper (what the rest of this test relies on)
    assert share_image._font(64).layout_engine == ImageFont.Layout.RAQM
    # Sarabun's GPOS moves the tone mark left of ป's ascender; only a shaper applies it
    shaped = _ink("ป้", ImageFont.Layout.RAQM)
    basic = _ink("ป้", ImageFont.Layout.BASIC)
    assert ImageChops.difference(shaped, basic).getbbox() is not None
    # and a mark over a plain consonant sits within the consonant's width
    assert (
        _ink("น้ำ", ImageFont.Layout.RAQM).getbbox()[2]
        <= _ink("นำ", ImageFont.Layout.RAQM).getbbox()[2] + 2
    )


def test_product_page_names_a_1200x630_file(chili_products, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = client.get(f"/market/products/{chili_products['pao'].pk}/").content.decode()
    assert 'property="og:image" content="http://testserver/media/market/share/product-' in page
    (made,) = (tmp_path / "market/share").iterdir()
    with Image.open(made) as im:
        assert im.size == (1200, 630)
