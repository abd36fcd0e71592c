"""From a draft to delivery: filing, triage, experts, the thread, the timeline and the e-mails."""

import pytest
from django.core import mail
from django.urls import reverse

from ipassist.casework import services
from ipassist.casework.models import Assignment, AssistanceRequest, Event, InvalidTransition, Message
from ipassist.core.models import AuditEntry
from tests.casework.conftest import snapshot
from tests.casework.files import pdf_bytes

State = AssistanceRequest.State


def _request_form(provider, state, **overrides):
    data = {
        "requester": state.pk,
        "provider": provider.pk,
        "kind": "legislative",
        "title": "Review of the draft Copyright (Amendment) Bill",
        "institution": "Office of the Attorney General",
        "description": "We ask for comments on Part VIII (enforcement) of the attached draft bill.",
        "desired_start": "2027-01-15",
        "desired_end": "2027-03-31",
        "working_languages": ["en", "fr"],
        "contacts": "Jane Doe, Senior State Counsel, jane@example.org",
    }
    data.update(overrides)
    return data


def test_focal_point_files_a_draft_with_a_document(client_as, provider, state, focal_point):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("Draft bill.pdf", pdf_bytes("Copyright (Amendment) Bill, Part VIII"))
    response = client_as("focal_point").post(
        reverse("casework:create"),
        {**_request_form(provider, state), "files": upload, "files_description": "The bill as tabled"},
    )
    assert response.status_code == 302
    case = AssistanceRequest.objects.get()
    assert case.state == State.DRAFT and case.submitted_at is None
    assert case.country_id == "KE"
    assert case.reference.endswith(f"{case.pk:05d}")
    assert case.working_languages == ["en", "fr"]
    assert [(d.name, d.description) for d in case.documents.all()] == [
        ("Draft bill.pdf", "The bill as tabled")
    ]
    assert case.description.startswith("We ask for comments")
    assert list(case.events.values_list("kind", flat=True)) == ["created", "document"]
    assert response["Location"] == case.get_absolute_url()


