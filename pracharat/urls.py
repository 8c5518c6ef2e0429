from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.module_loading import module_has_submodule

from pracharat.api import api, api_not_found
from pracharat.core import health, registry
from pracharat.core.views import did_document, favicon, jwks, media

handler404 = "pracharat.core.views.page_not_found"
handler500 = "pracharat.core.views.server_error"


def app_urls() -> list:
    """Each app of ``settings.PRACHARAT_APPS`` that has a ``urls.py``, at its prefix."""
    return [
        path(registry.url_prefix(config), include(f"{config.name}.urls"))
        for config in registry.pracharat_apps()
        if module_has_submodule(config.module, "urls")
    ]


urlpatterns = [
    # For the load balancer and Prometheus (core.health); exempt from the HTTPS redirect.
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", health.metrics, name="metrics"),
    *app_urls(),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Public uploads, in every mode; private files (photos of faults, slips) have no URL here.
    path("media/<path:path>", media, name="media"),
    path("favicon.ico", favicon, name="favicon"),
    # The platform's public signing key (core.keys): what its signed credentials verify with.
    path(".well-known/jwks.json", jwks, name="jwks"),
    path(".well-known/did.json", did_document, name="did-document"),
]
