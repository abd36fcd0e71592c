from django.urls import include, path

from ipassist.reports import views, views_iati

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    path("statistics/", views.public_statistics, name="statistics"),
    path("open-data/", include(views_iati.urlpatterns)),
]
