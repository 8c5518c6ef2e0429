"""Thailand → province → district → sub-district → village, one page per level."""

from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from pracharat.core.collation import by_name
from pracharat.core.panels import area_panels
from pracharat.geo.models import District, Province, Region, SubDistrict, Village
from pracharat.geo.querysets import address_candidates


def country(request):
    regions = Region.objects.prefetch_related(
        Prefetch("provinces", queryset=Province.objects.order_by(*by_name()))
    )
    return render(request, "geo/country.html", {"regions": regions})


def _level_context(code: str) -> tuple[str, dict]:
    if len(code) == 2:
        province = get_object_or_404(Province.objects.select_related("region"), code=code)
        districts = province.districts.annotate(subdistrict_count=Count("subdistricts")).order_by(
            *by_name()
        )
        return "geo/province.html", {"province": province, "districts": districts}
    if len(code) == 4:
        district = get_object_or_404(District.objects.select_related("province"), code=code)
        subdistricts = district.subdistricts.annotate(village_count=Count("villages")).order_by(
            *by_name()
        )
        return "geo/district.html", {"district": district, "subdistricts": subdistricts}
    if len(code) == 6:
        subdistrict = get_object_or_404(
            SubDistrict.objects.select_related("district__province"), code=code
        )
        return "geo/subdistrict.html", {
            "subdistrict": subdistrict,
            "villages": subdistrict.villages.all(),
        }
    if len(code) == 8:
        village = get_object_or_404(
            Village.objects.select_related("subdistrict__district__province"), code=code
        )
        return "geo/village.html", {"village": village}
    raise Http404


def area(request, code: str):
    template, context = _level_context(code)
    context["panels"] = area_panels(request, code)
    return render(request, template, context)


def address_suggest(request):
    """htmx fragment for address fields; also a plain page without JavaScript."""
    text = request.GET.get("q", "")[:100]
    rows = address_candidates(text)
    template = "geo/_suggest.html" if request.headers.get("HX-Request") else "geo/suggest.html"
    return render(request, template, {"rows": rows, "q": text})
