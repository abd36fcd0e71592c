"""The officer inbox: filters, counts per state, and a page that costs the same number of queries
whatever it shows."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ipassist.casework.models import Assignment, AssistanceRequest
from tests.factories import AssistanceRequestFactory, OrganisationFactory


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_queries_do_not_grow_with_the_rows_shown(client_as, provider, state, officer):
    client = client_as("officer")
    AssistanceRequestFactory.create_batch(2, provider=provider, requester=state, lead_officer=officer)
    few = _queries(client, reverse("casework:list"))
    AssistanceRequestFactory.create_batch(40, provider=provider, requester=state, lead_officer=officer)
    assert _queries(client, reverse("casework:list")) == few


def _listed(client, **params) -> set[str]:
    response = client.get(reverse("casework:list"), params)
    assert response.status_code == 200
    return {case.reference for case in response.context["page"].object_list}


def test_filters(client_as, provider, state, officer, expert):
    peru = OrganisationFactory(slug="pe", kind="government", country_id="PE")
    now = timezone.now()
    old = AssistanceRequestFactory(provider=provider, requester=state, submitted_at=now - timedelta(days=120))
    recent = AssistanceRequestFactory(
        provider=provider, requester=peru, kind="training", submitted_at=now - timedelta(days=3)
    )
    accepted = AssistanceRequestFactory(
        provider=provider, requester=peru, state=AssistanceRequest.State.ACCEPTED, lead_officer=officer
    )
    Assignment.objects.create(request=old, expert=expert, assigned_by=officer)
    client = client_as("officer")
    assert _listed(client, state="accepted") == {accepted.reference}
    assert _listed(client, kind="training") == {recent.reference}
    assert _listed(client, country="PE") == {recent.reference, accepted.reference}
    assert _listed(client, region="002") == {old.reference}  # Africa: Kenya
    assert _listed(client, region="419") == {recent.reference, accepted.reference}  # Latin America
    assert _listed(client, age="91-") == {old.reference}
    assert _listed(client, age="0-7") == {recent.reference, accepted.reference}
    assert _listed(client, assignee=officer.pk) == {accepted.reference}
    assert _listed(client, assignee=expert.pk) == {old.reference}
    assert _listed(client, q=old.reference) == {old.reference}
    assert _listed(client, q="draft enforcement law") == {old.reference, recent.reference, accepted.reference}


def test_counts_per_state_ignore_the_state_filter_and_days_are_shown(client_as, provider, state):
    AssistanceRequestFactory(provider=provider, requester=state)
    case = AssistanceRequestFactory(
        provider=provider,
        requester=state,
        state=AssistanceRequest.State.ACCEPTED,
        state_changed_at=timezone.now() - timedelta(days=12, hours=1),
    )
    response = client_as("officer").get(reverse("casework:list"), {"state": "accepted"})
    counts = {item["value"]: item["count"] for item in response.context["state_counts"]}
    assert (counts["submitted"], counts["accepted"]) == (1, 1)
    assert response.context["page"].paginator.count == 1
    row = next(r for r in response.content.decode().split("<tr>") if case.reference in r)
    assert "<td>12</td>" in row


def test_invalid_filters_are_ignored_and_said_so(client_as, case):
    response = client_as("officer").get(
        reverse("casework:list"), {"state": "nonsense", "country": "ZZ", "age": "x"}
    )
    assert response.status_code == 200
    assert response.context["ignored"] == ["age", "country", "state"]
    assert "have been ignored" in response.content.decode()
    assert case.reference in response.content.decode()
