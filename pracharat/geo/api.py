from __future__ import annotations

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema

from pracharat.core.api_schemas import with_errors
from pracharat.geo.models import District, Province, SubDistrict, Village
from pracharat.geo.querysets import address_candidates

router = Router(tags=["geo"])


class RegionOut(Schema):
    id: int
    name_th: str
    name_en: str


class ProvinceOut(Schema):
    code: str
    name_th: str
    name_en: str
    region: RegionOut


class DistrictRef(Schema):
    code: str
    name_th: str
    name_en: str


class ProvinceDetail(ProvinceOut):
    districts: list[DistrictRef]


class DistrictOut(Schema):
    code: str
    name_th: str
    name_en: str
    province_code: str = Field(..., alias="province_id")
    is_amphoe: bool


class SubDistrictOut(Schema):
    code: str
    name_th: str
    name_en: str
    district_code: str = Field(..., alias="district_id")
    postcode: str
    latitude: float | None
    longitude: float | None


class VillageOut(Schema):
    code: str
    moo: int
    name_th: str
    name_en: str
    subdistrict_code: str = Field(..., alias="subdistrict_id")
    latitude: float | None
    longitude: float | None


class AddressOut(Schema):
    subdistrict: DistrictRef
    district: DistrictRef
    province: DistrictRef
    postcode: str
    label_th: str
    label_en: str


class SubDistrictFilter(Schema):
    district: str | None = Field(None, pattern=r"^\d{4}$", description="4-digit district code")
    postcode: str | None = Field(None, pattern=r"^\d{5}$", description="5-digit postcode")


@router.get("/provinces", response=list[ProvinceOut], summary="All 77 provinces")
def provinces(request):
    return Province.objects.select_related("region").order_by("code")


@router.get(
    "/provinces/{code}",
    response=with_errors(ProvinceDetail, 404),
    summary="One province and its districts",
)
def province(request, code: str = Path(..., pattern=r"^\d{2}$")):
    return get_object_or_404(
        Province.objects.select_related("region").prefetch_related("districts"), code=code
    )


@router.get(
    "/districts", response=with_errors(list[DistrictOut]), summary="Districts of a province"
)
def districts(request, province: str = Query(..., pattern=r"^\d{2}$")):
    return District.objects.filter(province_id=province).order_by("code")


@router.get(
    "/subdistricts",
    response=with_errors(list[SubDistrictOut], 400),
    summary="Sub-districts of a district and/or with a postcode; all 7,451 without a filter",
)
def subdistricts(request, filters: Query[SubDistrictFilter]):
    rows = SubDistrict.objects.order_by("code")
    if filters.district:
        rows = rows.filter(district_id=filters.district)
    if filters.postcode:
        rows = rows.filter(postcode=filters.postcode)
    return rows


@router.get(
    "/villages", response=with_errors(list[VillageOut]), summary="Villages of a sub-district"
)
def villages(request, subdistrict: str = Query(..., pattern=r"^\d{6}$")):
    return Village.objects.filter(subdistrict_id=subdistrict).order_by("code")


@router.get(
    "/address",
    response=with_errors(list[AddressOut]),
    summary="Address autocomplete: postcode or a Thai/English place-name fragment",
)
def address(request, q: str = Query(..., min_length=1, max_length=100)):
    return [
        {
            "subdistrict": s,
            "district": s.district,
            "province": s.district.province,
            "postcode": s.postcode,
            "label_th": s.address_th(),
            "label_en": s.address_en(),
        }
        for s in address_candidates(q)
    ]
