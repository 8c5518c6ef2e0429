from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from pracharat.core import i18n
from pracharat.core.lib.thaidate import fiscal_year_of
from pracharat.geo.models import Region


def index(request):
    regions = Region.objects.annotate(province_count=Count("provinces"))
    today = timezone.localdate()
    label = i18n.fiscal_year_label(fiscal_year_of(today))
    return render(
        request, "home/index.html", {"regions": regions, "today": today, "fiscal_year_label": label}
    )
