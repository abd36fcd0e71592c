"""Requests for assistance: confidential, read as the caller's own access allows (the provider's
officers, the requesting state's focal points, assigned experts). Every read of one is audited."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from ipassist.api.errors import READ_ERRORS, bad_request
from ipassist.api.ordering import order
from ipassist.api.pagination import ListParams, Page, paginate
from ipassist.api.schemas import (
    CountryOut,
    OrganisationOut,
    Text,
    country,
    lookup_country,
    lookup_organisation,
    lookup_region,
    organisation,
)
from ipassist.casework import access, selectors, services
from ipassist.casework.models import AssistanceRequest

router = Router(tags=["Requests"])

RequestState = Literal[tuple(AssistanceRequest.State.values)]  # type: ignore[valid-type]
RequestKind = Literal[tuple(AssistanceRequest.Kind.values)]  # type: ignore[valid-type]
ORDERING = {
    "submitted_at": "submitted_at",
    "updated_at": "updated_at",
    "reference": "reference",
    "state_changed_at": "state_changed_at",
}


class RequestOut(Schema):
    id: int
    reference: str
    url: str = Field(description="The request's page on the web.")
    title: str
    kind: RequestKind
    state: RequestState
    provider: OrganisationOut = Field(description="The provider the request is addressed to.")
    requester: OrganisationOut = Field(description="The requesting organisation.")
    country: CountryOut | None
    institution: str
    programme: str | None = Field(description="The catalogue programme asked for (slug).")
    desired_start: date | None
    desired_end: date | None
    working_languages: list[str]
    submitted_at: datetime | None
    accepted_at: datetime | None
    delivered_at: datetime | None
    state_changed_at: datetime
    updated_at: datetime


class RequestDetailOut(RequestOut):
    description: str
    timeframe_note: str
    contacts: str
    revision: int


class RequestPage(Page):
    results: list[RequestOut]


class RequestFilters(ListParams):
    q: Text = Field(None, max_length=200, description="A reference (2026-00012), or words in the subject.")
    state: RequestState = None
    kind: RequestKind = None
    country: Text = Field(None, max_length=2, description="Requesting country (ISO 3166-1 alpha-2).")
    region: Text = Field(None, max_length=3, description="UN M49 region of the requesting country.")
    provider: Text = Field(None, max_length=80, description="Provider addressed (slug).")
    submitted_from: date = Field(None, description="Submitted on or after this day.")
    submitted_to: date = Field(None, description="Submitted on or before this day.")
    ordering: Literal[
        "submitted_at",
        "-submitted_at",
        "updated_at",
        "-updated_at",
        "reference",
        "-reference",
        "state_changed_at",
        "-state_changed_at",
    ] = "-submitted_at"


def request_out(case: AssistanceRequest) -> dict:
    return {
        "id": case.pk,
        "reference": case.reference,
        "url": case.get_absolute_url(),
        "title": case.title,
        "kind": case.kind,
        "state": case.state,
        "provider": organisation(case.provider),
        "requester": organisation(case.requester),
        "country": country(case.country),
        "institution": case.institution,
        "programme": case.programme.slug if case.programme_id else None,
        "desired_start": case.desired_start,
        "desired_end": case.desired_end,
        "working_languages": list(case.working_languages or []),
        "submitted_at": case.submitted_at,
        "accepted_at": case.accepted_at,
        "delivered_at": case.delivered_at,
        "state_changed_at": case.state_changed_at,
        "updated_at": case.updated_at,
    }


@router.get("", response={200: RequestPage, **READ_ERRORS})
def list_requests(request, filters: Query[RequestFilters]):
    """The requests the caller may see. Needs a token or a session."""
    if filters.submitted_from and filters.submitted_to and filters.submitted_from > filters.submitted_to:
        raise bad_request("submitted_from", _("“submitted_from” must not be after “submitted_to”."))
    values = selectors.InboxFilters(
        q=(filters.q or "").strip(),
        state=filters.state or "",
        kind=filters.kind or "",
        country=lookup_country(filters.country) if filters.country else None,
        region=lookup_region(filters.region) if filters.region else None,
        provider=lookup_organisation(filters.provider, param="provider") if filters.provider else None,
    )
    qs = selectors.request_list(user=request.auth.user, filters=values)
    if filters.submitted_from:
        qs = qs.filter(submitted_at__date__gte=filters.submitted_from)
    if filters.submitted_to:
        qs = qs.filter(submitted_at__date__lte=filters.submitted_to)
    rows = selectors.page_rows(order(qs, filters.ordering, ORDERING)).select_related("programme")
    return paginate(request, rows, filters, request_out)


@router.get("/{request_id}", response={200: RequestDetailOut, **READ_ERRORS})
def get_request(request, request_id: int):
    """One request the caller may see (else 404). The read is written to the audit log."""
    user = request.auth.user
    case = access.get_request_for_user(user, request_id)
    services.record_read(case=case, by=user, request=request)
    return {
        **request_out(case),
        "description": case.description,
        "timeframe_note": case.timeframe_note,
        "contacts": case.contacts,
        "revision": case.revision,
    }
