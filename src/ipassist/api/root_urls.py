"""The URL configuration the API's responses are finished under (see ``urls.py``): the API alone,
without the site's language-prefixed pages."""

from django.urls import include, path

urlpatterns = [path("api/", include("ipassist.api.urls"))]
