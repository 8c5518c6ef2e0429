from django.urls import include, path

app_name = "learning"

urlpatterns = [
    path("", include("pracharat.learning.certificate_urls")),
]
