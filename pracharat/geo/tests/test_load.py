import pytest
from django.db.models import F

from pracharat.geo.actions import load_geography
from pracharat.geo.models import District, Province, Region, SubDistrict

pytestmark = pytest.mark.django_db


def test_the_whole_country_is_loaded():
    assert Region.objects.count() == 6
    assert Province.objects.count() == 77
    assert District.objects.count() == 929
    # 50 Bangkok khet + 877 amphoe: the dataset has one amphoe fewer than Thailand's 878
    # (its SOURCE.md says 928); the two municipal rows are kept but flagged.
    assert District.objects.filter(is_amphoe=True).count() == 927
    assert set(District.objects.filter(is_amphoe=False).values_list("code", flat=True)) == {
        "7074",
        "9077",
    }
    assert SubDistrict.objects.count() == 7451
    assert SubDistrict.objects.filter(latitude__isnull=False).count() == 7121


def test_codes_nest_from_province_to_subdistrict():
    assert not District.objects.exclude(code__startswith=F("province_id")).exists()
    bad = [
        s.code
        for s in SubDistrict.objects.select_related("district").only("code", "district__code")
        if not s.code.startswith(s.district.code)
    ]
    assert bad == []


def test_the_story_places():
    phitsanulok = Province.objects.get(code="65")
    assert (phitsanulok.name_th, phitsanulok.name_en) == ("พิษณุโลก", "Phitsanulok")
    assert District.objects.get(code="6506").name_th == "พรหมพิราม"
    tha_chang = SubDistrict.objects.get(code="650602")
    assert (tha_chang.name_th, tha_chang.postcode) == ("ท่าช้าง", "65150")
    assert tha_chang.latitude == pytest.approx(16.976) and tha_chang.longitude == pytest.approx(
        100.168
    )
    assert tha_chang.address_th() == "ต.ท่าช้าง อ.พรหมพิราม จ.พิษณุโลก 65150"


def test_loading_again_changes_nothing():
    before = list(SubDistrict.objects.order_by("code").values_list("code", "postcode", "name_th"))
    counts = load_geography()
    assert (counts.provinces, counts.districts, counts.subdistricts) == (77, 929, 7451)
    assert Province.objects.count() == 77
    after = list(SubDistrict.objects.order_by("code").values_list("code", "postcode", "name_th"))
    assert before == after


def test_loading_repairs_an_edited_row():
    SubDistrict.objects.filter(code="650602").update(postcode="00000", name_th="x")
    load_geography()
    assert SubDistrict.objects.get(code="650602").postcode == "65150"
