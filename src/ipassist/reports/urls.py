from django.urls import include, path

from ipassist.core.exports import export_urls
from ipassist.reports import views, views_iati

app_name = "reports"

urlpatterns = [
    path("reports/", views.dashboard, name="dashboard"),
    *export_urls("reports/data/<slug:name>", views.dashboard_data, name="dashboard_data"),
    path("statistics/", views.public_statistics, name="statistics"),
    *export_urls("statistics/data/<slug:name>", views.statistics_data, name="statistics_data"),
    path("open-data/", include(views_iati.urlpatterns)),
]
