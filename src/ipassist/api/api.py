"""The JSON API: one NinjaAPI, one router per app, one error format, rate limits for everyone.

OpenAPI at /api/openapi.json, interactive docs at /api/docs. Adding an app's router is one line
in ``ROUTERS`` below.
"""

from __future__ import annotations

from ninja import NinjaAPI

from ipassist.api import errors
from ipassist.api.auth import PRIVATE
from ipassist.api.docs import SelfHostedSwagger
from ipassist.api.throttling import AnonymousRate, CallerRate

#: (URL prefix under /api, router module path). The statistics router goes here too.
ROUTERS = [
    ("/programmes", "ipassist.api.routers.catalogue.router"),
    ("/activities", "ipassist.api.routers.activities.router"),
    ("/activities", "ipassist.api.routers.participants.router"),
    ("/requests", "ipassist.api.routers.requests.router"),
    ("", "ipassist.api.routers.account.router"),
    ("", "ipassist.api.routers.statistics.router"),
]

DESCRIPTION = (
    "The programme catalogue, the public register of activities and public statistics for everyone; "
    "requests, activities and participants as the caller's own access allows, with a personal API "
    "token (`Authorization: Bearer <token>`, created on the API tokens page of your account) or the "
    "browser's session (writes then need the `X-CSRFToken` header). Every list takes `limit` (at most "
    "100), `offset` and `ordering`. Errors answer "
    '`{"error": {"status", "code", "message", "details"}}`. See docs/api.md in the repository.'
)


def build() -> NinjaAPI:
    api = NinjaAPI(
        title="ipassist API",
        version="1",
        description=DESCRIPTION,
        docs=SelfHostedSwagger(),
        docs_url="/docs",
        openapi_url="/openapi.json",
        urls_namespace="api",
        auth=PRIVATE,
        throttle=[AnonymousRate(), CallerRate()],
    )
    errors.install(api)
    for prefix, router in ROUTERS:
        api.add_router(prefix, router)
    return api


api = build()
