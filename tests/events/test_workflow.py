"""Planning an activity, registration by nomination and open registration, decisions with the
capacity and the waiting list, corrections, attendance and certificates."""

import csv
import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from ipassist.core.access import Need
from ipassist.core.concurrency import StaleEdit
from ipassist.core.models import ActivityType, AuditEntry, Country, ProfessionalBackground
from ipassist.events import access, services
from ipassist.events.models import Activity, Attendance, Certificate, InvalidTransition, Participant
from ipassist.events.services import RegistrationRefused
from tests.factories import ActivityFactory, ParticipantFactory


def person(n, **extra):
    return {
        "given_name": f"Given{n}",
        "family_name": f"Family{n}",
        "email": f"person{n}@example.org",
        "organisation_name": "High Court",
        "country": Country.objects.get(code="KE"),
        "background": ProfessionalBackground.objects.get(code="judge"),
        "position": "Judge",
        "gender": "",
        **extra,
    }


def form(n, **extra):
    data = person(n, **extra)
    data["country"] = data["country"].pk
    data["background"] = data["background"].pk
    data["consent"] = "on"
    return data


# --- planning ------------------------------------------------------------------------------------


def test_officer_creates_an_activity_in_preparation(client_as, provider, officer):
    client = client_as("officer")
    start = timezone.localdate() + timedelta(days=60)
    response = client.post(
        reverse("events:create"),
        {
            "provider": provider.pk,
            "title_en": "Sub-regional Seminar on Border Measures",
            "title_fr": "Séminaire sous-régional sur les mesures à la frontière",
            "kind": "workshop",
            "level": "subregional",
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=2)).isoformat(),
            "city": "Dakar",
            "country": "SN",
            "registration": "nomination",
            "certificate_min_percent": 80,
            "working_languages": ["fr", "en"],
            "topics": [],
        },
    )
    assert response.status_code == 400  # the type is chosen by id, not by code
    kind = ActivityType.objects.get(code="seminar")
    response = client.post(
        reverse("events:create"),
        {
            "provider": provider.pk,
            "title_en": "Sub-regional Seminar on Border Measures",
            "title_fr": "Séminaire sous-régional sur les mesures à la frontière",
            "kind": kind.pk,
            "level": "subregional",
            "start_date": start.isoformat(),
            "end_date": (start + timedelta(days=2)).isoformat(),
            "city": "Dakar",
            "country": "SN",
            "registration": "nomination",
            "certificate_min_percent": 80,
            "working_languages": ["fr", "en"],
        },
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title_en="Sub-regional Seminar on Border Measures")
    assert activity.status == Activity.Status.DRAFT and activity.provider == provider
    assert activity.working_languages == ["fr", "en"]
    assert AuditEntry.objects.filter(action="activity.created", target_id=str(activity.pk)).exists()


