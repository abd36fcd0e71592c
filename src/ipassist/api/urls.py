"""The JSON API under /api/: the NinjaAPI's URLs, each answering in the API's error format where
django-ninja would answer otherwise (405 as plain text, 404 as an HTML page), and a 404 in that
format for any other path under /api/."""

from __future__ import annotations

from functools import wraps

from django.http import Http404, HttpResponseNotAllowed
from django.urls import URLPattern, include, path, re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from ipassist.api.api import api
from ipassist.api.errors import error_response

# The documentation and the schema are plain pages: GET (and HEAD) only.
_READ_ONLY = {"openapi-json", "openapi-view"}
# LocaleMiddleware answers a 404 outside the language prefixes with a redirect to "/en" + the path
# whenever that path resolves, and the site's catch-all for unknown languages resolves every
# "/xx/…" path. Finishing API responses under a URL configuration without language prefixes keeps
# an API 404 a 404 (request.urlconf is what middleware reads; routing was done already).
_API_URLCONF = "ipassist.api.root_urls"


def _outside_language_prefixes(request) -> None:
    request.urlconf = _API_URLCONF


def _in_error_format(view, *, read_only: bool = False):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        _outside_language_prefixes(request)
        if read_only and request.method not in ("GET", "HEAD"):
            response = HttpResponseNotAllowed(["GET", "HEAD"])
        else:
            try:
                response = view(request, *args, **kwargs)
            except Http404:
                return error_response(404, _("Not found. The operations are listed at /api/docs."))
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            response = error_response(
                405,
                _("Method %(method)s is not allowed here; use %(allowed)s.")
                % {"method": request.method, "allowed": allowed},
            )
            response["Allow"] = allowed
        return response

    wrapper.csrf_exempt = getattr(view, "csrf_exempt", False)
    return wrapper


def _wrapped(patterns):
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _in_error_format(pattern.callback, read_only=pattern.name in _READ_ONLY)
    return patterns


@csrf_exempt  # it changes nothing, and answers every method the same
def unknown_path(request, rest: str = ""):
    _outside_language_prefixes(request)
    message = _("Not found. The operations are listed at /api/docs.")
    if rest.endswith("/"):
        message += " " + _("API paths do not end with a slash.")
    return error_response(404, message)


_patterns, _app_name, _namespace = api.urls

urlpatterns = [
    path("", include((_wrapped(_patterns), _app_name), namespace=_namespace)),
    re_path(r"^(?P<rest>.*)$", unknown_path),
]
