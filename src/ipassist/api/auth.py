"""Who is calling: a personal token (``Authorization: Bearer ipa_…``), a signed-in browser session,
or nobody. Every operation gets a :class:`Caller` as ``request.auth``.

- A token that is unknown, revoked or expired answers 401, even if a session cookie came along:
  a system that sends a token means to be that token.
- A session may write only with Django's CSRF token (the ``X-CSRFToken`` header), as any form.
- Public operations accept all three; the others answer 401 to nobody.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from ipassist.api import access, services
from ipassist.api.models import ApiToken


@dataclass
class Caller:
    user: object
    token: ApiToken | None = None

    def __bool__(self) -> bool:  # ninja takes a falsy result as "not authenticated"
        return True

    @property
    def is_authenticated(self) -> bool:
        return bool(getattr(self.user, "is_authenticated", False))

    @property
    def via(self) -> str:
        if self.token is not None:
            return "token"
        return "session" if self.is_authenticated else "anonymous"

    @property
    def can_write(self) -> bool:
        return access.can_write(self)

    @property
    def throttle_ident(self) -> str | None:
        if self.token is not None:
            return f"token-{self.token.pk}"
        if self.is_authenticated:
            return f"user-{self.user.pk}"
        return None


class TokenAuth(HttpBearer):
    """``Authorization: Bearer <token>`` with a personal API token."""

    def __call__(self, request: HttpRequest):
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _sep, secret = header.partition(" ")
        if scheme.lower() != "bearer":
            raise AuthenticationError(
                message=_("Only bearer tokens are accepted: send “Authorization: Bearer <token>”.")
            )
        return self.authenticate(request, secret.strip())

    def authenticate(self, request: HttpRequest, token: str):
        found = services.token_for_secret(token)
        if found is None:
            raise AuthenticationError(message=_("The API token is not valid: unknown, revoked or expired."))
        # The rest of the request (services, audit entries) acts as the token's owner.
        request.user = found.user
        return Caller(user=found.user, token=found)


class SessionAuth(APIKeyCookie):
    """The browser's session cookie; writes also need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in ("GET", "HEAD", "OPTIONS", "TRACE") and check_csrf(request):
            raise HttpError(
                403, _("CSRF check failed: send the X-CSRFToken header with the csrftoken cookie.")
            )
        return Caller(user=user)

    def authenticate(self, request: HttpRequest, key):  # required by the base class; __call__ decides
        return None


def anonymous(request: HttpRequest) -> Caller:
    return Caller(user=AnonymousUser())


TOKEN = TokenAuth()
SESSION = SessionAuth()
#: Operations anyone may call; a token or a session, when sent, is used.
PUBLIC = [TOKEN, SESSION, anonymous]
#: Operations that need a token or a session.
PRIVATE = [TOKEN, SESSION]
#: How the public operations declare it in OpenAPI: no credentials, a token, or a session.
PUBLIC_SECURITY = {"security": [{}, {"TokenAuth": []}, {"SessionAuth": []}]}


def require_write(request: HttpRequest) -> Caller:
    """The caller of a write operation, or 403 for a read-only token (nobody gets 401 earlier)."""
    caller: Caller = request.auth
    if not caller.can_write:
        raise HttpError(403, _("This token is read-only: create a read-and-write token to change data."))
    return caller
