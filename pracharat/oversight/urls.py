from django.urls import include, path, re_path

from pracharat.oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.index, name="index"),
    path("agencies/", views.agencies, name="agencies"),
    path("agencies/<slug:slug>/", views.agency, name="agency"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/new/", views.meeting_edit, name="meeting_new"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/decisions/", views.meeting_decisions, name="meeting_decisions"),
    path("meetings/<int:pk>/attendees/", views.meeting_attendee, name="meeting_attendee"),
    path("announcements/", views.announcements, name="announcements"),
    path("plans/", views.plans, name="plans"),
    path("visits/", views.visits, name="visits"),
    path("visits/new/", views.visit_edit, name="visit_new"),
    path("visits/<int:pk>/", views.visit, name="visit"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
    path("visits/<int:pk>/places/", views.visit_place, name="visit_place"),
    re_path(r"^visits/(?P<pk>\d+)/(?P<move>submit|reopen)/$", views.visit_move, name="visit_move"),
    path("visits/<int:pk>/findings/new/", views.finding_new, name="finding_new"),
    path("findings/<int:pk>/actions/new/", views.action_new, name="action_new"),
    path("photos/<int:pk>/", views.finding_photo, name="finding_photo"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/", views.action, name="action"),
    path("actions/<int:pk>/update/", views.action_update, name="action_update"),
    re_path(
        r"^actions/(?P<pk>\d+)/(?P<move>start|finish|give_up|verify|reopen)/$",
        views.action_move,
        name="action_move",
    ),
    path("evidence/<int:pk>/", views.evidence_file, name="evidence"),
    # Reports, news and dashboards (ov-reports).
    path("", include("pracharat.oversight.urls_reports")),
    # The worth review (issue 14).
    path("", include("pracharat.oversight.urls_worth")),
]
