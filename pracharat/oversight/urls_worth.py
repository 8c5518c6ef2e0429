"""The worth review's pages (included by oversight's urls.py)."""

from django.urls import path, re_path

from pracharat.oversight import views_worth

AREA = r"(?P<code>\d{2}|\d{4}|\d{6}|\d{8})"

urlpatterns = [
    path("worth/", views_worth.area, name="worth_country"),
    re_path(r"^worth\.(?P<fmt>csv|xlsx|pdf)$", views_worth.area, name="worth_country_file"),
    re_path(rf"^worth/{AREA}/$", views_worth.area, name="worth"),
    re_path(rf"^worth/{AREA}\.(?P<fmt>csv|xlsx|pdf)$", views_worth.area, name="worth_file"),
    path("worth/points/<int:pk>/", views_worth.point, name="worth_point"),
    path("worth/population/", views_worth.population_import, name="worth_population"),
    re_path(r"^worth/population/template\.(?P<fmt>csv|xlsx)$", views_worth.population_template,
            name="worth_population_template"),
    re_path(r"^worth/open\.(?P<fmt>csv|geojson)$", views_worth.open_data,
            name="worth_open_country"),
    re_path(rf"^worth/open/{AREA}\.(?P<fmt>csv|geojson)$", views_worth.open_data,
            name="worth_open"),
]  # fmt: skip
