"""Shared vocabulary of the access layer.

Each app's ``access.py`` owns its rules and is the only place that decides visibility. They speak
in terms of what is defined here: a ``Need`` (what the caller wants to do) and the caller's
memberships. "Not allowed" and "not found" are the same answer: :func:`deny` raises ``Http404``.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from ipassist.core.models import Membership


class Need(StrEnum):
    VIEW = "view"
    CREATE = "create"
    EDIT = "edit"
    PUBLISH = "publish"
    TRIAGE = "triage"
    DELETE = "delete"


def deny() -> None:
    raise Http404


def as_id(value) -> int:
    """A row id from a URL or a form; anything else is the same 404 as a missing row."""
    try:
        return int(value)
    except (TypeError, ValueError):
        deny()


def _memberships(user) -> frozenset[tuple[int, str]]:
    """The caller's active (organisation id, role) pairs, cached on the user object per request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_ipassist_memberships", None)
    if cached is None:
        cached = frozenset(
            Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).values_list(
                "organisation_id", "role"
            )
        )
        user._ipassist_memberships = cached
    return cached


def organisations_where(user, role: str) -> frozenset[int]:
    return frozenset(org_id for org_id, r in _memberships(user) if r == role)


def officer_organisations(user) -> frozenset[int]:
    return organisations_where(user, Membership.Role.OFFICER)


def is_officer(user, organisation_id: int | None = None) -> bool:
    orgs = officer_organisations(user)
    return bool(orgs) if organisation_id is None else organisation_id in orgs
