import datetime as dt

import pytest
from django.utils import translation

from pracharat.core import i18n
from pracharat.core.lib import thaidate


class Place(i18n.BilingualName):
    title = i18n.bilingual("title")

    def __str__(self) -> str:
        return self.name

    def __init__(self, name_th, name_en, title_th="", title_en=""):
        self.name_th, self.name_en = name_th, name_en
        self.title_th, self.title_en = title_th, title_en


def test_names_follow_the_language_and_fall_back_to_thai():
    both = Place("พิษณุโลก", "Phitsanulok", "หัวเรื่อง", "Heading")
    thai_only = Place("บ้านคลองเมม", "")
    with translation.override("th"):
        assert both.name == str(both) == "พิษณุโลก" and both.title == "หัวเรื่อง"
    with translation.override("en"):
        assert both.name == str(both) == "Phitsanulok" and both.title == "Heading"
        assert thai_only.name == "บ้านคลองเมม"
    with translation.override(None):  # no active language: Thai, the default
        assert both.name == "พิษณุโลก" and i18n.is_thai()
    assert isinstance(Place.title, i18n.bilingual)  # on the class: the descriptor itself


@pytest.mark.django_db
def test_the_models_take_the_mixin(phitsanulok_officer):
    from pracharat.accounts.models import Agency
    from pracharat.geo.models import Province, SubDistrict

    province = Province.objects.get(code="65")
    agency = Agency(name_th="สำนักงานสถิติจังหวัด", name_en="Provincial Statistics Office")
    with translation.override("en"):
        assert str(province) == province.name_en and agency.name == agency.name_en
    with translation.override("th"):
        assert str(province) == "พิษณุโลก" and str(agency) == "สำนักงานสถิติจังหวัด"
    tha_chang = SubDistrict.objects.select_related("district__province").get(code="650602")
    with translation.override("th"):
        assert tha_chang.address == "ต.ท่าช้าง อ.พรหมพิราม จ.พิษณุโลก 65150"
    with translation.override("en"):
        assert tha_chang.address == "Tha Chang, Phrom Phiram, Phitsanulok 65150"


def test_dates_and_periods_in_each_language():
    day = dt.date(2026, 1, 1)
    fy = thaidate.fiscal_year(2569)
    with translation.override("th"):
        assert i18n.date_label(dt.date(2020, 7, 23), "long") == "วันพฤหัสบดีที่ 23 กรกฎาคม 2563"
        assert i18n.month_label(dt.date(2026, 11, 1)) == "พฤศจิกายน 2569"
        assert i18n.month_label(dt.date(2026, 11, 1), short=True) == "พ.ย."
        assert i18n.year_label(day) == "2569" and i18n.year_label(2026) == "2569"
        assert i18n.day_tick(day) == "ม.ค." and i18n.day_tick(dt.date(2026, 1, 5)) == "5"
        assert i18n.fiscal_year_label(fy) == "ปีงบประมาณ 2569"
        assert i18n.datetime_label(dt.datetime(2026, 1, 1, 9, 5)) == "1 ม.ค. 2569 09:05 น."
    with translation.override("en"):
        assert i18n.date_label(dt.date(2020, 7, 23)) == "23 July 2020"
        assert i18n.month_label(dt.date(2026, 11, 1)) == "November 2026"
        assert i18n.month_label(dt.date(2026, 11, 1), short=True) == "Nov"
        assert i18n.year_label(day) == "2026" and i18n.day_tick(day) == "Jan"
        assert i18n.fiscal_year_label(fy) == "Fiscal year 2026"
    assert i18n.date_label(None) == "" and i18n.datetime_label(None) == ""
