"""The certificates' and indicators' pages, included by ``learning/urls.py`` (namespace
``learning``)."""

from django.urls import path, re_path

from pracharat.learning import certificate_views as views

CODE = r"(?P<code>[0-9A-Z]{4}-[0-9A-Z]{4})"
AREA = r"(?P<code>\d{2}|\d{4}|\d{6}|\d{8})"

urlpatterns = [
    path("certificates/", views.lookup, name="certificate_lookup"),
    path("certificates/class/<int:pk>/", views.class_certificates, name="class_certificates"),
    re_path(rf"^certificates/{CODE}/$", views.certificate, name="certificate"),
    re_path(
        rf"^certificates/{CODE}/certificate\.pdf$", views.certificate_pdf, name="certificate_pdf"
    ),
    re_path(rf"^certificates/{CODE}/credential\.jwt$", views.credential_jwt, name="credential_jwt"),
    re_path(
        rf"^certificates/{CODE}/credential\.json$", views.credential_json, name="credential_json"
    ),
    re_path(rf"^certificates/{CODE}/revoke$", views.revoke, name="certificate_revoke"),
    path("indicators/", views.indicators_page, name="indicators"),
    re_path(
        r"^indicators/export\.(?P<fmt>csv|xlsx)$", views.indicators_export, name="indicators_export"
    ),
    re_path(rf"^indicators/{AREA}/$", views.indicators_page, name="indicators_area"),
    re_path(
        rf"^indicators/{AREA}/export\.(?P<fmt>csv|xlsx)$",
        views.indicators_export,
        name="indicators_area_export",
    ),
]
