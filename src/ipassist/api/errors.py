"""The one error format of the API, and the handlers that turn every failure into it.

Every error, whatever raised it, answers::

    {"error": {"status": 404, "code": "not_found", "message": "Not found.", "details": []}}

``details`` lists what was wrong with which input (``location``: query, path, body, form, file;
``field``: the parameter), or who changed a record since the caller read it (409).
"""

from __future__ import annotations

import logging
import math
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from ipassist.core.concurrency import StaleEdit

logger = logging.getLogger("django.request")


class ErrorDetail(Schema):
    location: str | None = None
    field: str | None = None
    message: str


class ErrorBody(Schema):
    status: int
    code: str
    message: str
    details: list[ErrorDetail] = []
    # On 409 only: the record's revision now, to read it again before retrying.
    current_revision: int | None = None


class ErrorOut(Schema):
    error: ErrorBody


class ApiError(Exception):
    """Raised by the API's own code: ``ApiError(400, "invalid_filter", message, details=[...])``."""

    def __init__(self, status: int, code: str, message: str, details: list[dict] | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details or []


def bad_request(
    field: str, message: str, *, location: str = "query", code: str = "invalid_request"
) -> ApiError:
    return ApiError(400, code, message, [{"location": location, "field": field, "message": message}])


CODES = {
    400: "invalid_request",
    401: "not_authenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    429: "throttled",
    500: "server_error",
}


def error_body(
    status: int, message: str, *, code: str | None = None, details: list[dict] | None = None, **extra: Any
) -> dict:
    body = {"status": status, "code": code or CODES.get(status, "error"), "message": message}
    body["details"] = details or []
    body.update(extra)
    return {"error": body}


def error_response(status: int, message: str, **kwargs: Any) -> HttpResponse:
    """The error format as a plain Django response, for the few answers made outside ninja."""
    return JsonResponse(error_body(status, message, **kwargs), status=status)


#: The responses every operation declares besides its success, so that clients (and schemathesis)
#: know the shape of each failure.
READ_ERRORS = {400: ErrorOut, 401: ErrorOut, 404: ErrorOut, 429: ErrorOut, 500: ErrorOut}
WRITE_ERRORS = {**READ_ERRORS, 403: ErrorOut, 409: ErrorOut, 413: ErrorOut}


# --- handlers ---------------------------------------------------------------------------------


def _validation_details(errors: list[dict]) -> list[dict]:
    details = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        location = loc[0] if loc else None
        # ninja names the body's parameter first ("body", "payload", "city"): the caller knows "city".
        field = ".".join(loc[2:] if location == "body" else loc[1:]) or None
        details.append({"location": location, "field": field, "message": str(error.get("msg", ""))})
    return details


def _validation_message(details: list[dict]) -> str:
    first = details[0] if details else {}
    if first.get("field"):
        message = _("Invalid %(location)s parameter “%(field)s”: %(message)s") % {
            "location": first.get("location") or "",
            "field": first["field"],
            "message": first["message"],
        }
    else:
        message = _("The request is not valid: %(message)s") % {"message": first.get("message", "")}
    if len(details) > 1:
        more = len(details) - 1
        message += " " + ngettext("(and %(count)d more problem)", "(and %(count)d more problems)", more) % {
            "count": more
        }
    return message


def install(api) -> None:
    """Register the handlers on a NinjaAPI; they replace ninja's defaults (422, plain 500 …)."""

    def respond(request, status: int, message: str, **kwargs) -> HttpResponse:
        return api.create_response(request, error_body(status, message, **kwargs), status=status)

    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        details = _validation_details(exc.errors)
        return respond(request, 400, _validation_message(details), details=details)

    def on_api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return respond(request, exc.status, exc.message, code=exc.code, details=exc.details)

    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return respond(request, 404, _("Not found."))

    def on_authentication(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = exc.message if exc.message != "Unauthorized" else _("Authentication required.")
        response = respond(request, 401, message)
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        wait = max(1, math.ceil(exc.wait)) if exc.wait is not None else 1
        response = respond(
            request,
            429,
            _("Too many requests. Please wait %(seconds)d seconds and try again.") % {"seconds": wait},
        )
        response["Retry-After"] = str(wait)
        return response

    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, str(exc))

    def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, _("The request body is too large."))

    def on_suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return respond(request, 400, _("The request could not be read."))

    def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or _("You may not do this."))

    def on_stale(request: HttpRequest, exc: StaleEdit) -> HttpResponse:
        details = [
            {
                "location": "body",
                "field": "revision",
                "message": _("Changed by %(by)s at %(at)s: %(fields)s")
                % {"by": change["by"], "at": change["at"].isoformat(), "fields": ", ".join(change["fields"])},
            }
            for change in exc.changes
        ]
        return respond(
            request,
            409,
            _("The record changed since you read it (now revision %(revision)d). Read it again and retry.")
            % {"revision": exc.current_revision},
            details=details,
            current_revision=exc.current_revision,
        )

    def on_unexpected(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error(
            "Internal Server Error: %s",
            request.path,
            exc_info=exc,
            extra={"status_code": 500, "request": request},
        )
        return respond(request, 500, _("An unexpected error occurred. It has been logged."))

    api.add_exception_handler(ValidationError, on_validation)
    api.add_exception_handler(ApiError, on_api_error)
    api.add_exception_handler(Http404, on_not_found)
    api.add_exception_handler(AuthenticationError, on_authentication)
    api.add_exception_handler(Throttled, on_throttled)
    api.add_exception_handler(HttpError, on_http_error)
    api.add_exception_handler(PermissionDenied, on_permission_denied)
    api.add_exception_handler(RequestDataTooBig, on_too_big)
    api.add_exception_handler(SuspiciousOperation, on_suspicious)
    api.add_exception_handler(StaleEdit, on_stale)
    api.add_exception_handler(Exception, on_unexpected)
