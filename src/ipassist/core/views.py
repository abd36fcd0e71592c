from __future__ import annotations

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import get_supported_language_variant
from django.views.decorators.http import require_GET

from ipassist.catalogue import selectors as catalogue_selectors
from ipassist.core import throttle
from ipassist.core.forms import EmailAuthenticationForm


@require_GET
def home(request):
    providers = catalogue_selectors.providers_with_programmes(user=request.user)
    programmes = catalogue_selectors.programme_list(
        user=request.user, filters=catalogue_selectors.CatalogueFilters()
    )
    return render(
        request,
        "core/home.html",
        {"providers": providers, "programme_count": programmes.count()},
    )


class LoginView(auth_views.LoginView):
    """Sign in by e-mail. Repeated failures for one address from one client are throttled."""

    template_name = "core/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def post(self, request, *args, **kwargs):
        key = throttle.login_key(request, request.POST.get("username", ""))
        if throttle.is_blocked(key):
            form = self.get_form()
            form.errors.clear()
            form.add_error(None, throttle.blocked_message())
            return self.render_to_response(self.get_context_data(form=form), status=429)
        response = super().post(request, *args, **kwargs)
        if response.status_code == 200:  # the form was shown again: a failed attempt
            throttle.record_failure(key)
        else:
            throttle.reset(key)
        return response


def unknown_language(request, code: str, rest: str = ""):
    """``/de/catalogue/`` or ``/fr-CA/catalogue/``: serve the nearest interface language, else English."""
    try:
        target = get_supported_language_variant(code.lower().replace("_", "-"))
    except LookupError:
        target = settings.LANGUAGE_CODE
    if code == target:
        # A supported prefix reaches here only when nothing under it matched: a plain 404,
        # never a redirect to the same address.
        raise Http404
    query = f"?{request.META['QUERY_STRING']}" if request.META.get("QUERY_STRING") else ""
    return HttpResponseRedirect(f"/{target}/{rest}{query}")
