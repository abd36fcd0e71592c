"""Throttling of failed sign-ins, per e-mail address and client address, in the cache.

With the local-memory cache each gunicorn worker counts on its own; with Redis (``CACHE_URL``)
the count is shared.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.utils.translation import gettext as _

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def login_key(request, email: str) -> str:
    raw = f"{request.META.get('REMOTE_ADDR', '')}|{email.strip().lower()}"
    return "login-failures:" + hashlib.sha256(raw.encode()).hexdigest()


def is_blocked(key: str) -> bool:
    return cache.get(key, 0) >= MAX_FAILURES


def record_failure(key: str) -> None:
    if cache.add(key, 1, WINDOW_SECONDS):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, WINDOW_SECONDS)


def reset(key: str) -> None:
    cache.delete(key)


def blocked_message() -> str:
    return _("Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.") % {
        "minutes": WINDOW_SECONDS // 60
    }
