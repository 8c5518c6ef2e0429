"""Thai product search through the database index, on whichever backend the run uses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pracharat.market import actions, search
from pracharat.market.models import ProductIndex

from .conftest import make_product

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue(chili_products, cloth):
    rice = make_product(
        chili_products["pao"].group,
        "ข้าวหอมมะลิ",
        "85.00",
        title_en="Jasmine rice",
        description_th="ข้าวหอมมะลิใหม่ ทานกับน้ำพริกอร่อย",
        category="rice",
        grams=1000,
    )
    return {**chili_products, "cloth": cloth, "rice": rice}


def titles(results) -> list[str]:
    return [p.title_th for p in results]


def test_a_thai_word_finds_it_inside_compounds(catalogue):
    found = titles(search.search_products("น้ำพริก"))
    assert {"น้ำพริกเผา", "น้ำพริกตาแดง", "น้ำพริกนรก"} <= set(found)
    # The title match ranks above the mention in the rice's description.
    assert found.index("ข้าวหอมมะลิ") > found.index("น้ำพริกเผา")


def test_every_query_word_must_match(catalogue):
    assert titles(search.search_products("น้ำพริก เผา")) == ["น้ำพริกเผา"]
    assert titles(search.search_products("น้ำพริกเผา")) == ["น้ำพริกเผา"]
    assert titles(search.search_products("ผ้าทอ")) == ["ผ้าทอมือลายดอกแก้ว"]


def test_english_and_mixed_queries(catalogue):
    assert titles(search.search_products("Roasted CHILI")) == ["น้ำพริกเผา"]
    assert titles(search.search_products("chili น้ำพริก ตาแดง")) == ["น้ำพริกตาแดง"]
    assert titles(search.search_products("jasmine")) == ["ข้าวหอมมะลิ"]


def test_no_false_hit_inside_a_longer_syllable(catalogue):
    assert search.search_products("ทอด").count() == 0  # not inside ทอ (weave)


def test_filters_category_area_and_price(catalogue):
    assert titles(search.search_products("", category="textiles")) == ["ผ้าทอมือลายดอกแก้ว"]
    assert "ผ้าทอมือลายดอกแก้ว" not in titles(search.search_products("", area="65"))
    assert titles(search.search_products("", area="50")) == ["ผ้าทอมือลายดอกแก้ว"]
    cheap = titles(search.search_products("น้ำพริก", max_price=Decimal("60.00")))
    assert set(cheap) == {"น้ำพริกตาแดง", "น้ำพริกนรก"}
    assert titles(search.search_products("น้ำพริก", min_price=Decimal("61"), category="food")) == [
        "น้ำพริกเผา"
    ]


def test_inactive_products_and_groups_are_not_found(catalogue):
    pao = catalogue["pao"]
    pao.active = False
    actions.save_product(pao)
    assert "น้ำพริกเผา" not in titles(search.search_products("น้ำพริก"))
    group = catalogue["tadaeng"].group
    group.active = False
    actions.save_group(group)
    assert search.search_products("น้ำพริก").count() == 0


def test_edits_are_reindexed_and_deletes_leave_no_row(catalogue):
    narok = catalogue["narok"]
    narok.title_th = "แจ่วบอง"
    actions.save_product(narok)
    assert titles(search.search_products("แจ่วบอง")) == ["แจ่วบอง"]
    assert "แจ่วบอง" not in titles(search.search_products("นรก"))
    actions.delete_product(narok)
    assert not ProductIndex.objects.filter(product_id=narok.pk).exists()
    assert search.search_products("แจ่วบอง").count() == 0


def test_punctuation_only_query_finds_nothing_and_empty_lists_all(catalogue):
    assert search.search_products("!!! ...").count() == 0
    assert search.search_products("").count() == 5


def test_limit_offset(catalogue):
    first = list(search.search_products("น้ำพริก", limit=2))
    rest = list(search.search_products("น้ำพริก", limit=10, offset=2))
    assert len(first) == 2 and not {p.pk for p in first} & {p.pk for p in rest}
    assert len(first + rest) == search.search_products("น้ำพริก").count() == 4


def test_cached_ranking_follows_edits_at_once(catalogue, django_assert_max_num_queries):
    assert search.search_products("น้ำพริก").count() == 4
    with django_assert_max_num_queries(1):  # ranking from the cache, rows read fresh
        assert search.search_products("น้ำพริก").count() == 4
    pao = catalogue["pao"]
    pao.active = False
    pao.save(update_fields=["active"])  # even a write outside actions: rows are read fresh
    assert search.search_products("น้ำพริก").count() == 3
    narok = catalogue["narok"]
    narok.title_th = "แจ่วบอง"
    actions.save_product(narok)  # re-indexed: the cached ranking is dropped
    assert titles(search.search_products("แจ่วบอง")) == ["แจ่วบอง"]
    assert "แจ่วบอง" not in titles(search.search_products("นรก"))


def test_text_search_returns_at_most_the_cap(catalogue, monkeypatch):
    monkeypatch.setattr(search, "RESULT_CAP", 2)
    search.invalidate_cache()
    assert search.search_products("น้ำพริก").count() == 2


def test_reindex_all_rebuilds(catalogue):
    ProductIndex.objects.all().delete()
    assert search.search_products("น้ำพริก").count() == 0
    assert search.reindex_all() == 5
    assert search.search_products("น้ำพริก").count() == 4


def test_listing_query_count_does_not_grow(catalogue, django_assert_max_num_queries):
    search.did_you_mean("ก")  # the synonym lists: read once per process
    search.invalidate_cache()
    # a query not planned since the last index write: whether its word is a title word
    # (the vocabulary); then ranking, products, photos prefetch
    with django_assert_max_num_queries(4):
        results = list(search.search_products("น้ำพริก"))
        for product in results:
            _ = product.group.name, product.category.name, product.first_photo


def test_renaming_a_group_reindexes_its_products(catalogue):
    group = catalogue["pao"].group
    assert search.search_products("ท่าช้าง").count() == 0
    group.name_th = "กลุ่มน้ำพริกท่าช้าง"
    actions.save_group(group)
    assert search.search_products("ท่าช้าง").count() == 4


def test_title_matches_come_first(catalogue):
    # A description full of the word and a short title: BM25 alone could put it first.
    jaew = make_product(
        catalogue["pao"].group,
        "แจ่วบอง",
        description_th="น้ำพริก " * 30,
        title_en="Chili",
    )
    long_title = make_product(
        catalogue["cloth"].group,
        "ชุดของฝากจากหมู่บ้าน สบู่ ผ้าขาวม้า กระติบข้าว และน้ำพริก หนึ่งกระปุก",
    )
    found = titles(search.search_products("น้ำพริก"))
    in_title = [t for t in found if "น้ำพริก" in t]
    assert found[: len(in_title)] == in_title  # every title match before any other
    assert long_title.title_th in in_title
    assert set(found[len(in_title) :]) == {jaew.title_th, catalogue["rice"].title_th}
    # the same on the second part's own ranking: two words, one only in the body
    found = titles(search.search_products("น้ำพริก ข้าวหอมมะลิ"))
    assert found == [catalogue["rice"].title_th]


def test_a_product_added_by_another_worker_shows_at_once(catalogue, tmp_path, monkeypatch):
    """Two workers are two cache clients on one store (the file cache every gunicorn worker
    opens; Redis likewise): a ranking cached by one is dropped when another adds a product."""
    from django.core.cache.backends.filebased import FileBasedCache

    def worker():
        return FileBasedCache(str(tmp_path / "cache"), {"OPTIONS": {"MAX_ENTRIES": 5000}})

    first, second = worker(), worker()
    monkeypatch.setattr(search, "cache", first)
    assert search.search_products("น้ำพริก").count() == 4
    assert search.search_products("น้ำพริก").count() == 4  # now from first's cache

    monkeypatch.setattr(search, "cache", second)
    added = make_product(catalogue["pao"].group, "น้ำพริกกากหมู", "75.00")

    monkeypatch.setattr(search, "cache", first)
    results = search.search_products("น้ำพริก")
    assert results.count() == 5
    assert added.title_th in titles(results)
