"""Writes to API tokens: create (the secret is returned once, only its hash is kept), revoke, and
recording when a token was last used."""

from __future__ import annotations

import hashlib
import secrets
import string
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from ipassist.api import access
from ipassist.api.models import ApiToken
from ipassist.core import audit
from ipassist.core.access import deny

TOKEN_PREFIX = "ipa_"  # noqa: S105 — the public start of every token, not a secret
_PREFIX_ALPHABET = string.ascii_letters + string.digits
_PREFIX_LENGTH = 8
# A token's last use is written at most this often, so that reads do not each cost a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _new_secret() -> tuple[str, str]:
    """``ipa_<8 letters or digits>_<43 url-safe characters>`` (256 random bits) and its prefix."""
    prefix = TOKEN_PREFIX + "".join(secrets.choice(_PREFIX_ALPHABET) for _i in range(_PREFIX_LENGTH))
    return f"{prefix}_{secrets.token_urlsafe(32)}", prefix


def token_create(
    *, by, name: str, scope: str, expires_at: datetime | None = None, request=None
) -> tuple[ApiToken, str]:
    """A new token for ``by``; returns it with its secret, which is not stored and cannot be shown again."""
    if not getattr(by, "is_authenticated", False):
        deny()
    for _attempt in range(5):  # a clash of two 8-character prefixes is rare; try again
        secret, prefix = _new_secret()
        try:
            with transaction.atomic():
                token = ApiToken.objects.create(
                    user=by,
                    name=name.strip()[:100],
                    prefix=prefix,
                    secret_hash=hash_secret(secret),
                    scope=ApiToken.Scope(scope),
                    expires_at=expires_at,
                )
                audit.record(
                    by,
                    "api_token.created",
                    token,
                    request=request,
                    prefix=prefix,
                    scope=token.scope,
                    expires_at=expires_at.isoformat() if expires_at else None,
                )
        except IntegrityError:
            continue
        return token, secret
    raise RuntimeError("Could not find an unused token prefix.")


@transaction.atomic
def token_revoke(*, token: ApiToken, by, request=None) -> ApiToken:
    """Revoke one of ``by``'s own tokens; it stops working at once. Revoking twice changes nothing."""
    token = access.get_token_for_user(by, token.pk)
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is not None:
        return locked
    locked.revoked_at = timezone.now()
    locked.save(update_fields=["revoked_at"])
    audit.record(by, "api_token.revoked", locked, request=request, prefix=locked.prefix)
    return locked


def token_for_secret(secret: str) -> ApiToken | None:
    """The usable token with this secret (not revoked, not expired, owner active), else None.

    Looked up by the hash of the secret: the secret itself is never stored or compared."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(secret_hash=hash_secret(secret)).first()
    now = timezone.now()
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
