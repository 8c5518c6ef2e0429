from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve as serve_media

from pracharat.api import api, api_not_found

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
]

if not settings.PRODUCTION:
    # The embedded default serves uploads itself; production puts them behind the web server.
    urlpatterns.append(
        path("media/<path:path>", serve_media, {"document_root": settings.MEDIA_ROOT})
    )
