from django.urls import include, path, re_path

from pracharat.learning import views

app_name = "learning"
urlpatterns = [
    path("", views.index, name="index"),
    re_path(r"^province/(?P<code>\d{2})/$", views.province, name="province"),
    re_path(r"^province/(?P<code>\d{2})/calendar\.ics$", views.province_ics, name="province_ics"),
    path("centres/<slug:slug>/", views.centre, name="centre"),
    path("centres/<slug:slug>/calendar.ics", views.centre_ics, name="centre_ics"),
    path("points/<str:code>/calendar.ics", views.point_ics, name="point_ics"),
    path("classes/new/", views.cohort_new, name="cohort_new"),
    path("classes/<int:pk>/", views.cohort, name="cohort"),
    path("classes/<int:pk>/manage/", views.manage, name="manage"),
    re_path(
        r"^classes/(?P<pk>\d+)/(?P<action>open|close|start|complete|cancel)/$",
        views.cohort_action,
        name="cohort_action",
    ),
    path("sessions/<int:pk>/qr/", views.session_qr, name="session_qr"),
    path("sessions/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("me/<str:key>/", views.me, name="me"),
    path("c/<str:token>/", views.checkin_qr, name="checkin"),
    path("checkin/", views.checkin_code, name="checkin_code"),
    path("mine/", views.mine, name="mine"),
    path("bookings/new/", views.booking_new, name="booking_new"),
    re_path(
        r"^bookings/(?P<pk>\d+)/(?P<action>confirm|decline|cancel)/$",
        views.booking_action,
        name="booking_action",
    ),
    path("import/", views.centre_import, name="import"),
    re_path(r"^import/template\.(?P<fmt>csv|xlsx)$", views.import_template, name="import_template"),
    # learn-cert: certificates (verification, PDF, credential) and the indicators
    path("", include("pracharat.learning.certificate_urls")),
]
