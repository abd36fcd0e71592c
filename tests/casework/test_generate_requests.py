"""Generated requests for assistance (`ipassist generate --requests N`): reproducible, in states
that match their milestones and timelines, addressed to providers with officers by member states,
counted by the reports at once, and removed by `--clear` without touching real requests."""

from datetime import UTC, date, datetime, time, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ipassist.casework.generate import REFERENCE_PREFIX, clear, generate_requests
from ipassist.casework.models import AssistanceRequest, Event
from ipassist.core import versions
from ipassist.core.models import Membership, Organisation
from ipassist.reports.access import dashboard_scope
from ipassist.reports.statistics import AGGREGATES, Filters, counts
from tests.factories import AssistanceRequestFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

State = AssistanceRequest.State
REFERENCE = date(2025, 6, 30)
END = datetime.combine(REFERENCE, time(12), tzinfo=UTC)


@pytest.fixture
def organisations(provider, other_provider, officer, other_officer, state, other_state):
    """Two providers with officers and two member states; and some that must never appear: a
    provider without officers, an inactive provider, a government without a country, an
    inactive government, a partner agency."""
    OrganisationFactory(slug="no-officers", kind=Organisation.Kind.PROVIDER)
    closed = OrganisationFactory(slug="closed-provider", kind=Organisation.Kind.PROVIDER, is_active=False)
    MembershipFactory(user=UserFactory(), organisation=closed, role=Membership.Role.OFFICER)
    OrganisationFactory(slug="stateless", kind=Organisation.Kind.GOVERNMENT)
    OrganisationFactory(slug="old-state", kind=Organisation.Kind.GOVERNMENT, country_id="FR", is_active=False)
    OrganisationFactory(slug="agency", kind=Organisation.Kind.PARTNER_AGENCY, country_id="US")
    return {"providers": {provider.pk, other_provider.pk}, "states": {state.pk, other_state.pk}}


def generated():
    return AssistanceRequest.objects.filter(reference__startswith=REFERENCE_PREFIX).order_by("reference")


def timeline(case) -> list[Event]:
    return list(Event.objects.filter(request=case).order_by("at", "id"))


def snapshot() -> list[tuple]:
    """Every generated request and its timeline, without database ids."""
    return [
        (
            r.reference,
            r.provider.slug,
            r.requester.slug,
            r.country_id,
            r.kind,
            r.state,
            r.title,
            r.working_languages,
            r.submitted_at,
            r.accepted_at,
            r.delivered_at,
            r.state_changed_at,
            [(e.kind, e.at, e.data) for e in timeline(r)],
        )
        for r in generated().select_related("provider", "requester")
    ]


def test_the_same_seed_gives_the_same_requests(organisations):
    assert generate_requests(count=60, seed=5, reference=REFERENCE) == 60
    first = snapshot()
    assert len(first) == 60
    clear()
    generate_requests(count=60, seed=5, reference=REFERENCE)
    assert snapshot() == first
    clear()
    generate_requests(count=60, seed=6, reference=REFERENCE)
    assert snapshot() != first


def test_states_match_their_milestones(organisations):
    generate_requests(count=300, seed=2, reference=REFERENCE)
    cases = list(generated())
    assert len({c.state for c in cases}) >= 6  # a lived-in inbox, not one state
    assert len({c.kind for c in cases}) >= 5
    for case in cases:
        assert case.submitted_at is not None
        assert END - timedelta(days=6 * 365) <= case.submitted_at < END, case
        if case.state in (State.DELIVERED, State.CLOSED):
            assert case.submitted_at <= case.accepted_at <= case.delivered_at < END, case
        elif case.state in (State.ACCEPTED, State.IN_PROGRESS):
            assert case.submitted_at <= case.accepted_at < END and case.delivered_at is None, case
        else:  # submitted, information requested, declined, withdrawn: never accepted
            assert case.state in (State.SUBMITTED, State.INFO_REQUESTED, State.DECLINED, State.WITHDRAWN)
            assert case.accepted_at is None and case.delivered_at is None, case


