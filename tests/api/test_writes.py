"""The writes other systems need: activities (create, update with the revision) and the participant
import (upload → preview with row problems → apply or discard), through the apps' services, by the
people allowed to do them on the web. A denied write changes nothing."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from ipassist.api.models import ApiToken
from ipassist.core.models import AuditEntry, Topic
from ipassist.events.models import Activity, Participant, ParticipantImport
from tests.api.conftest import assert_error
from tests.conftest import PERSONAS
from tests.factories import ProgrammeFactory

START = date.today() + timedelta(days=60)


def new_activity(**changes) -> dict:
    body = {
        "title": {"en": "National Workshop on Border Measures", "fr": "Atelier national"},
        "type": "workshop",
        "level": "national",
        "start_date": START.isoformat(),
        "end_date": (START + timedelta(days=2)).isoformat(),
        "city": "Nairobi",
        "country": "KE",
    }
    body.update(changes)
    return body


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def snapshot(activity) -> dict:
    fresh = Activity.objects.get(pk=activity.pk)
    return {
        "fields": {f.attname: getattr(fresh, f.attname) for f in Activity._meta.concrete_fields},
        "topics": set(fresh.topics.values_list("pk", flat=True)),
        "participants": list(fresh.participants.values_list("pk", "status", "revision")),
        "imports": list(fresh.imports.values_list("pk", "status")),
    }


# --- creating ------------------------------------------------------------------------------------


def test_create_activity(api_as, provider):
    topic = Topic.objects.order_by("code").first()
    response = post(api_as("officer"), "/api/activities", new_activity(topics=[topic.code], capacity=30))
    assert response.status_code == 201, response.content
    body = response.json()
    activity = Activity.objects.get(pk=body["id"])
    assert activity.provider == provider
    assert activity.status == Activity.Status.DRAFT
    assert activity.title_fr == "Atelier national"
    assert list(activity.topics.all()) == [topic]
    assert activity.capacity == 30
    assert activity.evaluation_anonymous is True  # the default of a new activity
    assert body["revision"] == 1
    assert body["can_edit"] is True
    assert AuditEntry.objects.filter(action="activity.created", target_id=str(activity.pk)).exists()


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in ("officer", "other_officer")])
def test_only_officers_create_activities(api_as, persona):
    response = post(api_as(persona), "/api/activities", new_activity())
    assert response.status_code == (401 if persona == "anonymous" else 403)
    assert not Activity.objects.exists()


def test_an_officer_creates_only_for_their_own_provider(api_as, provider, other_provider):
    client = api_as("other_officer")
    assert_error(post(client, "/api/activities", new_activity(provider="provider")), 400)
    assert not Activity.objects.exists()
    response = post(client, "/api/activities", new_activity())
    assert response.status_code == 201
    assert Activity.objects.get().provider == other_provider


def test_read_only_token_creates_nothing(api_as):
    response = post(api_as("officer", scope=ApiToken.Scope.READ), "/api/activities", new_activity())
    assert_error(response, 403)
    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"end_date": (START - timedelta(days=1)).isoformat()}, "end_date"),
        ({"title": {"fr": "Sans anglais"}}, "title.en"),
        ({"type": "advice"}, "type"),  # a catalogue term, not an event type
        ({"country": "", "city": ""}, "city"),  # neither a venue nor online
        ({"topics": ["no-such-topic"]}, "topics"),
        ({"provider": "other-provider"}, "provider"),
        ({"level": "planetary"}, "level"),
        ({"certificate_min_percent": 0}, "certificate_min_percent"),
        ({"registration_deadline": (START + timedelta(days=30)).isoformat()}, "registration_deadline"),
        ({"title": {"en": "x" * 301}}, "title.en"),
    ],
)
def test_invalid_activity_is_400_naming_the_field(api_as, changes, field):
    error = assert_error(post(api_as("officer"), "/api/activities", new_activity(**changes)), 400)
    assert field in {d["field"] for d in error["details"]}, error
    assert not Activity.objects.exists()


def test_programme_of_another_provider_is_refused(api_as, other_provider):
    ProgrammeFactory(provider=other_provider, slug="theirs")
    error = assert_error(post(api_as("officer"), "/api/activities", new_activity(programme="theirs")), 400)
    assert error["details"][0]["field"] == "programme"
    assert not Activity.objects.exists()


# --- updating ------------------------------------------------------------------------------------


def test_update_changes_only_what_is_sent(api_as, activity):
    topics = list(activity.topics.all())
    response = patch(api_as("officer"), f"/api/activities/{activity.pk}", {"revision": 1, "capacity": 25})
    assert response.status_code == 200, response.content
    activity.refresh_from_db()
    assert activity.capacity == 25
    assert activity.title_en == "Private Workshop"
    assert list(activity.topics.all()) == topics
    assert activity.revision == 2
    entry = AuditEntry.objects.get(action="activity.updated")
    assert entry.data["changed"] == ["capacity"]


def test_update_can_clear_a_field(api_as, activity):
    activity.capacity = 10
    activity.save()
    patch(api_as("officer"), f"/api/activities/{activity.pk}", {"revision": 1, "capacity": None})
    activity.refresh_from_db()
    assert activity.capacity is None


def test_update_without_change_keeps_the_revision(api_as, activity):
    response = patch(api_as("officer"), f"/api/activities/{activity.pk}", {"revision": 1, "city": "Nairobi"})
    assert response.json()["revision"] == 1


def test_update_needs_the_revision(api_as, activity):
    error = assert_error(patch(api_as("officer"), f"/api/activities/{activity.pk}", {"city": "Mombasa"}), 400)
    assert error["details"][0]["field"] == "revision"


def test_invalid_update_changes_nothing(api_as, activity):
    before = snapshot(activity)
    response = patch(
        api_as("officer"),
        f"/api/activities/{activity.pk}",
        {"revision": 1, "end_date": (activity.start_date - timedelta(days=3)).isoformat()},
    )
    assert_error(response, 400)
    assert snapshot(activity) == before


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "officer"])
def test_denied_update_changes_nothing(api_as, activity, persona):
    before = snapshot(activity)
    response = patch(api_as(persona), f"/api/activities/{activity.pk}", {"revision": 1, "city": "Mombasa"})
    assert response.status_code == (401 if persona == "anonymous" else 404)
    assert snapshot(activity) == before
    assert not AuditEntry.objects.filter(action="activity.updated").exists()


# --- importing participants ----------------------------------------------------------------------

HEADER = "Given name,Family name,E-mail,Organisation,Country,Professional background\r\n"
GOOD = HEADER + (
    "Wanjiku,Kamau,wanjiku.kamau@example.org,High Court of Kenya,Kenya,judge\r\n"
    "Ousmane,Diallo,o.diallo@example.org,Douanes,SN,customs_officer\r\n"
)
BAD = HEADER + "Wanjiku,Kamau,not-an-address,High Court,Atlantis,judge\r\n"


def upload(client, activity, content: str, consent=True, name="participants.csv"):
    data = {"file": SimpleUploadedFile(name, content.encode()), "consent": "true" if consent else "false"}
    return client.post(f"/api/activities/{activity.pk}/participant-imports", data)


def test_import_preview_then_apply(api_as, activity):
    client = api_as("officer")
    before = activity.participants.count()
    response = upload(client, activity, GOOD)
    assert response.status_code == 201, response.content
    job = response.json()
    assert (job["status"], job["rows"], job["created"], job["problems"]) == ("preview", 2, 2, [])
    assert job["can_apply"] is True
    assert activity.participants.count() == before  # nothing written yet

    rows = client.get(f"/api/activities/{activity.pk}/participant-imports/{job['id']}/rows").json()
    assert rows["count"] == 2
    assert {r["family_name"] for r in rows["results"]} == {"Kamau", "Diallo"}
    assert {r["action"] for r in rows["results"]} == {"create"}

    applied = post(
        client, f"/api/activities/{activity.pk}/participant-imports/{job['id']}/apply", {"approve": True}
    )
    assert applied.status_code == 200, applied.content
    assert applied.json()["status"] == "applied"
    assert applied.json()["approved"] == 2
    assert activity.participants.count() == before + 2
    assert activity.participants.filter(family_name="Kamau", status=Participant.Status.APPROVED).exists()

    again = post(client, f"/api/activities/{activity.pk}/participant-imports/{job['id']}/apply", {})
    assert_error(again, 409, "conflict")
    assert activity.participants.count() == before + 2


def test_import_with_problems_cannot_be_applied(api_as, activity):
    client = api_as("officer")
    job = upload(client, activity, BAD).json()
    assert job["can_apply"] is False
    assert {p["column"] for p in job["problems"]} >= {"E-mail", "Country"}
    assert all(p["row"] == 2 for p in job["problems"])
    before = snapshot(activity)
    response = post(client, f"/api/activities/{activity.pk}/participant-imports/{job['id']}/apply", {})
    assert_error(response, 409)
    assert snapshot(activity) == before


def test_import_discard(api_as, activity):
    client = api_as("officer")
    job = upload(client, activity, GOOD).json()
    response = client.post(f"/api/activities/{activity.pk}/participant-imports/{job['id']}/discard")
    assert response.status_code == 200
    assert response.json()["status"] == "discarded"
    assert ParticipantImport.objects.get(pk=job["id"]).rows == []
    listing = client.get(f"/api/activities/{activity.pk}/participant-imports").json()
    assert [(j["id"], j["status"]) for j in listing["results"]] == [(job["id"], "discarded")]


@pytest.mark.parametrize(
    ("content", "consent", "field"),
    [
        (GOOD, False, "consent"),
        ("", True, "file"),
        ("\x00\x01binary\x02", True, "file"),
        ("just,some,words\r\n", True, "file"),
    ],
)
def test_refused_upload_is_400_and_stores_nothing(api_as, activity, content, consent, field):
    error = assert_error(upload(api_as("officer"), activity, content, consent=consent), 400)
    assert error["details"][0]["field"] == field
    assert not ParticipantImport.objects.exists()


def test_upload_without_a_file_is_400(api_as, activity):
    response = api_as("officer").post(
        f"/api/activities/{activity.pk}/participant-imports", {"consent": "true"}
    )
    error = assert_error(response, 400)
    assert error["details"][0]["field"] == "file"


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "officer"])
def test_only_organisers_import(api_as, activity, persona):
    before = snapshot(activity)
    response = upload(api_as(persona), activity, GOOD)
    assert response.status_code == (401 if persona == "anonymous" else 404)
    assert snapshot(activity) == before
    assert not ParticipantImport.objects.exists()


def test_read_only_token_cannot_import_or_apply(api_as, activity, officer):
    job = upload(api_as("officer"), activity, GOOD).json()
    reader = api_as("officer", scope=ApiToken.Scope.READ)
    assert_error(upload(reader, activity, GOOD), 403)
    before = snapshot(activity)
    assert_error(
        post(reader, f"/api/activities/{activity.pk}/participant-imports/{job['id']}/apply", {}), 403
    )
    assert_error(reader.post(f"/api/activities/{activity.pk}/participant-imports/{job['id']}/discard"), 403)
    assert snapshot(activity) == before
    # reading the preview is fine
    assert reader.get(f"/api/activities/{activity.pk}/participant-imports/{job['id']}").status_code == 200


def test_import_of_another_activity_is_404(api_as, activity, public_activity):
    client = api_as("officer")
    job = upload(client, activity, GOOD).json()
    assert_error(client.get(f"/api/activities/{public_activity.pk}/participant-imports/{job['id']}"), 404)
    response = post(client, f"/api/activities/{public_activity.pk}/participant-imports/{job['id']}/apply", {})
    assert_error(response, 404)
    assert ParticipantImport.objects.get(pk=job["id"]).status == ParticipantImport.Status.PREVIEW
