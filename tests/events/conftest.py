"""An activity of the officer's provider, as the persona matrix sees it.

- ``activity``: announced, private, registration by nomination; the focal point's state is
  invited (quota 2); the ``participant`` persona is registered and approved; the ``expert``
  persona speaks at it with their account.
- ``public_activity``: announced and in the public register.
"""

import pytest
from django.core.files.storage import default_storage

from ipassist.events.models import Activity, Invitation, Speaker
from tests.casework.conftest import all_files
from tests.factories import ActivityFactory, ParticipantFactory


@pytest.fixture(autouse=True)
def empty_storage():
    for name in all_files("events"):
        default_storage.delete(name)


@pytest.fixture
def activity(provider, state, officer, focal_point, participant, expert):
    activity = ActivityFactory(provider=provider, created_by=officer)
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
        provider=provider, created_by=officer, status=Activity.Status.DRAFT, is_public=True
    )
