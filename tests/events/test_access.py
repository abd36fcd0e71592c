"""The persona matrix for every events URL (see docs/access.md).

The ``activity`` fixture is private and announced: its organisers (the ``officer``), the invited
state's focal point, the registered ``participant`` and the speaking ``expert`` see it; nobody
else does, and a record one may not see answers 404, like one that does not exist. A denied write
changes nothing. Participant records are seen by the organisers and by the person themself.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ipassist.core.models import AuditEntry, Organisation
from ipassist.events import access
from ipassist.events.models import (
    Activity,
    ActivityDocument,
    AgendaSession,
    Attendance,
    Certificate,
    Invitation,
    Participant,
    Speaker,
)

INVOLVED = {"officer", "focal_point", "participant", "expert"}
OUTSIDERS = ["other_officer", "other_focal_point", "unassigned_expert", "partner"]
EVERYONE = ["officer", "focal_point", "participant", "expert", *OUTSIDERS, "anonymous"]


def snapshot(activity: Activity) -> dict:
    """Everything a write could change on an activity; compare before and after a denied write."""
    fresh = Activity.objects.get(pk=activity.pk)
    return {
        "fields": {f.attname: getattr(fresh, f.attname) for f in Activity._meta.concrete_fields},
        "participants": list(
            Participant.objects.filter(activity=activity)
            .order_by("pk")
            .values_list("pk", "status", "given_name", "family_name", "email", "revision")
        ),
        "attendance": list(
            Attendance.objects.filter(participant__activity=activity).values_list("pk", "day")
        ),
        "certificates": Certificate.objects.filter(participant__activity=activity).count(),
        "invitations": list(Invitation.objects.filter(activity=activity).values_list("pk", "quota")),
        "speakers": list(Speaker.objects.filter(activity=activity).values_list("pk", "name")),
        "sessions": AgendaSession.objects.filter(activity=activity).count(),
        "documents": ActivityDocument.objects.filter(activity=activity).count(),
    }


def _amina(activity) -> Participant:
    return activity.participants.get(family_name="Odhiambo")


def expected(persona, allowed, *, public_page=False):
    if persona == "anonymous" and not public_page:
        return 302
    return 200 if persona in allowed else 404


@pytest.mark.parametrize("persona", EVERYONE)
def test_private_activity_page(client_as, activity, persona):
    response = client_as(persona).get(activity.get_absolute_url())
    assert response.status_code == expected(persona, INVOLVED, public_page=True)
    assert (activity.title_en in response.content.decode()) == (response.status_code == 200)


@pytest.mark.parametrize("persona", EVERYONE)
def test_private_activity_is_not_in_anyone_elses_register(client_as, activity, persona):
    page = client_as(persona).get(reverse("events:list")).content.decode()
    assert (activity.title_en in page) == (persona in INVOLVED)


@pytest.mark.parametrize("persona", EVERYONE)
def test_public_activity_is_everyones(client_as, public_activity, persona):
    response = client_as(persona).get(public_activity.get_absolute_url())
    assert response.status_code == 200
    assert public_activity.title_en in client_as(persona).get(reverse("events:list")).content.decode()


@pytest.mark.parametrize("persona", EVERYONE)
def test_activity_in_preparation_is_the_organisers_own(client_as, draft_activity, persona):
    response = client_as(persona).get(draft_activity.get_absolute_url())
    assert response.status_code == (200 if persona == "officer" else 404)


@pytest.mark.parametrize("persona", EVERYONE)
def test_co_organisers_officers_organise(client_as, activity, other_provider, persona):
    """Adding the other provider as co-organiser makes its officers organisers too."""
    activity.co_organisers.add(other_provider)
    response = client_as(persona).get(reverse("events:edit", args=[activity.pk]))
    assert response.status_code == expected(persona, {"officer", "other_officer"})


@pytest.mark.parametrize(
    "name", ["edit", "attendance", "participants_export", "participant_add", "import", "evaluation_results"]
)
@pytest.mark.parametrize("persona", EVERYONE)
def test_organiser_pages(client_as, activity, persona, name):
    response = client_as(persona).get(reverse(f"events:{name}", args=[activity.pk]))
    assert response.status_code == expected(persona, {"officer"})


@pytest.mark.parametrize("persona", EVERYONE)
def test_participant_list(client_as, activity, persona):
    """Organisers see everyone; a participant their own row; a focal point their state's nominations."""
    response = client_as(persona).get(reverse("events:participants", args=[activity.pk]))
    assert response.status_code == expected(persona, {"officer", "participant", "focal_point"})
    page = response.content.decode()
    assert ("Odhiambo" in page) == (persona in {"officer", "participant"})