def test_activity_form_refuses_end_before_start_and_no_venue(client_as, provider):
    kind = ActivityType.objects.get(code="seminar")
    start = timezone.localdate()
    response = client_as("officer").post(
        reverse("events:create"),
        {
            "provider": provider.pk,
            "title_en": "Bad dates",
            "kind": kind.pk,
            "level": "national",
            "start_date": start.isoformat(),
            "end_date": (start - timedelta(days=1)).isoformat(),
            "registration": "open",
            "certificate_min_percent": 80,
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "cannot end before it starts" in page and "or mark the activity as online" in page
    assert not Activity.objects.filter(title_en="Bad dates").exists()


def test_stale_edit_is_refused_and_names_who_changed_what(activity, officer, other_officer):
    services.activity_update(activity=activity, by=officer, expected_revision=1, data={"title_en": "First"})
    with pytest.raises(StaleEdit) as stale:
        services.activity_update(
            activity=activity, by=officer, expected_revision=1, data={"title_en": "Second"}
        )
    assert stale.value.changes[0]["fields"] == ["title_en"]
    assert Activity.objects.get(pk=activity.pk).title_en == "First"


def test_announce_cancel_and_reopen(activity, officer, draft_activity):
    services.activity_move(activity=draft_activity, by=officer, action="announce")
    assert Activity.objects.get(pk=draft_activity.pk).status == Activity.Status.ANNOUNCED
    with pytest.raises(InvalidTransition):
        services.activity_move(activity=activity, by=officer, action="announce")
    with pytest.raises(InvalidTransition, match="cancel the activity instead"):
        services.activity_move(activity=activity, by=officer, action="unannounce")
    services.activity_move(activity=activity, by=officer, action="cancel")
    services.activity_move(activity=activity, by=officer, action="reopen")
    assert Activity.objects.get(pk=activity.pk).status == Activity.Status.ANNOUNCED


def test_agenda_session_must_be_on_a_day_of_the_activity(activity, officer):
    speaker = activity.speakers.get()
    with pytest.raises(ValueError, match="day of the activity"):
        services.session_add(
            activity=activity, by=officer, data={"day": activity.end_date + timedelta(days=1), "title": "x"}
        )
    session = services.session_add(
        activity=activity,
        by=officer,
        data={"day": activity.start_date, "title": "Border measures"},
        speakers=[speaker],
    )
    assert list(session.speakers.all()) == [speaker]


# --- nomination ----------------------------------------------------------------------------------


def test_focal_point_nominates_within_the_quota(client_as, activity, focal_point):
    invitation = activity.invitations.get()
    url = reverse("events:nominate", args=[activity.pk, invitation.pk])
    client = client_as("focal_point")
    for n in (1, 2):
        assert client.post(url, form(n)).status_code == 302
    response = client.post(url, form(3))
    assert response.status_code == 400
    assert "used all 2 of its nominations" in response.content.decode()
    assert activity.participants.filter(invitation=invitation).count() == 2
    nominated = activity.participants.get(email="person1@example.org")
    assert nominated.status == Participant.Status.PENDING and nominated.registered_by == focal_point
    assert "store and use" in nominated.consent_text


def test_nomination_needs_consent(client_as, activity):
    invitation = activity.invitations.get()
    data = form(1)
    del data["consent"]
    response = client_as("focal_point").post(
        reverse("events:nominate", args=[activity.pk, invitation.pk]), data
    )
    assert response.status_code == 400
    assert not activity.participants.filter(email="person1@example.org").exists()


def test_rejected_nominations_free_the_quota(activity, focal_point, officer):
    invitation = activity.invitations.get()
    first = services.participant_nominate(
        activity=activity, invitation=invitation, by=focal_point, data=person(1)
    )
    services.participant_nominate(activity=activity, invitation=invitation, by=focal_point, data=person(2))
    services.participant_decide(participant=first, by=officer, action="reject")
    services.participant_nominate(activity=activity, invitation=invitation, by=focal_point, data=person(3))


def test_the_same_person_is_not_registered_twice(activity, focal_point):
    invitation = activity.invitations.get()
    services.participant_nominate(activity=activity, invitation=invitation, by=focal_point, data=person(1))
    with pytest.raises(RegistrationRefused, match="already registered"):
        services.participant_nominate(
            activity=activity,
            invitation=invitation,
            by=focal_point,
            data=person(1, email=" PERSON1@Example.org "),
        )


def test_nomination_closes_after_the_deadline(client_as, activity):
    activity.registration_deadline = timezone.localdate() - timedelta(days=1)
    activity.save()
    invitation = activity.invitations.get()
    response = client_as("focal_point").post(
        reverse("events:nominate", args=[activity.pk, invitation.pk]), form(1)
    )
    assert response.status_code == 404
    assert not activity.participants.filter(email="person1@example.org").exists()


# --- open registration ---------------------------------------------------------------------------


def test_open_registration(client_as, public_activity, unassigned_expert):
    public_activity.registration = Activity.Registration.OPEN
    public_activity.save()
    client = client_as("unassigned_expert")
    url = reverse("events:register", args=[public_activity.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, form(1)).status_code == 302
    registration = public_activity.participants.get()
    assert registration.user == unassigned_expert and registration.status == Participant.Status.PENDING
    assert client.get(url).status_code == 404  # once registered, the form is gone


# --- decisions, capacity, waiting list -----------------------------------------------------------


def test_capacity_and_waiting_list(activity, officer):
    activity.capacity = 2  # Amina already holds one seat
    activity.save()
    a, b, c = (services.participant_add(activity=activity, by=officer, data=person(n)) for n in (1, 2, 3))
    assert services.participant_decide(participant=a, by=officer, action="approve").status == "approved"
    assert services.participant_decide(participant=b, by=officer, action="approve").status == "waitlisted"
    assert services.participant_decide(participant=c, by=officer, action="approve").status == "waitlisted"
    # A seat is freed: the first on the waiting list gets it.
    services.participant_decide(participant=a, by=officer, action="reject")
    assert Participant.objects.get(pk=b.pk).status == "approved"
    assert Participant.objects.get(pk=c.pk).status == "waitlisted"


def test_invalid_decision_is_refused(activity, officer):
    amina = activity.participants.get()
    services.participant_decide(participant=amina, by=officer, action="withdraw")
    with pytest.raises(InvalidTransition):
        services.participant_decide(participant=amina, by=officer, action="approve")


def test_participant_withdraws_their_own_registration(client_as, activity, participant):
    amina = activity.participants.get(user=participant)
    response = client_as("participant").post(
        reverse("events:decide", args=[activity.pk, amina.pk, "withdraw"])
    )
    assert response.status_code == 302
    assert Participant.objects.get(pk=amina.pk).status == Participant.Status.WITHDRAWN


def test_participant_cannot_approve_themself(client_as, activity, participant):
    amina = activity.participants.get(user=participant)
    amina.status = Participant.Status.PENDING
    amina.save()
    response = client_as("participant").post(
        reverse("events:decide", args=[activity.pk, amina.pk, "approve"])
    )
    assert response.status_code == 404
    assert Participant.objects.get(pk=amina.pk).status == Participant.Status.PENDING


def test_participant_corrects_their_own_details(client_as, activity, participant):
    amina = activity.participants.get(user=participant)
    data = form(9, given_name="Amina", family_name="Odhiambo-Otieno", email=participant.email)
    del data["consent"]
    data["revision"] = amina.revision
    response = client_as("participant").post(amina.get_absolute_url(), data)
    assert response.status_code == 302
    amina.refresh_from_db()
    assert amina.family_name == "Odhiambo-Otieno" and amina.status == Participant.Status.APPROVED
    entry = AuditEntry.objects.get(action="participant.updated")
    assert "Odhiambo-Otieno" not in str(entry.data)  # field names only: no copy of personal data


# --- attendance and certificates -----------------------------------------------------------------


def test_attendance_sheet_saves_the_page(client_as, activity, officer):
    amina = activity.participants.get()
    pending = ParticipantFactory(activity=activity, status=Participant.Status.PENDING)
    d1, d2, d3 = activity.days
    url = reverse("events:attendance", args=[activity.pk])
    response = client_as("officer").post(
        url,
        {
            "present": [
                f"{amina.pk}:{d1}",
                f"{amina.pk}:{d3}",
                f"{pending.pk}:{d1}",  # not approved: ignored
                f"{amina.pk}:{d3 + timedelta(days=5)}",  # not a day of the activity: ignored
                "nonsense",
                f"{amina.pk}:2026-13-45",
            ]
        },
    )
    assert response.status_code == 302
    assert set(Attendance.objects.values_list("participant_id", "day")) == {(amina.pk, d1), (amina.pk, d3)}
    page = client_as("officer").get(url).content.decode()
    assert page.count(" checked") == 2
    # Unticking removes; the rows of the page are the whole truth for that page.
    client_as("officer").post(url, {"present": [f"{amina.pk}:{d2}"]})
    assert set(Attendance.objects.values_list("day", flat=True)) == {d2}


def test_certificates_go_to_those_who_attended_enough(activity, officer):
    activity.start_date = timezone.localdate() - timedelta(days=4)
    activity.end_date = activity.start_date + timedelta(days=4)  # five days; 80 % is four
    activity.save()
    amina = activity.participants.get()
    short = ParticipantFactory(activity=activity)
    for day in activity.days[:4]:
        Attendance.objects.create(participant=amina, day=day)
    for day in activity.days[:3]:
        Attendance.objects.create(participant=short, day=day)
    assert services.certificates_issue(activity=activity, by=officer) == 1
    certificate = Certificate.objects.get()
    assert certificate.participant == amina and certificate.days_attended == 4
    assert services.certificates_issue(activity=activity, by=officer) == 0  # issued once


def test_no_certificates_before_the_activity(activity, officer):
    with pytest.raises(InvalidTransition):
        services.certificates_issue(activity=activity, by=officer)


def test_certificate_pdf_is_the_participants(client_as, activity, officer, participant):
    amina = activity.participants.get()
    Certificate.objects.create(
        participant=amina, number="2026-00001-0001", days_attended=3, issued_by=officer
    )
    response = client_as("participant").get(reverse("events:certificate", args=[activity.pk, amina.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


# --- participant list and export -----------------------------------------------------------------


def test_participant_export_is_complete_and_safe(client_as, activity):
    ParticipantFactory(
        activity=activity, given_name="=HYPERLINK(1)", family_name="Smith", email="s@example.org"
    )
    response = client_as("officer").get(reverse("events:participants_export", args=[activity.pk]))
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][0] == "Family name"
    assert len(rows) == 3
    assert any(row[1] == "'=HYPERLINK(1)" for row in rows)
    assert AuditEntry.objects.filter(action="activity.participants_viewed", data__export=2).exists()


def test_participant_list_filters_and_pages(client_as, activity):
    for n in range(120):
        ParticipantFactory(
            activity=activity, status=Participant.Status.PENDING if n % 2 else Participant.Status.APPROVED
        )
    client = client_as("officer")
    page = client.get(reverse("events:participants", args=[activity.pk]) + "?status=pending").content.decode()
    assert "60 registrations" in page
    page = client.get(reverse("events:participants", args=[activity.pk]) + "?page=2").content.decode()
    assert "Page 2 of 2" in page
    page = client.get(reverse("events:participants", args=[activity.pk]) + "?q=Odhiambo").content.decode()
    assert "1 registration" in page


def test_register_filters(client, provider, officer):
    long_ago = timezone.localdate() - timedelta(days=400)
    past = ActivityFactory(
        provider=provider, is_public=True, title_en="Past Colloquium", country_id="FR",
        start_date=long_ago, end_date=long_ago + timedelta(days=1),
    )  # fmt: skip
    upcoming = ActivityFactory(
        provider=provider, is_public=True, title_en="Upcoming Workshop", country_id="PE"
    )
    url = reverse("events:list")
    page = client.get(url + "?when=upcoming").content.decode()
    assert upcoming.title_en in page and past.title_en not in page
    page = client.get(url + "?region=150").content.decode()  # Europe
    assert past.title_en in page and upcoming.title_en not in page
    page = client.get(url + f"?year={past.start_date.year}&q=colloquium").content.decode()
    assert past.title_en in page and upcoming.title_en not in page
    page = client.get(url + "?year=abc&when=whenever&country=ZZ").content.decode()
    assert "have been ignored" in page and upcoming.title_en in page


def test_register_in_french_uses_the_french_title(client, provider):
    ActivityFactory(provider=provider, is_public=True, title_en="Workshop", title_fr="Atelier national")
    page = client.get(reverse("events:list").replace("/en/", "/fr/")).content.decode()
    assert "Atelier national" in page


def test_need_triage_is_for_organisers(activity, participant):
    from django.http import Http404

    with pytest.raises(Http404):
        access.get_activity_for_user(participant, activity.pk, need=Need.TRIAGE)
