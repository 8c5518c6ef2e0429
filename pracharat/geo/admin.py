from django.contrib import admin

from pracharat.core.admin import ThaiDatesAdmin
from pracharat.geo.models import District, Province, SubDistrict, Village


@admin.register(Province)
class ProvinceAdmin(ThaiDatesAdmin):
    list_display = ["code", "name_th", "name_en", "region"]
    search_fields = ["code", "name_th", "name_en"]


@admin.register(District)
class DistrictAdmin(ThaiDatesAdmin):
    list_display = ["code", "name_th", "name_en", "province"]
    search_fields = ["code", "name_th", "name_en"]
    list_select_related = ["province"]


@admin.register(SubDistrict)
class SubDistrictAdmin(ThaiDatesAdmin):
    list_display = ["code", "name_th", "name_en", "postcode"]
    search_fields = ["code", "name_th", "name_en", "postcode"]


@admin.register(Village)
class VillageAdmin(ThaiDatesAdmin):
    list_display = ["code", "moo", "name_th", "name_en"]
    search_fields = ["code", "name_th", "name_en"]
    raw_id_fields = ["subdistrict"]
