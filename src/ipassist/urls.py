from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.i18n import set_language

from ipassist.core import views as core_views

urlpatterns = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("api/", include("ipassist.api.urls")),
]

urlpatterns += i18n_patterns(
    path("", include("ipassist.core.urls")),
    path("catalogue/", include("ipassist.catalogue.urls")),
    path("requests/", include("ipassist.casework.urls")),
    path("events/", include("ipassist.events.urls")),
    path("", include("ipassist.reports.urls")),
    path("account/api-tokens/", include("ipassist.api.pages")),
    prefix_default_language=True,
)

# A language prefix the interface does not offer falls back to the nearest one, else English.
urlpatterns += [
    re_path(r"^(?P<code>[A-Za-z]{2}(?:[-_][A-Za-z0-9]{2,8})?)/(?P<rest>.*)$", core_views.unknown_language),
]