def test_focal_point_sees_their_nominations_only(client_as, activity, state, other_state):
    other = Invitation.objects.create(activity=activity, organisation=other_state, quota=2)
    mine = Participant.objects.create(
        **_details("Wanjiru", "Kamau"),
        activity=activity,
        invitation=activity.invitations.get(organisation=state),
    )
    theirs = Participant.objects.create(**_details("Tran", "Van Minh"), activity=activity, invitation=other)
    page = client_as("focal_point").get(reverse("events:participants", args=[activity.pk])).content.decode()
    assert "Kamau" in page and "Van Minh" not in page and "Odhiambo" not in page
    assert client_as("focal_point").get(mine.get_absolute_url()).status_code == 200
    assert client_as("focal_point").get(theirs.get_absolute_url()).status_code == 404
    assert client_as("other_focal_point").get(theirs.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("persona", EVERYONE)
def test_participant_record(client_as, activity, persona):
    response = client_as(persona).get(_amina(activity).get_absolute_url())
    assert response.status_code == expected(persona, {"officer", "participant"})


@pytest.mark.parametrize("persona", EVERYONE)
def test_certificate(client_as, activity, officer, persona):
    amina = _amina(activity)
    url = reverse("events:certificate", args=[activity.pk, amina.pk])
    assert client_as("officer").get(url).status_code == 404  # none issued yet
    Certificate.objects.create(
        participant=amina, number="2026-00001-0001", days_attended=3, issued_by=officer
    )
    response = client_as(persona).get(url)
    assert response.status_code == expected(persona, {"officer", "participant"})
    if response.status_code == 200:
        assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize("persona", EVERYONE)
def test_nomination_form(client_as, activity, persona):
    invitation = activity.invitations.get()
    response = client_as(persona).get(reverse("events:nominate", args=[activity.pk, invitation.pk]))
    assert response.status_code == expected(persona, {"focal_point"})


@pytest.mark.parametrize("persona", EVERYONE)
def test_self_registration_only_where_open(client_as, activity, persona):
    """Registration by nomination: nobody registers themself."""
    response = client_as(persona).get(reverse("events:register", args=[activity.pk]))
    assert response.status_code == expected(persona, set())


@pytest.mark.parametrize("persona", EVERYONE)
def test_documents_by_audience(client_as, activity, officer, persona):
    urls = {}
    for audience in ActivityDocument.Audience.values:
        doc = ActivityDocument(
            activity=activity, audience=audience, name=f"{audience}.txt", kind="txt",
            content_type="text/plain", size=4, sha256="0" * 64,
        )  # fmt: skip
        doc.file.save("x", SimpleUploadedFile("x", b"text"), save=True)
        urls[audience] = doc.get_absolute_url()
    readers = {
        "public": INVOLVED,
        "participants": {"officer", "participant", "expert"},
        "organisers": {"officer"},
    }
    for audience, url in urls.items():
        status = client_as(persona).get(url).status_code
        assert status == (200 if persona in readers[audience] else 404), audience


def _details(given, family, **extra):
    from ipassist.core.models import Country, ProfessionalBackground

    values = {
        "given_name": given,
        "family_name": family,
        "email": f"{given.lower()}@example.org",
        "organisation_name": "Customs",
        "country": Country.objects.get(code="KE"),
        "background": ProfessionalBackground.objects.get(code="customs_officer"),
        "consent_at": "2026-01-01T00:00:00Z",
        "consent_text": "yes",
        "dedupe_key": f"email:{given.lower()}@example.org",
    }
    return {**values, **extra}


def _writes(activity):
    amina = _amina(activity)
    invitation = activity.invitations.get()
    speaker = activity.speakers.get()
    day = activity.start_date.isoformat()
    person = {
        "given_name": "Eve", "family_name": "Intruder", "email": "eve@example.org", "organisation_name": "X",
        "country": "KE", "background": "", "position": "", "gender": "", "consent": "on",
    }  # fmt: skip
    return [
        ("events:edit", [activity.pk], {"title_en": "Changed", "revision": activity.revision}),
        ("events:move", [activity.pk, "cancel"], {}),
        ("events:invite", [activity.pk], {"organisation": invitation.organisation_id, "quota": 9}),
        ("events:uninvite", [activity.pk, invitation.pk], {}),
        ("events:speaker_add", [activity.pk], {"speaker-name": "Eve"}),
        ("events:speaker_remove", [activity.pk, speaker.pk], {}),
        ("events:session_add", [activity.pk], {"session-day": day, "session-title": "Eve"}),
        ("events:decide", [activity.pk, amina.pk, "reject"], {}),
        ("events:attendance", [activity.pk], {"present": f"{amina.pk}:{day}"}),
        ("events:certificates", [activity.pk], {}),
        ("events:participant_add", [activity.pk], person),
        ("events:participant", [activity.pk, amina.pk], {**person, "revision": amina.revision}),
        ("events:register", [activity.pk], person),
    ]


@pytest.mark.parametrize("persona", [*OUTSIDERS, "focal_point", "expert", "participant", "anonymous"])
def test_denied_writes_change_nothing(client_as, activity, persona):
    client = client_as(persona)
    before = snapshot(activity)
    audit_before = AuditEntry.objects.count()
    for name, args, data in _writes(activity):
        if persona == "participant" and name == "events:participant":
            continue  # the participant may correct their own record: see test_workflow
        response = client.post(reverse(name, args=args), data)
        assert response.status_code in (302, 404), (name, response.status_code)
        if persona != "anonymous":
            assert response.status_code == 404, name
        else:
            assert "/sign-in/" in response["Location"], name
    assert snapshot(activity) == before
    assert AuditEntry.objects.count() == audit_before


def test_superuser_sees_no_private_activity(activity, db):
    from tests.factories import UserFactory

    admin = UserFactory(email="root@example.org", is_superuser=True, is_staff=True)
    assert not access.activities_visible_to(admin).filter(pk=activity.pk).exists()


def test_public_pages_carry_nothing_personal(client, activity, public_activity, officer):
    """Participants' names never reach the public register or a public activity page; a speaker's
    name does only with their agreement."""
    Participant.objects.create(**_details("Zainab", "Haddad"), activity=public_activity)
    Speaker.objects.create(activity=public_activity, name="Private Speaker", affiliation="High Court")
    Speaker.objects.create(activity=public_activity, name="Listed Speaker", listed_publicly=True)
    for url in (reverse("events:list"), public_activity.get_absolute_url()):
        page = client.get(url).content.decode()
        assert "Haddad" not in page and "zainab@" not in page
    page = client.get(public_activity.get_absolute_url()).content.decode()
    assert "Private Speaker" not in page and "High Court" in page and "Listed Speaker" in page


def test_linked_request_shown_only_to_its_readers(client_as, activity, provider, state, officer):
    from tests.factories import AssistanceRequestFactory

    case = AssistanceRequestFactory(provider=provider, requester=state, title="Confidential training request")
    activity.request = case
    activity.save()
    assert case.reference in client_as("officer").get(activity.get_absolute_url()).content.decode()
    assert case.reference not in client_as("participant").get(activity.get_absolute_url()).content.decode()


def test_other_organisation_types_cannot_be_lead(activity, other_officer):
    assert not access.lead_providers_for(other_officer).exclude(kind=Organisation.Kind.PROVIDER).exists()


def test_request_page_lists_the_activities_its_reader_may_see(
    client_as, activity, draft_activity, provider, state
):
    from tests.factories import AssistanceRequestFactory

    case = AssistanceRequestFactory(provider=provider, requester=state)
    for linked in (activity, draft_activity):
        linked.request = case
        linked.save()
    officer_page = client_as("officer").get(case.get_absolute_url()).content.decode()
    assert activity.title_en in officer_page and draft_activity.title_en in officer_page
    focal_page = client_as("focal_point").get(case.get_absolute_url()).content.decode()
    # The state sees the announced activity it is invited to, not the one still in preparation.
    assert activity.title_en in focal_page and draft_activity.title_en not in focal_page
