from django.contrib import admin
from django.urls import include, path, re_path

from pracharat.api import api, api_not_found
from pracharat.core.views import media

handler404 = "pracharat.core.views.page_not_found"
handler500 = "pracharat.core.views.server_error"

urlpatterns = [
    path("", include("pracharat.core.urls")),
    path("geo/", include("pracharat.geo.urls")),
    path("accounts/", include("pracharat.accounts.urls")),
    path("network/", include("pracharat.network.urls")),
    path("market/", include("pracharat.market.urls")),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Public uploads, in every mode; private files (photos of faults, slips) have no URL here.
    path("media/<path:path>", media, name="media"),
]