def test_form_errors_keep_what_was_typed_and_save_nothing(client_as, provider, state, focal_point):
    data = _request_form(provider, state, desired_end="2026-12-01", title="")
    response = client_as("focal_point").post(reverse("casework:create"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "The end of the timeframe is before its start." in body
    assert "Part VIII (enforcement)" in body
    assert not AssistanceRequest.objects.exists()


def test_programme_must_belong_to_the_chosen_provider(
    client_as, provider, other_provider, state, focal_point
):
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(provider=other_provider)
    data = _request_form(provider, state, programme=programme.pk)
    response = client_as("focal_point").post(reverse("casework:create"), data)
    assert response.status_code == 400
    assert "offered by another provider" in response.content.decode()


def test_a_focal_point_cannot_file_for_another_state(client_as, provider, state, other_state, focal_point):
    response = client_as("focal_point").post(reverse("casework:create"), _request_form(provider, other_state))
    assert response.status_code == 400  # not one of the choices offered
    assert not AssistanceRequest.objects.exists()


@pytest.mark.parametrize("persona", ["officer", "expert", "partner", "participant"])
def test_only_focal_points_file_requests(client_as, persona, provider, state):
    assert client_as(persona).get(reverse("casework:create")).status_code == 404


def _go(client, case, action, text=""):
    return client.post(reverse("casework:transition", args=[case.pk, action]), {"text": text})


def test_the_whole_journey(
    client_as, draft, officer, focal_point, unassigned_expert, django_capture_on_commit_callbacks
):
    focal, off = client_as("focal_point"), client_as("officer")
    with django_capture_on_commit_callbacks(execute=True):
        _go(focal, draft, "submit")
    draft.refresh_from_db()
    assert draft.state == State.SUBMITTED and draft.submitted_at is not None

    with django_capture_on_commit_callbacks(execute=True):
        _go(off, draft, "request_info", "Please attach the current law as well.")
    draft.refresh_from_db()
    assert draft.state == State.INFO_REQUESTED

    _go(focal, draft, "answer", "Attached now.")
    _go(off, draft, "accept")
    off.post(reverse("casework:lead", args=[draft.pk]), {"lead": officer.pk})
    off.post(reverse("casework:assign", args=[draft.pk]), {"expert": unassigned_expert.pk})
    _go(off, draft, "start")
    _go(off, draft, "deliver")
    _go(off, draft, "close")
    draft.refresh_from_db()
    assert draft.state == State.CLOSED
    assert draft.lead_officer == officer

    kinds = list(Event.objects.filter(request=draft).values_list("kind", "data__action"))
    assert kinds == [
        ("transition", "submit"),
        ("transition", "request_info"),
        ("transition", "answer"),
        ("transition", "accept"),
        ("lead", None),
        ("assigned", None),
        ("transition", "start"),
        ("transition", "deliver"),
        ("transition", "close"),
    ]
    # The question and the answer are in the thread.
    assert list(Message.objects.filter(request=draft).values_list("body", flat=True)) == [
        "Please attach the current law as well.",
        "Attached now.",
    ]
    # The timeline shows actors and moves; the focal point does not see internal events.
    focal_page = focal.get(draft.get_absolute_url()).content.decode()
    assert "Information requested → Submitted" in focal_page
    assert "assigned an expert" not in focal_page
    assert "assigned an expert" in off.get(draft.get_absolute_url()).content.decode()
    assert AuditEntry.objects.filter(target_id=str(draft.pk), action="request.close").exists()


@pytest.mark.parametrize(
    ("start", "action", "persona"),
    [
        (State.DRAFT, "accept", "focal_point"),  # the provider's move, and not from a draft
        (State.SUBMITTED, "close", "officer"),  # skips the work
        (State.SUBMITTED, "accept", "focal_point"),  # the state cannot accept its own request
        (State.CLOSED, "reopen", "officer"),  # closed is final
        (State.DECLINED, "submit", "focal_point"),
        (State.SUBMITTED, "no-such-action", "officer"),
        (State.SUBMITTED, "decline", "focal_point"),  # the provider's move, even without its text
    ],
)
def test_invalid_transitions_are_refused_and_change_nothing(client_as, case, start, action, persona):
    AssistanceRequest.objects.filter(pk=case.pk).update(state=start)
    before = snapshot(case)
    client = client_as(persona)
    response = _go(client, case, action)
    assert response.status_code == 302
    assert snapshot(case) == before
    page = client.get(response["Location"]).content.decode()
    assert "cannot be moved on" in page or "other party" in page or "does not exist" in page


def test_decline_needs_a_reason(client_as, case):
    before = snapshot(case)
    response = _go(client_as("officer"), case, "decline", "   ")
    assert response.status_code == 400
    assert "Write the reason" in response.content.decode()
    assert snapshot(case) == before
    _go(client_as("officer"), case, "decline", "Outside our mandate: please contact the regional office.")
    case.refresh_from_db()
    assert case.state == State.DECLINED
    assert "Outside our mandate" in client_as("focal_point").get(case.get_absolute_url()).content.decode()


def test_expert_cannot_move_the_request(client_as, case):
    before = snapshot(case)
    assert _go(client_as("expert"), case, "accept").status_code == 404
    assert snapshot(case) == before


def test_undertaking_accept_records_the_time_and_opens_the_file(client_as, case, officer, unassigned_expert):
    assignment = Assignment.objects.create(request=case, expert=unassigned_expert, assigned_by=officer)
    client = client_as("unassigned_expert")
    url = reverse("casework:undertaking", args=[assignment.pk])
    response = client.post(url, {"decision": "accept"})  # the box not ticked
    assert response.status_code == 400
    assignment.refresh_from_db()
    assert assignment.undertaking_accepted_at is None
    response = client.post(url, {"decision": "accept", "accept": "yes"})
    assert response["Location"] == case.get_absolute_url()
    assignment.refresh_from_db()
    assert assignment.undertaking_accepted_at is not None
    assert case.reference in assignment.undertaking_text
    entry = AuditEntry.objects.get(action="request.undertaking_accepted")
    assert entry.data["accepted_at"] == assignment.undertaking_accepted_at.isoformat()
    assert client.get(case.get_absolute_url()).status_code == 200
    # Accepted once: the undertaking page is no longer open to it.
    assert client.get(url).status_code == 404


def test_expert_declines_an_assignment(client_as, case, officer, unassigned_expert):
    assignment = Assignment.objects.create(request=case, expert=unassigned_expert, assigned_by=officer)
    client_as("unassigned_expert").post(
        reverse("casework:undertaking", args=[assignment.pk]), {"decision": "decline"}
    )
    assignment.refresh_from_db()
    assert assignment.declined_at is not None
    assert client_as("unassigned_expert").get(case.get_absolute_url()).status_code == 404


def test_only_roster_experts_can_be_assigned(client_as, case, other_officer):
    """An officer of another provider is not on this provider's roster."""
    before = snapshot(case)
    response = client_as("officer").post(
        reverse("casework:assign", args=[case.pk]), {"expert": other_officer.pk}
    )
    assert response.status_code == 400
    assert snapshot(case) == before


def test_empty_message_is_refused(client_as, case):
    before = snapshot(case)
    response = client_as("focal_point").post(reverse("casework:message", args=[case.pk]), {"body": "  \n "})
    assert response.status_code == 400
    assert "Write a message first." in response.content.decode()
    assert snapshot(case) == before


# --- e-mail ------------------------------------------------------------------------------------------


def test_submission_emails_the_providers_officers_after_commit(
    draft, officer, other_officer, focal_point, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        services.request_transition(case=draft, by=focal_point, action="submit")
        assert mail.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in mail.outbox] == [[officer.email]]
    message = mail.outbox[0]
    assert draft.reference in message.subject
    assert f"/en/requests/{draft.pk}/" in message.body
    # No confidential content: not the subject, the institution, the description or the contacts.
    for secret in (draft.title, draft.institution, draft.description, draft.contacts):
        assert secret not in message.subject and secret not in message.body


def test_no_email_before_commit_if_the_transaction_fails(
    draft, focal_point, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(InvalidTransition):
        services.request_transition(case=draft, by=focal_point, action="answer", text="x")
    assert callbacks == [] and mail.outbox == []


def test_message_emails_everyone_on_file_but_the_author(
    case,
    officer,
    focal_point,
    expert,
    unassigned_expert,
    other_focal_point,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(case=case, by=focal_point, body="Secret detail about the pending case X v. Y")
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([officer.email, expert.email])
    assert all("Secret detail" not in m.body for m in mail.outbox)


def test_internal_note_emails_officers_only(
    case, officer, focal_point, expert, django_capture_on_commit_callbacks
):
    from tests.factories import MembershipFactory, UserFactory

    colleague = UserFactory(email="colleague@example.org")
    MembershipFactory(user=colleague, organisation=case.provider, role="officer")
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(case=case, by=officer, body="Internal", internal=True)
    assert [m.to for m in mail.outbox] == [[colleague.email]]


def test_emails_speak_the_recipients_language(
    draft, officer, focal_point, django_capture_on_commit_callbacks
):
    officer.preferred_language = "fr"
    officer.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_transition(case=draft, by=focal_point, action="submit")
    assert "/fr/requests/" in mail.outbox[0].body


def test_assignment_email_goes_to_the_expert_only_and_links_the_undertaking(
    case, officer, unassigned_expert, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assignment = services.expert_assign(case=case, by=officer, expert=unassigned_expert)
    assert [m.to for m in mail.outbox] == [[unassigned_expert.email]]
    assert reverse("casework:undertaking", args=[assignment.pk]) in mail.outbox[0].body


def test_officers_hear_when_an_expert_declines(
    case, officer, unassigned_expert, django_capture_on_commit_callbacks
):
    assignment = Assignment.objects.create(request=case, expert=unassigned_expert, assigned_by=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.assignment_decline(assignment=assignment, by=unassigned_expert)
    assert [m.to for m in mail.outbox] == [[officer.email]]
    assert "declined the assignment" in mail.outbox[0].subject


def test_a_stale_edit_is_refused_and_says_what_changed(client_as, case):
    form = {"kind": "legislative", "institution": "Ministry of Justice", "description": "Chapter IV"}
    first = client_as("focal_point").post(
        reverse("casework:edit", args=[case.pk]), {**form, "title": "Focal point's subject", "revision": 1}
    )
    assert first.status_code == 302
    stale = client_as("officer").post(
        reverse("casework:edit", args=[case.pk]), {**form, "title": "Officer's subject", "revision": 1}
    )
    assert stale.status_code == 409
    body = stale.content.decode()
    assert "someone else changed this request" in body
    assert "focal@example.org" in body and "subject" in body
    assert "Officer&#x27;s subject" in body  # the officer's text is kept in the form
    case.refresh_from_db()
    assert (case.title, case.revision) == ("Focal point's subject", 2)
