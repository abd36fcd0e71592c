"""The persona matrix of every read: who gets 200 and who gets 404 (or 401 without credentials).

The API answers as the apps' access.py decides: a record the caller may not see is 404, the same
as one that does not exist, whether the caller comes with a token or a browser session.
"""

import pytest

from ipassist.api.models import ApiToken
from ipassist.core.models import AuditEntry
from tests.api.conftest import assert_error
from tests.conftest import PERSONAS


def ids(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


# --- activities ----------------------------------------------------------------------------------

ACTIVITY_VISIBLE = {
    "officer": True,
    "other_officer": False,
    "focal_point": True,  # their state is invited
    "other_focal_point": False,
    "expert": True,  # speaks at it with their account
    "unassigned_expert": False,
    "participant": True,  # registered
    "partner": False,
    "anonymous": False,
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_private_activity_detail(api_as, activity, persona):
    response = api_as(persona).get(f"/api/activities/{activity.pk}")
    if ACTIVITY_VISIBLE[persona]:
        assert response.status_code == 200
        assert response.json()["title"]["en"] == "Private Workshop"
        assert response.json()["can_edit"] is (persona == "officer")
    else:
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("persona", PERSONAS)
def test_activity_list_shows_what_each_persona_may_see(
    api_as, activity, public_activity, draft_activity, persona
):
    response = api_as(persona).get("/api/activities")
    assert response.status_code == 200
    expected = {public_activity.pk}
    if ACTIVITY_VISIBLE[persona]:
        expected.add(activity.pk)
    if persona == "officer":
        expected.add(draft_activity.pk)
    assert ids(response) == expected
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("persona", PERSONAS)
def test_draft_activity_only_for_its_organisers(api_as, draft_activity, persona):
    response = api_as(persona).get(f"/api/activities/{draft_activity.pk}")
    assert response.status_code == (200 if persona == "officer" else 404)


def test_missing_activity_is_the_same_404_as_a_hidden_one(api_as, activity):
    hidden = api_as("partner").get(f"/api/activities/{activity.pk}")
    missing = api_as("partner").get(f"/api/activities/{activity.pk + 1000}")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_session_sees_the_same_as_a_token(client_as, activity):
    assert client_as("focal_point").get(f"/api/activities/{activity.pk}").status_code == 200
    assert client_as("partner").get(f"/api/activities/{activity.pk}").status_code == 404


def test_public_activity_shows_nothing_personal(client, public_activity):
    from tests.factories import ParticipantFactory

    ParticipantFactory(activity=public_activity, email="secret.person@example.org")
    body = client.get(f"/api/activities/{public_activity.pk}").content.decode()
    listing = client.get("/api/activities").content.decode()
    for text in (body, listing):
        assert "secret.person" not in text
        assert "Given" not in text  # the factory's participant names


# --- participants --------------------------------------------------------------------------------

PARTICIPANTS = {
    "officer": (200, 1),  # all registrations
    "other_officer": (404, 0),
    "focal_point": (200, 0),  # invited: sees its own nominations (none yet)
    "other_focal_point": (404, 0),
    "expert": (404, 0),  # a speaker sees the activity, not its participants
    "unassigned_expert": (404, 0),
    "participant": (200, 1),  # their own registration
    "partner": (404, 0),
    "anonymous": (401, 0),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_participants(api_as, activity, persona):
    status, rows = PARTICIPANTS[persona]
    response = api_as(persona).get(f"/api/activities/{activity.pk}/participants")
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json()["count"] == rows
    else:
        assert_error(response, status)


def test_reading_participants_is_audited(api_as, activity):
    api_as("officer").get(f"/api/activities/{activity.pk}/participants")
    entry = AuditEntry.objects.get(action="activity.participants_viewed")
    assert entry.target_id == str(activity.pk)
    assert entry.actor.email == "officer@example.org"


def test_focal_point_sees_its_nominations(api_as, activity, state, focal_point):
    from tests.factories import ParticipantFactory

    invitation = activity.invitations.get(organisation=state)
    nominated = ParticipantFactory(activity=activity, invitation=invitation, family_name="Nominee")
    response = api_as("focal_point").get(f"/api/activities/{activity.pk}/participants")
    assert ids(response) == {nominated.pk}
    assert response.json()["results"][0]["nominated_by"]["slug"] == state.slug


@pytest.mark.parametrize("persona", PERSONAS)
def test_participant_imports_only_for_organisers(api_as, activity, persona):
    response = api_as(persona).get(f"/api/activities/{activity.pk}/participant-imports")
    expected = {"officer": 200, "anonymous": 401}.get(persona, 404)
    assert response.status_code == expected


# --- requests ------------------------------------------------------------------------------------

REQUEST_VISIBLE = {"officer", "focal_point", "expert"}


@pytest.mark.parametrize("persona", PERSONAS)
def test_request_detail(api_as, case, persona):
    response = api_as(persona).get(f"/api/requests/{case.pk}")
    if persona == "anonymous":
        assert_error(response, 401, "not_authenticated")
    elif persona in REQUEST_VISIBLE:
        assert response.status_code == 200
        assert response.json()["reference"] == case.reference
        assert response.json()["contacts"] == case.contacts
    else:
        assert_error(response, 404, "not_found")


@pytest.mark.parametrize("persona", PERSONAS)
def test_request_list(api_as, case, persona):
    response = api_as(persona).get("/api/requests")
    if persona == "anonymous":
        assert_error(response, 401)
        return
    assert response.status_code == 200
    assert ids(response) == ({case.pk} if persona in REQUEST_VISIBLE else set())


def test_reading_a_request_is_audited(api_as, case):
    api_as("expert").get(f"/api/requests/{case.pk}")
    entry = AuditEntry.objects.get(action="request.viewed")
    assert entry.target_id == str(case.pk)
    assert entry.actor.email == "expert@example.org"


def test_denied_request_read_is_not_audited(api_as, case):
    api_as("partner").get(f"/api/requests/{case.pk}")
    assert not AuditEntry.objects.filter(action="request.viewed").exists()


# --- catalogue -----------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_draft_programme_only_for_the_providers_officers(api_as, programme, draft_programme, persona):
    client = api_as(persona)
    assert client.get(f"/api/programmes/{programme.slug}").status_code == 200
    detail = client.get(f"/api/programmes/{draft_programme.slug}")
    listing = {row["slug"] for row in client.get("/api/programmes").json()["results"]}
    if persona == "officer":
        assert detail.status_code == 200
        assert listing == {programme.slug, draft_programme.slug}
    else:
        assert_error(detail, 404)
        assert listing == {programme.slug}


def test_programme_detail(client, programme):
    body = client.get(f"/api/programmes/{programme.slug}").json()
    assert body["provider"]["slug"] == "provider"
    assert body["versions"][0]["title"] == "border-measures title [en]"
    assert body["url"] == "/en/catalogue/border-measures/"


# --- who am I ------------------------------------------------------------------------------------


def test_me_with_a_token(api_as):
    body = api_as("participant", scope=ApiToken.Scope.READ).get("/api/me").json()
    assert body["email"] == "participant@example.org"
    assert body["via"] == "token"
    assert body["token"].startswith("ipa_")
    assert body["can_write"] is False


def test_me_with_a_session(client_as):
    body = client_as("officer").get("/api/me").json()
    assert body == {
        "email": "officer@example.org",
        "full_name": body["full_name"],
        "via": "session",
        "token": None,
        "can_write": True,
    }


def test_me_without_credentials(client):
    error = assert_error(client.get("/api/me"), 401, "not_authenticated")
    assert "Authentication" in error["message"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_an_import_and_its_rows_only_for_organisers(api_as, activity, officer, persona):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ipassist.events import imports

    job = imports.import_preview(
        activity=activity,
        by=officer,
        upload=SimpleUploadedFile(
            "list.csv",
            b"Given name,Family name,E-mail,Organisation,Country,Professional background\r\n"
            b"Wanjiku,Kamau,w.kamau@example.org,High Court,KE,judge\r\n",
        ),
        consent_confirmed=True,
    )
    client = api_as(persona)
    base = f"/api/activities/{activity.pk}/participant-imports/{job.pk}"
    expected = {"officer": 200, "anonymous": 401}.get(persona, 404)
    assert client.get(base).status_code == expected
    rows = client.get(f"{base}/rows")
    assert rows.status_code == expected
    if expected == 200:
        assert rows.json()["results"][0]["family_name"] == "Kamau"
    else:
        assert b"Kamau" not in rows.content
