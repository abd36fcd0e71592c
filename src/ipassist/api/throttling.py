"""Rate limits: one for callers without credentials (per client address), one per token or
signed-in user. The rates are read from settings at each request (``API_RATE_ANON``,
``API_RATE_TOKEN``), so they follow the environment and tests can lower them.

The counts live in the cache: per process with the local-memory cache, shared with Redis.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from ninja.throttling import SimpleRateThrottle


class _SettingRate(SimpleRateThrottle):
    setting = ""

    def __init__(self):  # the rate is read per request, not when the API is built
        self.rate = None

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = getattr(settings, self.setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request)

    def get_ident(self, request: HttpRequest) -> str:
        # REMOTE_ADDR only, as the audit log: a forwarded-for header is whatever the client says.
        return request.META.get("REMOTE_ADDR") or "unknown"


class AnonymousRate(_SettingRate):
    scope = "anon"
    setting = "API_RATE_ANON"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = getattr(request, "auth", None)
        if caller is not None and caller.throttle_ident is not None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class CallerRate(_SettingRate):
    scope = "caller"
    setting = "API_RATE_TOKEN"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = getattr(request, "auth", None)
        ident = caller.throttle_ident if caller is not None else None
        if ident is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": ident}
