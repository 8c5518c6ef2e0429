from django.db.models import Count
from django.shortcuts import render

from pracharat.geo.models import Region


def home(request):
    regions = Region.objects.annotate(province_count=Count("provinces"))
    return render(request, "core/home.html", {"regions": regions})


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def csrf_failure(request, reason=""):
    return render(request, "403_csrf.html", status=403)
