"""Reports, news and dashboards (included by oversight's urls.py)."""

from django.urls import path, re_path

from pracharat.oversight import feeds, views_reports

AREA = r"(?P<code>\d{2}|\d{4}|\d{6}|\d{8})"
PROVINCE = r"(?P<code>\d{2})"
FMT = r"(?P<fmt>csv|xlsx)"

urlpatterns = [
    path("dashboard/", views_reports.dashboard, name="dashboard_country"),
    re_path(rf"^dashboard\.{FMT}$", views_reports.dashboard, name="dashboard_country_file"),
    path("dashboard/provinces/", views_reports.national, name="dashboard_national"),
    re_path(rf"^dashboard/provinces\.{FMT}$", views_reports.national,
            name="dashboard_national_file"),
    re_path(rf"^dashboard/{AREA}/$", views_reports.dashboard, name="dashboard"),
    re_path(rf"^dashboard/{AREA}\.{FMT}$", views_reports.dashboard, name="dashboard_file"),
    re_path(rf"^reports/{PROVINCE}/(?P<be>\d{{4}})/$", views_reports.province_report,
            name="province_report"),
    re_path(rf"^reports/{PROVINCE}/(?P<be>\d{{4}})\.(?P<fmt>csv|xlsx|pdf)$",
            views_reports.province_report, name="province_report_file"),
    path("visits/<int:pk>/report.pdf", views_reports.visit_report_pdf, name="visit_report_pdf"),
    path("news/", views_reports.news_index, name="news_index"),
    path("news/feed.atom", feeds.CountryFeed(), name="news_feed"),
    re_path(rf"^news/area/{PROVINCE}/$", views_reports.news_index, name="news_area"),
    re_path(rf"^news/area/{PROVINCE}/feed\.atom$", feeds.ProvinceFeed(), name="news_area_feed"),
    path("news/<int:pk>/publish/", views_reports.news_publish, name="news_publish"),
    path("news/<int:pk>/<slug:slug>/", views_reports.news_detail, name="news_detail"),
    path("news/write/<int:visit_pk>/", views_reports.news_edit, name="news_edit"),
]  # fmt: skip
