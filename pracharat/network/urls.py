from django.urls import path

from pracharat.network import views

app_name = "network"
urlpatterns = [path("", views.index, name="index")]
