"""Thai dictionary order: the pure sort key, and the database collation that uses it on
SQLite and ICU's th-TH on PostgreSQL (the suite runs on both)."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.db.models import Value
from django.db.models.functions import Collate
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from pracharat.core.collation import THAI, by_name, thai
from pracharat.core.lib.thaisort import sort_key
from pracharat.geo.models import Province, SubDistrict


def thai_sorted(words):
    return sorted(words, key=sort_key)


def test_leading_vowels_sort_under_their_consonant():
    assert thai_sorted(["เชียงใหม่", "ชลบุรี", "จันทบุรี", "ฉะเชิงเทรา"]) == [
        "จันทบุรี",
        "ฉะเชิงเทรา",
        "ชลบุรี",
        "เชียงใหม่",
    ]
    assert thai_sorted(["ไก่", "เกิด", "กาล", "เป็ด", "หมู", "วัว", "วันที่"]) == [
        "กาล",
        "เกิด",
        "ไก่",
        "เป็ด",
        "วันที่",
        "วัว",
        "หมู",
    ]


def test_tone_marks_count_only_after_the_letters():
    assert thai_sorted(["ก้า", "กา่", "ก่า", "กา", "กาก"]) == ["กา", "กา่", "ก่า", "ก้า", "กาก"]
    assert thai_sorted(["ก๋", "ก็", "ก์", "ก่", "ก"]) == ["ก", "ก์", "ก็", "ก่", "ก๋"]


def test_spaces_punctuation_digits_and_latin():
    assert thai_sorted(["กข", "ก ข", "ก-ข"]) == ["ก ข", "ก-ข", "กข"]  # spaces skipped
    assert thai_sorted(["a", "ก", "1", "A"]) == ["1", "ก", "a", "A"]  # digits, Thai, Latin
    assert sort_key("๑")[:3] == sort_key("1")[:3]  # Thai digits are digits


@given(st.lists(st.text(alphabet="กขคเแโใไาิีุู่้๊๋ะั ำaA1", max_size=6), max_size=30))
def test_the_key_is_a_total_order(words):
    once = thai_sorted(words)
    assert thai_sorted(reversed(once)) == once
    assert all(sort_key(a) <= sort_key(b) for a, b in itertools.pairwise(once))


@pytest.mark.django_db
def test_the_database_orders_provinces_in_thai_dictionary_order():
    names = list(Province.objects.order_by(thai("name_th")).values_list("name_th", flat=True))
    assert len(names) == 77 and names == thai_sorted(names)
    assert names.index("จันทบุรี") < names.index("ชลบุรี") < names.index("เชียงใหม่")
    assert names.index("ชัยนาท") < names.index("เชียงใหม่")  # ชั before เชีย: ั before เ
    # the model's default order is the same
    assert list(Province.objects.values_list("name_th", flat=True)) == names
    descending = Province.objects.order_by(thai("-name_th")).values_list("name_th", flat=True)
    assert list(descending) == names[::-1]


@pytest.mark.django_db
def test_the_database_agrees_with_the_key_on_every_sub_district_name():
    """Thousands of real names, sorted by the database (ICU on PostgreSQL, the Python key on
    SQLite) and by the key: the same order. On PostgreSQL this checks the key against ICU."""
    by_db = list(
        SubDistrict.objects.order_by(thai("name_th")).values_list("name_th", flat=True).distinct()
    )
    assert len(by_db) > 5000 and by_db == thai_sorted(set(by_db))


@pytest.mark.django_db
def test_the_collation_is_known_to_raw_expressions():
    assert THAI == "th_th"
    with connection.cursor() as cursor:
        cursor.execute(
            'SELECT w FROM (SELECT %s AS w UNION ALL SELECT %s) t ORDER BY w COLLATE "th_th"',
            ["เชียงใหม่", "ชลบุรี"],
        )
        assert [r[0] for r in cursor.fetchall()] == ["ชลบุรี", "เชียงใหม่"]
    first = Province.objects.annotate(t=Collate(Value("ก"), THAI)).values_list("t", flat=True)
    assert first[0] == "ก"


@pytest.mark.django_db
def test_by_name_follows_the_page_language():
    with translation.override("th"):
        thai_names = list(Province.objects.order_by(*by_name()).values_list("name_th", flat=True))
    with translation.override("en"):
        english = list(Province.objects.order_by(*by_name()).values_list("name_en", flat=True))
    assert thai_names == thai_sorted(thai_names)
    assert english == sorted(english, key=str.lower)


@pytest.mark.django_db
def test_lists_of_places_are_in_thai_order(client):
    country = client.get(reverse("geo:country"))
    for region in country.context["regions"]:
        names = [p.name_th for p in region.provinces.all()]
        assert names == thai_sorted(names)
    html = country.content.decode()  # the east: Chanthaburi, Chon Buri, Chachoengsao
    assert html.index("จันทบุรี") < html.index("ฉะเชิงเทรา") < html.index("ชลบุรี")
    district = client.get(reverse("geo:area", args=["50"]))  # Chiang Mai's districts
    names = [d.name_th for d in district.context["districts"]]
    assert names == thai_sorted(names) and len(names) > 20
