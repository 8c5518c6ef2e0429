"""The 1200x630 share picture: Thai shaped by raqm, kept as a file, named in og:image."""

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, features

from pracharat.market import actions, share_image

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
    pao = chili_products["pao"]
    page = client.get(f"/market/products/{pao.pk}/").content.decode()
    prefix = f'property="og:image" content="http://testserver/market/share/product-{pao.pk}-'
    assert prefix in page
    assert not (tmp_path / "market/share").exists()  # a page view draws nothing
    url = page.split(prefix, 1)[1].split('"', 1)[0]
    picture = client.get(f"/market/share/product-{pao.pk}-{url}")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"
    (made,) = (tmp_path / "market/share").iterdir()
    assert b"".join(picture.streaming_content) == made.read_bytes()
    with Image.open(made) as im:
        assert im.size == (1200, 630)
    # after an edit the page names a new picture, and the old name leads to it
    pao.price = "99.00"
    actions.save_product(pao)
    page = client.get(f"/market/products/{pao.pk}/").content.decode()
    new = page.split(prefix, 1)[1].split('"', 1)[0]
    assert new != url
    moved = client.get(f"/market/share/product-{pao.pk}-{url}")
    assert moved.status_code == 302 and moved["Location"].endswith(new)
    pao.active = False
    actions.save_product(pao)
    assert client.get(f"/market/share/product-{pao.pk}-{new}").status_code == 404


def test_group_page_names_its_picture(chili_group, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = client.get(f"/market/groups/{chili_group.code}/").content.decode()
    prefix = 'property="og:image" content="http://testserver/market/share/group-'
    url = "/market/share/group-" + page.split(prefix, 1)[1].split('"', 1)[0]
    assert client.get(url).status_code == 200
    (made,) = (tmp_path / "market/share").iterdir()
    with Image.open(made) as im:
        assert im.size == (1200, 630)
