"""Pages where a signed-in person manages their API tokens: list, create (the secret is shown
once, on the page that answers the creation) and revoke. Server-rendered forms, no JavaScript."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipassist.api import access, services
from ipassist.api.forms import TokenForm

app_name = "api_tokens"


def _render_list(request, form, status=200):
    return render(
        request,
        "api/tokens.html",
        {"tokens": access.tokens_of(request.user), "form": form},
        status=status,
    )


@login_required
@require_GET
def token_list(request):
    return _render_list(request, TokenForm())


@never_cache  # the page shows the secret: no copy of it may stay in a cache
@login_required
@require_http_methods(["GET", "POST"])
def token_create(request):
    if request.method == "GET":
        return redirect("api_tokens:list")
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _render_list(request, form, status=400)
    token, secret = services.token_create(
        by=request.user,
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
        expires_at=form.expires_at(),
        request=request,
    )
    context = {"token": token, "secret": secret, "api_example_url": settings.SITE_URL + reverse("api:me")}
    return render(request, "api/token_created.html", context, status=201)


@login_required
@require_POST
def token_revoke(request, pk):
    token = access.get_token_for_user(request.user, pk)
    services.token_revoke(token=token, by=request.user, request=request)
    messages.success(
        request, _("The token “%(name)s” is revoked: it no longer works.") % {"name": token.name}
    )
    return redirect("api_tokens:list")


urlpatterns = [
    path("", token_list, name="list"),
    path("new/", token_create, name="create"),
    path("<int:pk>/revoke/", token_revoke, name="revoke"),
]
