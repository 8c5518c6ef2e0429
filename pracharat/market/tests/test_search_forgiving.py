"""Search that forgives: misspelt Thai, Thai <-> English names, broader terms, English
inflection, operators typed as words, and title matches first."""

import importlib

import pytest
from django.apps import apps

from pracharat.market import search
from pracharat.market.lib import forgive
from pracharat.market.models import SearchSynonym
from pracharat.market.tests.conftest import make_product

pytestmark = pytest.mark.django_db

_migration = importlib.import_module("pracharat.market.migrations.0011_search_synonyms_and_words")


@pytest.fixture
def synonyms(market_reference_data):
    if not SearchSynonym.objects.exists():  # a transactional test flushed the seed
        _migration.seed(apps, None)
    search.synonyms_changed()


@pytest.fixture
def silk(weaving_group):
    return make_product(weaving_group, "ผ้าไหมมัดหมี่ลายนาค", "1200.00", category="textiles", unit="ผืน")


def titles(q):
    return [p.title_th for p in search.search_products(q)]


@pytest.mark.parametrize("typed", ["นำพริก", "น้ำพิก", "น้าพริก", "น่ำพริก"])
def test_misspelt_thai_finds_the_chili_pastes_and_says_so(synonyms, chili_products, typed):
    assert set(titles(typed)) == {"น้ำพริกเผา", "น้ำพริกตาแดง", "น้ำพริกนรก"}
    assert search.did_you_mean(typed) == "น้ำพริก"


def test_a_correct_query_has_no_did_you_mean(synonyms, chili_products):
    assert search.did_you_mean("น้ำพริก") == ""
    assert search.did_you_mean("เผา") == ""


def test_a_word_found_only_in_descriptions_is_not_corrected(synonyms, chili_group):
    make_product(chili_group, "แจ่วบอง", description_th="รสเผ็ดจัดจ้าน")
    assert titles("จัดจ้าน") == ["แจ่วบอง"]
    assert search.did_you_mean("จัดจ้าน") == ""


def test_nothing_near_stays_nothing(synonyms, chili_products):
    assert titles("คอมพิวเตอร์") == []
    assert search.did_you_mean("คอมพิวเตอร์") == ""


def test_silk_and_pha_mai_find_each_other(synonyms, silk, cloth, chili_products):
    assert titles("silk") == ["ผ้าไหมมัดหมี่ลายนาค"]
    assert titles("Silk") == ["ผ้าไหมมัดหมี่ลายนาค"]
    assert titles("ผ้าไหม") == ["ผ้าไหมมัดหมี่ลายนาค"]


def test_chili_paste_in_english_finds_nam_prik(synonyms, chili_group):
    make_product(chili_group, "น้ำพริกหนุ่ม")  # no English title
    assert titles("chili paste") == ["น้ำพริกหนุ่ม"]
    assert titles("chilli pastes") == ["น้ำพริกหนุ่ม"]


def test_honey_finds_nam_phueng(synonyms, chili_group):
    make_product(chili_group, "น้ำผึ้งป่าแท้")
    assert titles("honey") == ["น้ำผึ้งป่าแท้"]


def test_a_broader_word_finds_its_kinds(synonyms, silk, cloth):
    # ผ้าทอ (woven cloth) finds the hand-woven cloth and the silk, whose title says ผ้าไหม
    assert set(titles("ผ้าทอ")) == {"ผ้าทอมือลายดอกแก้ว", "ผ้าไหมมัดหมี่ลายนาค"}


def test_an_officer_extends_the_lists_and_every_search_sees_it(synonyms, chili_group, admin_client):
    make_product(chili_group, "ไข่เค็มไชยา")
    assert titles("salted egg") == []
    response = admin_client.post(
        "/admin/market/searchsynonym/add/", {"names": "ไข่เค็ม, salted egg", "kinds": ""}
    )
    assert response.status_code == 302
    assert titles("salted egg") == ["ไข่เค็มไชยา"]


@pytest.mark.parametrize("typed", ["jar", "jars", "JARS"])
def test_english_inflection(synonyms, chili_group, typed):
    make_product(chili_group, "แยมสับปะรด", title_en="Pineapple jam jars")
    make_product(chili_group, "แยมมะม่วง", title_en="Mango jam jar")
    assert set(titles(typed)) == {"แยมสับปะรด", "แยมมะม่วง"}


def test_english_spelling(synonyms, chili_group):
    make_product(chili_group, "ผ้าพันคอ", title_en="Natural colour scarf")
    assert titles("color") == ["ผ้าพันคอ"]
    assert titles("colours") == ["ผ้าพันคอ"]


@pytest.mark.parametrize("word", ["AND", "OR", "NOT", "NEAR", "and"])
def test_operators_typed_are_words(synonyms, chili_products, chili_group, word):
    assert titles(word) == []
    make_product(chili_group, "ขนมไทย", title_en="Salt and pepper snack")
    assert titles(word) == (["ขนมไทย"] if word.lower() == "and" else [])


def test_title_matches_rank_first(synonyms, chili_group):
    body = make_product(chili_group, "แจ่วบอง", description_th="ทานคู่กับน้ำพริกได้")
    title = make_product(chili_group, "น้ำพริกปลาร้า")
    assert titles("น้ำพริก")[:2] == [title.title_th, body.title_th]


def test_a_new_product_is_found_at_once(synonyms, chili_products, chili_group):
    assert len(titles("น้ำพริก")) == 3
    make_product(chili_group, "น้ำพริกกากหมู")
    assert len(titles("น้ำพริก")) == 4


def test_the_catalogue_page_shows_did_you_mean(synonyms, chili_products, client):
    response = client.get("/market/", {"q": "นำพริก"})
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-test="did-you-mean"' in html and "น้ำพริกเผา" in html


def test_variants_pure():
    assert forgive.english_variants("jars")[:2] == ["jars", "jar"]
    assert "colour" in forgive.english_variants("color")
    assert forgive.english_variants("ผ้า") == ["ผ้า"]
    assert forgive.closest("นำพริก", ["น้ำพริก", "นำ", "พริก"]) == "น้ำพริก"
    assert forgive.closest("slik", ["silk", "milk"]) == "silk"
    assert forgive.closest("xyzzy", ["silk"]) is None


def test_line_share_and_chat_links(synonyms, chili_products, chili_group, client):
    chili_group.line_id = "@khlongmem"
    chili_group.save()
    page = client.get(f"/market/products/{chili_products['pao'].pk}/").content.decode()
    assert (
        "https://social-plugins.line.me/lineit/share?url=http%3A%2F%2Ftestserver%2Fmarket%2Fproducts%2F"
        in page
    )
    group = client.get(f"/market/groups/{chili_group.code}/").content.decode()
    assert 'href="https://line.me/R/ti/p/%40khlongmem"' in group
    assert 'data-test="line-share"' in group


def test_personal_line_id_link():
    from pracharat.market.templatetags.market import line_chat_url

    assert line_chat_url("malee.np") == "https://line.me/ti/p/~malee.np"
    assert line_chat_url("") == ""
