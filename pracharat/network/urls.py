from django.urls import path, re_path

from pracharat.network import views, views_lawful, views_sla

app_name = "network"
urlpatterns = [
    path("", views.index, name="index"),
    path("points/<str:code>/", views.point, name="point"),
    path("track/", views.track, name="track"),
    path("track/<str:reference>/", views.track_report, name="track_report"),
    re_path(
        r"^sla/(?P<code>\d{2})/(?P<month>\d{4}-\d{2})/$", views_sla.sla_report, name="sla_report"
    ),
    re_path(
        r"^sla/(?P<code>\d{2})/(?P<month>\d{4}-\d{2})/report\.(?P<fmt>csv|xlsx|pdf)$",
        views_sla.sla_report,
        name="sla_report_file",
    ),
    path("sla/", views_sla.sla_index, name="sla"),
    path("lawful/", views_lawful.lawful_search, name="lawful_search"),
    re_path(r"^map/(?P<code>\d{2})/$", views.area_map, name="map"),
    path("area/", views.area, name="country"),
    re_path(r"^area/(?P<code>\d{2}|\d{4})/$", views.area, name="area"),
    path("incidents/", views.incidents, name="incidents"),
    path("import/", views.point_import, name="point_import"),
    re_path(
        r"^import/template\.(?P<fmt>csv|xlsx)$",
        views.point_import_template,
        name="point_import_template",
    ),
    path("incidents/<int:pk>/", views.incident, name="incident"),
    path("incidents/<int:pk>/follow/", views.incident_follow, name="incident_follow"),
    path("reports/<int:pk>/photo/", views.report_photo, name="report_photo"),
    re_path(
        r"^incidents/(?P<pk>\d+)/(?P<action>acknowledge|note|resolve)/$",
        views.incident_action,
        name="incident_action",
    ),
]
