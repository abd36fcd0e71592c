from django.urls import path

from ipassist.catalogue import views
from ipassist.core.exports import export_urls

app_name = "catalogue"

urlpatterns = [
    path("", views.catalogue_list, name="list"),
    *export_urls("export", views.catalogue_export, name="export"),
    path("new/", views.programme_create, name="create"),
    path("<slug:slug>/", views.programme_detail, name="detail"),
    path("<slug:slug>/edit/", views.programme_edit, name="edit"),
    path("<slug:slug>/<slug:action>/", views.programme_transition, name="transition"),
]
