from django.urls import path, re_path

from pracharat.geo import views

app_name = "geo"
urlpatterns = [
    path("", views.country, name="country"),
    path("address/", views.address_suggest, name="address"),
    re_path(r"^(?P<code>\d{2}|\d{4}|\d{6}|\d{8})/$", views.area, name="area"),
]
