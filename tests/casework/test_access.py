"""The persona matrix for every casework URL and action (see docs/access.md).

Allowed: the provider's officers, the requesting state's focal points, and experts assigned who
accepted the undertaking. Everyone else gets 404 — the answer for a request that does not exist —
and a denied write changes nothing.
"""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from ipassist.casework import access
from ipassist.casework.models import Assignment, AssistanceRequest, Document, Message
from ipassist.core.models import AuditEntry
from tests.casework.conftest import snapshot
from tests.casework.files import pdf_bytes
from tests.factories import AssistanceRequestFactory

ON_FILE = {"officer", "focal_point", "expert"}
DENIED = {"other_officer", "other_focal_point", "unassigned_expert", "participant", "partner"}


def expected(persona: str, allowed: set[str]) -> int:
    if persona == "anonymous":
        return 302  # to the sign-in page; nothing about the request is shown
    return 200 if persona in allowed else 404


@pytest.mark.parametrize("persona", ["officer", "focal_point", "expert", *sorted(DENIED), "anonymous"])
def test_request_detail(client_as, case, persona):
    response = client_as(persona).get(case.get_absolute_url())
    assert response.status_code == expected(persona, ON_FILE)
    if response.status_code == 200:
        assert case.title in response.content.decode()
    else:
        assert case.title not in response.content.decode()


@pytest.mark.parametrize("persona", ["officer", "focal_point", "expert", *sorted(DENIED), "anonymous"])
def test_document_download(client_as, case, persona):
    document = Document.objects.create(
        request=case, name="draft.txt", kind="txt", content_type="text/plain", size=5, sha256="0" * 64
    )
    document.file.save("x", SimpleUploadedFile("x", b"draft"), save=True)
    response = client_as(persona).get(document.get_absolute_url())
    assert response.status_code == expected(persona, ON_FILE)


@pytest.mark.parametrize(
    ("persona", "allowed"),
    [
        ("officer", True),
        ("focal_point", True),
        ("expert", False),
        *[(p, False) for p in sorted(DENIED)],
    ],
)
def test_edit_page(client_as, case, persona, allowed):
    response = client_as(persona).get(reverse("casework:edit", args=[case.pk]))
    assert response.status_code == (200 if allowed else 404)


@pytest.mark.parametrize("persona", ["officer", *sorted(DENIED)])
def test_draft_is_the_requesting_states_own(client_as, draft, persona):
    """Before submission, even the provider's officers do not see a request."""
    assert client_as(persona).get(draft.get_absolute_url()).status_code == 404
    assert client_as("focal_point").get(draft.get_absolute_url()).status_code == 200


def test_draft_withdrawn_before_submission_stays_private(client_as, draft, focal_point, officer):
    draft.state = AssistanceRequest.State.WITHDRAWN
    draft.save()
    assert client_as("officer").get(draft.get_absolute_url()).status_code == 404
    assert not access.requests_visible_to(officer).filter(pk=draft.pk).exists()


def test_expert_sees_nothing_before_accepting_the_undertaking(client_as, case, expert):
    Assignment.objects.filter(request=case, expert=expert).update(undertaking_accepted_at=None)
    assert client_as("expert").get(case.get_absolute_url()).status_code == 404


def test_removed_expert_loses_access(client_as, case, expert):
    Assignment.objects.filter(request=case, expert=expert).update(removed_at=timezone.now())
    assert client_as("expert").get(case.get_absolute_url()).status_code == 404


def test_expert_off_the_roster_loses_access(client_as, case, expert):
    expert.memberships.update(is_active=False)
    assert client_as("expert").get(case.get_absolute_url()).status_code == 404


def test_superuser_without_a_role_sees_no_request(client, case, django_user_model):
    admin = django_user_model.objects.create_superuser("root@example.org", "x")
    client.force_login(admin)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert case.reference not in client.get(reverse("casework:list")).content.decode()


def test_non_numeric_and_missing_ids_are_404(client_as, case):
    client = client_as("officer")
    assert client.get(reverse("casework:detail", args=[case.pk + 1000])).status_code == 404
    assert client.get(f"/en/requests/{case.pk}x/").status_code == 404


