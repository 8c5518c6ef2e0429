from django.contrib.auth import views as auth_views
from django.urls import path

from pracharat.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("me/", views.me, name="me"),
    path("me/tokens/", views.create_token, name="create_token"),
    path("me/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<slug:slug>/", views.agency, name="agency"),
]
