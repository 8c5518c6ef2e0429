from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from pracharat.core.lib.thaidate import fiscal_year_of
from pracharat.geo.models import Region


def index(request):
    regions = Region.objects.annotate(province_count=Count("provinces"))
    today = timezone.localdate()
    fiscal = fiscal_year_of(today)
    label = _("Fiscal year %(year)s") % {"year": fiscal.be if _thai() else fiscal.be - 543}
    return render(
        request, "home/index.html", {"regions": regions, "today": today, "fiscal_year_label": label}
    )


def _thai() -> bool:
    return (get_language() or "th").startswith("th")
