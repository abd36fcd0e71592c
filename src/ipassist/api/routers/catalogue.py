"""The programme catalogue: public reads. Officers also see their provider's drafts and archive."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Query, Router, Schema

from ipassist.api.auth import PUBLIC, PUBLIC_SECURITY
from ipassist.api.errors import READ_ERRORS
from ipassist.api.ordering import order
from ipassist.api.pagination import ListParams, Page, paginate
from ipassist.api.schemas import (
    OrganisationOut,
    TermOut,
    Text,
    lookup,
    lookup_organisation,
    organisation,
    term,
)
from ipassist.catalogue import selectors, services
from ipassist.catalogue.models import Programme
from ipassist.core.models import ActivityType, AudienceType, Topic

router = Router(tags=["Catalogue"])

ProgrammeStatus = Literal[tuple(Programme.Status.values)]  # type: ignore[valid-type]
ORDERING = {"slug": "slug", "published_at": "published_at", "updated_at": "updated_at"}


class ProgrammeVersionOut(Schema):
    language: str
    title: str
    summary: str
    target_beneficiaries: str
    objectives: str
    activities: str
    outcomes: str
    updated_at: datetime


class ProgrammeOut(Schema):
    slug: str
    url: str = Field(description="The programme's page on the web.")
    provider: OrganisationOut
    status: ProgrammeStatus
    original_language: str
    reference: str
    audiences: list[TermOut]
    topics: list[TermOut]
    activity_types: list[TermOut]
    versions: list[ProgrammeVersionOut] = Field(description="The texts, one per language available.")
    published_at: datetime | None
    updated_at: datetime


class ProgrammePage(Page):
    results: list[ProgrammeOut]


class ProgrammeFilters(ListParams):
    q: Text = Field(None, max_length=200, description="Words in a title, summary or objectives.")
    provider: Text = Field(None, max_length=80, description="Provider organisation (slug).")
    audience: Text = Field(None, max_length=64, description="Target beneficiaries (term code).")
    topic: Text = Field(None, max_length=64, description="Topic (term code).")
    activity_type: Text = Field(None, max_length=64, description="Type of activity (term code).")
    status: ProgrammeStatus = Field(
        None, description="Only officers of a provider see its drafts and archived programmes."
    )
    ordering: Literal["slug", "-slug", "published_at", "-published_at", "updated_at", "-updated_at"] = "slug"


def programme_out(programme: Programme) -> dict:
    return {
        "slug": programme.slug,
        "url": programme.get_absolute_url(),
        "provider": organisation(programme.provider),
        "status": programme.status,
        "original_language": programme.original_language,
        "reference": programme.reference,
        "audiences": [term(t) for t in programme.audiences.all()],
        "topics": [term(t) for t in programme.topics.all()],
        "activity_types": [term(t) for t in programme.activity_types.all()],
        "versions": list(programme.versions.all()),
        "published_at": programme.published_at,
        "updated_at": programme.updated_at,
    }


@router.get("", response={200: ProgrammePage, **READ_ERRORS}, auth=PUBLIC, openapi_extra=PUBLIC_SECURITY)
def list_programmes(request, filters: Query[ProgrammeFilters]):
    """The programmes the caller may see: the published catalogue, and their provider's drafts."""
    user = request.auth.user
    values = selectors.CatalogueFilters(
        q=(filters.q or "").strip(),
        status=filters.status or "",
        provider=lookup_organisation(filters.provider, param="provider") if filters.provider else None,
        audience=lookup(AudienceType.objects.all(), "code", filters.audience, param="audience")
        if filters.audience
        else None,
        topic=lookup(Topic.objects.all(), "code", filters.topic, param="topic") if filters.topic else None,
        activity_type=lookup(ActivityType.objects.all(), "code", filters.activity_type, param="activity_type")
        if filters.activity_type
        else None,
    )
    qs = order(selectors.programme_list(user=user, filters=values), filters.ordering, ORDERING)
    return paginate(request, qs, filters, programme_out)


@router.get(
    "/{slug}", response={200: ProgrammeOut, **READ_ERRORS}, auth=PUBLIC, openapi_extra=PUBLIC_SECURITY
)
def get_programme(request, slug: Text):
    """One programme; a draft or archived one only for the provider's officers (else 404)."""
    user = request.auth.user
    programme = selectors.programme_detail(user=user, slug=slug)
    services.record_internal_read(programme=programme, by=user, request=request)
    return programme_out(programme)
