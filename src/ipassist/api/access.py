"""Who may see and use API tokens, and what a caller of the API may do. The only place these rules live.

- A token belongs to one person: only they list it, and only they revoke it. Anyone else's token
  is 404, the same as one that does not exist.
- A call made with a token acts as its owner, and writes only with a read-and-write token. A call
  made from a signed-in browser session may read and write (with the CSRF token on writes).
- What a caller may read or change is then decided by each app's own ``access.py``.
"""

from __future__ import annotations

from django.db.models import QuerySet

from ipassist.api.models import ApiToken
from ipassist.core.access import as_id, deny


def tokens_of(user) -> QuerySet[ApiToken]:
    if not getattr(user, "is_authenticated", False):
        return ApiToken.objects.none()
    return ApiToken.objects.filter(user=user)


def get_token_for_user(user, pk) -> ApiToken:
    token = tokens_of(user).filter(pk=as_id(pk)).first()
    if token is None:
        deny()
    return token


def can_write(caller) -> bool:
    """Whether an API caller may use write operations at all (the apps then decide on the record)."""
    if not caller.is_authenticated:
        return False
    return caller.token is None or caller.token.can_write