def test_every_request_has_its_timeline(organisations):
    generate_requests(count=150, seed=3, reference=REFERENCE)
    for case in generated():
        events = timeline(case)
        assert events[0].kind == Event.Kind.CREATED and events[0].at == case.submitted_at
        moves = events[1:]
        assert moves and all(e.kind == Event.Kind.TRANSITION for e in moves)
        assert moves[0].data == {"action": "submit", "before": State.DRAFT, "after": State.SUBMITTED}
        before = State.DRAFT
        for event in moves:
            sources, after, _side = AssistanceRequest.TRANSITIONS[event.data["action"]]
            assert event.data["before"] == before and before in sources, (case, event.data)
            assert event.data["after"] == after
            before = after
        assert before == case.state
        assert [e.at for e in events] == sorted(e.at for e in events)
        assert moves[-1].at == case.state_changed_at
        at = {e.data["action"]: e.at for e in moves}
        assert at["submit"] == case.submitted_at
        assert at.get("accept") == case.accepted_at
        assert at.get("deliver") == case.delivered_at


def test_requests_go_from_member_states_to_providers_with_officers(organisations):
    generate_requests(count=120, seed=4, reference=REFERENCE)
    cases = list(generated().select_related("requester"))
    assert {c.provider_id for c in cases} == organisations["providers"]
    assert {c.requester_id for c in cases} == organisations["states"]
    assert all(c.country_id == c.requester.country_id for c in cases)


def test_generating_twice_adds_requests_with_new_references(organisations):
    generate_requests(count=15, seed=1, reference=REFERENCE)
    generate_requests(count=15, seed=1, reference=REFERENCE)
    assert generated().count() == 30
    assert len(set(generated().values_list("reference", flat=True))) == 30


def test_generated_requests_are_counted_by_the_reports_at_once(organisations, officer):
    scope = dashboard_scope(officer)
    by_state = AGGREGATES["requests-by-state"]
    assert counts(scope, by_state, Filters()) == []
    before = versions.current()["requests"]
    generate_requests(count=80, seed=9, reference=REFERENCE)
    assert versions.current()["requests"] > before
    mine = generated().filter(provider__memberships__user=officer)
    assert sum(n for _state, n in counts(scope, by_state, Filters())) == mine.count() > 0


def test_clear_removes_only_generated_requests(organisations, provider, state):
    real = AssistanceRequestFactory(provider=provider, requester=state)
    Event.objects.create(request=real, kind=Event.Kind.CREATED)
    generate_requests(count=40, seed=7, reference=REFERENCE)
    version = versions.current()["requests"]
    clear()
    assert not generated().exists()
    assert list(AssistanceRequest.objects.all()) == [real]
    assert list(Event.objects.values_list("request_id", flat=True)) == [real.pk]
    assert versions.current()["requests"] > version


def test_clear_says_how_many_requests_it_removed(organisations):
    """Not how many rows: each request takes its timeline events with it."""
    generate_requests(count=40, seed=7, reference=REFERENCE)
    assert clear() == 40


def run(*args) -> str:
    out = StringIO()
    call_command("generate", *map(str, args), stdout=out)
    return out.getvalue()


def test_the_command_generates_and_clears_requests(organisations, provider, state):
    real = AssistanceRequestFactory(provider=provider, requester=state)
    output = run("--requests", 25, "--seed", 3, "--reference-date", REFERENCE.isoformat())
    assert "Generated 25 requests for assistance" in output
    assert generated().count() == 25
    first = snapshot()
    run("--clear", "--requests", 25, "--seed", 3, "--reference-date", REFERENCE.isoformat())
    assert snapshot() == first  # cleared, then the same again
    output = run("--clear")
    assert not generated().exists()
    assert list(AssistanceRequest.objects.all()) == [real]
    assert "and 25 requests." in output


def test_the_command_needs_providers_and_member_states(db):
    with pytest.raises(CommandError, match="ipassist demo"):
        run("--requests", 5)
    with pytest.raises(CommandError, match="cannot be negative"):
        run("--requests", -1)
    assert not AssistanceRequest.objects.exists()
