from django.urls import path

from ipassist.core.exports import export_urls
from ipassist.events import views, views_evaluations, views_import

app_name = "events"

urlpatterns = [
    path("", views.activity_list, name="list"),
    *export_urls("export", views.activity_export, name="export"),
    path("new/", views.activity_create, name="create"),
    path("series/<slug:slug>/", views.series_detail, name="series"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/status/<slug:action>/", views.activity_move, name="move"),
    path("<int:pk>/invitations/", views.invitation_set, name="invite"),
    path("<int:pk>/invitations/<int:invitation>/remove/", views.invitation_remove, name="uninvite"),
    path("<int:pk>/speakers/", views.speaker_add, name="speaker_add"),
    path("<int:pk>/speakers/<int:speaker>/remove/", views.speaker_remove, name="speaker_remove"),
    path("<int:pk>/sessions/", views.session_add, name="session_add"),
    path("<int:pk>/sessions/<int:session>/remove/", views.session_remove, name="session_remove"),
    path("<int:pk>/documents/", views.document_upload, name="upload"),
    path("<int:pk>/documents/<int:document>/", views.document_download, name="document"),
    path("<int:pk>/documents/<int:document>/remove/", views.document_remove, name="document_remove"),
    path("<int:pk>/register/", views.register, name="register"),
    path("<int:pk>/nominate/<int:invitation>/", views.nominate, name="nominate"),
    path("<int:pk>/participants/", views.participant_list, name="participants"),
    *export_urls("<int:pk>/participants", views.participant_export, name="participants_export"),
    path("<int:pk>/participants/add/", views.participant_add, name="participant_add"),
    path("<int:pk>/participants/<int:participant>/", views.participant_detail, name="participant"),
    path(
        "<int:pk>/participants/<int:participant>/certificate.pdf",
        views.certificate_download,
        name="certificate",
    ),
    path(
        "<int:pk>/participants/<int:participant>/<slug:action>/",
        views.participant_decide,
        name="decide",
    ),
    path("<int:pk>/attendance/", views.attendance_sheet, name="attendance"),
    *export_urls("<int:pk>/attendance", views.attendance_export, name="attendance_export"),
    path("<int:pk>/certificates/", views.certificates_issue, name="certificates"),
    *views_import.urlpatterns,
    *views_evaluations.urlpatterns,
]
