from django.urls import path

from pracharat.market import views

app_name = "market"
urlpatterns = [path("", views.index, name="index")]
