"""Writing the append-only audit log. Services call ``record``; nothing else writes entries."""

from __future__ import annotations

from typing import Any

from django.db import models

from ipassist.core.models import AuditEntry


def _client_ip(request) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is whatever the client says it is. Behind a
    # reverse proxy, the proxy sets REMOTE_ADDR for gunicorn (--forwarded-allow-ips).
    return request.META.get("REMOTE_ADDR") if request is not None else None


def record(
    actor, action: str, target: models.Model | None = None, *, request=None, **data: Any
) -> AuditEntry:
    """Append one entry: ``record(user, "programme.published", programme, request=request)``."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEntry.objects.create(
        actor=user,
        actor_label=user.email if user else "anonymous",
        action=action,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        ip_address=_client_ip(request),
        data=data,
    )


def entries_for(target: models.Model):
    return AuditEntry.objects.filter(target_type=target._meta.label_lower, target_id=str(target.pk))
