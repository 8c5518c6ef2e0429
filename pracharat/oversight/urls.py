from django.urls import include, path

app_name = "oversight"

urlpatterns = [
    path("", include("pracharat.oversight.urls_reports")),
]
