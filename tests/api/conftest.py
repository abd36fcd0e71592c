"""The API's world, as the persona matrix sees it.

- ``programme`` (published) and ``draft_programme`` of the officer's provider;
- ``activity``: announced, private, by nomination; the focal point's state is invited, the
  ``participant`` persona is registered and approved, the ``expert`` speaks at it;
- ``public_activity``: in the public register; ``draft_activity``: in preparation, public flag on;
- ``case``: a request from the focal point's state to the officer's provider, the ``expert``
  assigned past the undertaking;
- ``api_as("officer", scope="read")``: a test client that sends a fresh token of that persona.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from ipassist.api import services
from ipassist.api.models import ApiToken
from ipassist.casework.models import Assignment
from ipassist.catalogue.models import Programme
from ipassist.events.models import Activity, Invitation, Speaker
from tests.factories import ActivityFactory, AssistanceRequestFactory, ParticipantFactory, ProgrammeFactory


@pytest.fixture
def programme(provider):
    return ProgrammeFactory(provider=provider, slug="border-measures")


@pytest.fixture
def draft_programme(provider):
    return ProgrammeFactory(provider=provider, slug="draft-programme", status=Programme.Status.DRAFT)


@pytest.fixture
def activity(provider, state, officer, focal_point, participant, expert):
    activity = ActivityFactory(provider=provider, created_by=officer, title_en="Private Workshop")
    Invitation.objects.create(activity=activity, organisation=state, quota=2)
    ParticipantFactory(
        activity=activity,
        user=participant,
        given_name="Amina",
        family_name="Odhiambo",
        email=participant.email,
        dedupe_key=f"email:{participant.email}",
    )
    Speaker.objects.create(activity=activity, name="Rafael Gómez", affiliation="Expert", user=expert)
    return activity


@pytest.fixture
def public_activity(provider, officer):
    return ActivityFactory(provider=provider, created_by=officer, is_public=True, title_en="Public Seminar")


@pytest.fixture
def draft_activity(provider, officer):
    return ActivityFactory(
        provider=provider, created_by=officer, status=Activity.Status.DRAFT, is_public=True, title_en="Draft"
    )


@pytest.fixture
def case(provider, state, officer, focal_point, expert):
    case = AssistanceRequestFactory(provider=provider, requester=state, created_by=focal_point)
    Assignment.objects.create(
        request=case, expert=expert, assigned_by=officer, undertaking_accepted_at=timezone.now()
    )
    return case


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def make_token(db):
    def make(user, scope: str = ApiToken.Scope.READ_WRITE, **kwargs) -> tuple[ApiToken, str]:
        return services.token_create(by=user, name="tests", scope=scope, **kwargs)

    return make


@pytest.fixture
def api_as(request, make_token):
    """``api_as("officer")``: a client sending a read-and-write token of the persona (none for anonymous)."""

    def make(persona: str, scope: str = ApiToken.Scope.READ_WRITE) -> Client:
        user = request.getfixturevalue(persona)
        if user is None:
            return Client()
        _token, secret = make_token(user, scope)
        return Client(headers=bearer(secret))

    return make


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is an error in the API's one format, with this status (and code)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["details"], list)
    if code is not None:
        assert error["code"] == code
    return error