# --- lists, counts and exports obey the same rule ---------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "focal_point", "expert", *sorted(DENIED)])
def test_list_and_counts(client_as, case, other_state, other_focal_point, persona):
    AssistanceRequestFactory(provider=case.provider, requester=other_state, title="Viet Nam customs training")
    response = client_as(persona).get(reverse("casework:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert (case.title in body) == (persona in ON_FILE)
    counts = {item["value"]: item["count"] for item in response.context["state_counts"]}
    if persona == "officer":
        assert counts["submitted"] == 2
    elif persona in ("focal_point", "expert"):
        assert counts["submitted"] == 1
    elif persona == "other_focal_point":
        assert counts["submitted"] == 1 and "Viet Nam customs training" in body
    else:
        assert sum(counts.values()) == 0


@pytest.mark.parametrize("persona", ["officer", "focal_point", "expert", *sorted(DENIED)])
def test_export(client_as, case, persona):
    response = client_as(persona).get(reverse("casework:export"))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    references = [row[0] for row in rows[1:]]
    assert references == ([case.reference] if persona in ON_FILE else [])
    assert AuditEntry.objects.filter(action="request.exported", data__count=len(references)).exists()


def test_export_neutralises_spreadsheet_formulas(client_as, case):
    AssistanceRequest.objects.filter(pk=case.pk).update(title='=HYPERLINK("http://evil.example")')
    rows = list(
        csv.reader(
            io.StringIO(
                b"".join(client_as("officer").get(reverse("casework:export")).streaming_content).decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert rows[1][1].startswith("'=")


# --- writes: allowed personas succeed; denied ones change nothing -----------------------------------


def _post(client, case, name, data=None, **kwargs):
    return client.post(reverse(f"casework:{name}", kwargs={"pk": case.pk, **kwargs}), data or {})


WRITES = {
    # name: (url name, url kwargs, data, personas allowed)
    "accept": ("transition", {"action": "accept"}, {}, {"officer"}),
    "withdraw": ("transition", {"action": "withdraw"}, {}, {"focal_point"}),
    "message": ("message", {}, {"body": "A question about chapter IV."}, ON_FILE),
    "lead": ("lead", {}, None, {"officer"}),
    "assign": ("assign", {}, None, {"officer"}),
}


@pytest.mark.parametrize("write", sorted(WRITES))
@pytest.mark.parametrize("persona", ["officer", "focal_point", "expert", *sorted(DENIED), "anonymous"])
def test_write_matrix(client_as, case, officer, unassigned_expert, persona, write):
    name, kwargs, data, allowed = WRITES[write]
    if write == "lead":
        data = {"lead": officer.pk}
    if write == "assign":
        data = {"expert": unassigned_expert.pk}
    before = snapshot(case)
    response = _post(client_as(persona), case, name, data, **kwargs)
    after = snapshot(case)
    if persona in allowed:
        assert response.status_code == 302
        assert after != before
    else:
        assert response.status_code in (302, 404)  # 302: anonymous to sign-in, or a refused move
        if persona not in ON_FILE:
            assert response.status_code == (302 if persona == "anonymous" else 404)
        assert after == before


@pytest.mark.parametrize("persona", ["officer", "focal_point", "expert", *sorted(DENIED), "anonymous"])
def test_upload_matrix(client_as, case, persona):
    before = snapshot(case)
    upload = SimpleUploadedFile("draft-law.pdf", pdf_bytes(), content_type="application/pdf")
    response = _post(client_as(persona), case, "upload", {"files": upload})
    if persona in ON_FILE:
        assert response.status_code == 302
        assert Document.objects.filter(request=case, name="draft-law.pdf").exists()
    else:
        assert response.status_code == (302 if persona == "anonymous" else 404)
        assert snapshot(case) == before


@pytest.mark.parametrize("persona", ["officer", "focal_point", "expert", *sorted(DENIED)])
def test_unassign_matrix(client_as, case, expert, persona):
    assignment = Assignment.objects.get(request=case, expert=expert)
    before = snapshot(case)
    response = _post(client_as(persona), case, "unassign", assignment=assignment.pk)
    if persona == "officer":
        assert response.status_code == 302
        assert Assignment.objects.get(pk=assignment.pk).removed_at is not None
    else:
        assert response.status_code == 404
        assert snapshot(case) == before


@pytest.mark.parametrize("persona", ["officer", "focal_point", "expert", *sorted(DENIED)])
def test_edit_matrix(client_as, case, persona):
    before = snapshot(case)
    data = {
        "kind": "training",
        "title": "Changed by " + persona,
        "institution": "Ministry",
        "description": "Changed",
        "revision": case.revision,
    }
    response = client_as(persona).post(reverse("casework:edit", args=[case.pk]), data)
    if persona in ("officer", "focal_point"):
        assert response.status_code == 302
        assert AssistanceRequest.objects.get(pk=case.pk).title == "Changed by " + persona
    else:
        assert response.status_code == 404
        assert snapshot(case) == before


# --- internal notes ----------------------------------------------------------------------------------


def test_internal_notes_are_for_the_providers_officers(client_as, case, officer):
    Message.objects.create(
        request=case, author=officer, body="Internal: politically sensitive", internal=True
    )
    Message.objects.create(request=case, author=officer, body="Visible question", internal=False)
    for persona in ("focal_point", "expert"):
        body = client_as(persona).get(case.get_absolute_url()).content.decode()
        assert "Visible question" in body
        assert "politically sensitive" not in body
    assert "politically sensitive" in client_as("officer").get(case.get_absolute_url()).content.decode()


def test_focal_point_cannot_write_an_internal_note(client_as, case):
    client_as("focal_point").post(
        reverse("casework:message", args=[case.pk]), {"body": "hi", "internal": "on"}
    )
    assert Message.objects.get(request=case).internal is False


# --- the undertaking page ------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["officer", "focal_point", "expert", *sorted(DENIED)])
def test_undertaking_page_is_for_the_assigned_expert(client_as, case, officer, unassigned_expert, persona):
    assignment = Assignment.objects.create(request=case, expert=unassigned_expert, assigned_by=officer)
    response = client_as(persona).get(reverse("casework:undertaking", args=[assignment.pk]))
    assert response.status_code == (200 if persona == "unassigned_expert" else 404)
    if response.status_code == 200:
        assert case.title not in response.content.decode()  # nothing of the file before accepting


def test_reads_are_audited(client_as, case, focal_point):
    client_as("focal_point").get(case.get_absolute_url())
    entry = AuditEntry.objects.get(action="request.viewed", target_id=str(case.pk))
    assert entry.actor == focal_point
    assert entry.ip_address == "127.0.0.1"
