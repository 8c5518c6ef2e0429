from django.urls import path, re_path

from pracharat.volunteers import views

app_name = "volunteers"
urlpatterns = [
    path("", views.index, name="index"),
    path("me/", views.me, name="me"),
    path("me/record/", views.record, name="record"),
    path("activities/", views.activities, name="activities"),
    path("activities/<int:pk>/edit/", views.activity_edit, name="activity_edit"),
    path("activities/<int:pk>/delete/", views.activity_delete, name="activity_delete"),
    path("activities/<int:pk>/photo/", views.activity_photo, name="activity_photo"),
    path("profile/<int:pk>/", views.profile, name="profile"),
    path("register/", views.register, name="register"),
    path("<int:pk>/", views.volunteer, name="volunteer"),
    re_path(
        r"^(?P<pk>\d+)/(?P<action>deactivate|reactivate)/$",
        views.volunteer_status,
        name="volunteer_status",
    ),
]
