from django.urls import path

from ipassist.casework import views
from ipassist.core.exports import export_urls

app_name = "casework"

urlpatterns = [
    path("", views.request_list, name="list"),
    *export_urls("export", views.request_export, name="export"),
    path("new/", views.request_create, name="create"),
    path("undertakings/<int:pk>/", views.undertaking, name="undertaking"),
    path("<int:pk>/", views.request_detail, name="detail"),
    path("<int:pk>/edit/", views.request_edit, name="edit"),
    path("<int:pk>/messages/", views.message_create, name="message"),
    path("<int:pk>/documents/", views.document_upload, name="upload"),
    path("<int:pk>/documents/<int:document>/", views.document_download, name="document"),
    path("<int:pk>/lead/", views.lead_update, name="lead"),
    path("<int:pk>/experts/", views.expert_assign, name="assign"),
    path("<int:pk>/experts/<int:assignment>/remove/", views.assignment_remove, name="unassign"),
    path("<int:pk>/<slug:action>/", views.request_transition, name="transition"),
]
