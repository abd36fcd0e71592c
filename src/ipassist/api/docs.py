"""The interactive documentation at /api/docs: Swagger UI from the static files django-ninja ships
(no CDN), on a page without inline script, so that it runs under the site's CSP."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import DocsBase


class SelfHostedSwagger(DocsBase):
    template = "api/docs.html"

    def render_page(self, request: HttpRequest, api, **kwargs) -> HttpResponse:
        settings = {
            "url": self.get_openapi_url(api, kwargs),
            "layout": "BaseLayout",
            "deepLinking": True,
            # No "try it out" against third-party validators: the badge would load from the internet.
            "validatorUrl": None,
        }
        return render(request, self.template, {"api": api, "swagger_settings": settings})
