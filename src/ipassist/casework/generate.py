"""Generated requests for assistance, with their timelines: for a lived-in inbox and for the
statistics of requests (by kind, by state, processing time) at realistic sizes.

Reproducible: the same seed and reference date give the same requests. Generated requests have
references starting with :data:`REFERENCE_PREFIX`; :func:`clear` removes those and nothing else.
Rows are written with ``bulk_create`` in one transaction; the data version of requests is raised.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from ipassist.casework.models import AssistanceRequest, Event
from ipassist.core import versions
from ipassist.core.models import Membership, Organisation

REFERENCE_PREFIX = "GEN-"
BATCH = 2000

State = AssistanceRequest.State
Kind = AssistanceRequest.Kind

# Where generated requests are now, roughly as in a provider's files over a few years.
STATES = {
    State.SUBMITTED: 6,
    State.INFO_REQUESTED: 3,
    State.ACCEPTED: 6,
    State.IN_PROGRESS: 12,
    State.DELIVERED: 18,
    State.CLOSED: 40,
    State.DECLINED: 8,
    State.WITHDRAWN: 7,
}
KINDS = {
    Kind.LEGISLATIVE: 30,
    Kind.TRAINING: 30,
    Kind.LEGAL_ADVICE: 12,
    Kind.IP_STRATEGY: 8,
    Kind.INSTITUTIONAL: 8,
    Kind.AWARENESS: 9,
    Kind.OTHER: 3,
}
SUBJECTS = {
    Kind.LEGISLATIVE: "Review of the draft law on the enforcement of IP rights",
    Kind.TRAINING: "National workshop for judges and prosecutors on IP enforcement",
    Kind.LEGAL_ADVICE: "Advice on provisional measures in a counterfeiting case",
    Kind.IP_STRATEGY: "Enforcement chapter of the national IP strategy",
    Kind.INSTITUTIONAL: "Setting up an inter-agency IP enforcement committee",
    Kind.AWARENESS: "Public awareness campaign on counterfeit medicines",
    Kind.OTHER: "Study visit of customs officers on border measures",
}
# The steps each final state went through, after submission.
PATHS = {
    State.SUBMITTED: (),
    State.INFO_REQUESTED: ("request_info",),
    State.ACCEPTED: ("accept",),
    State.IN_PROGRESS: ("accept", "start"),
    State.DELIVERED: ("accept", "start", "deliver"),
    State.CLOSED: ("accept", "start", "deliver", "close"),
    State.DECLINED: ("decline",),
    State.WITHDRAWN: ("withdraw",),
}
# Median days each step takes (log-normal around it).
STEP_DAYS = {
    "request_info": 10,
    "accept": 21,
    "start": 30,
    "deliver": 150,
    "close": 20,
    "decline": 25,
    "withdraw": 40,
}


def _weighted(rng: random.Random, weights: dict, k: int) -> list:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def has_generated() -> bool:
    return AssistanceRequest.objects.filter(reference__startswith=REFERENCE_PREFIX).exists()


@transaction.atomic
def clear() -> int:
    _total, by_model = AssistanceRequest.objects.filter(reference__startswith=REFERENCE_PREFIX).delete()
    versions.changed(versions.REQUESTS)
    return by_model.get(AssistanceRequest._meta.label, 0)  # not their timeline events


@transaction.atomic
def generate_requests(*, count: int, seed: int, reference: date, years: int = 6) -> int:
    """``count`` submitted requests from the member states' organisations to the providers that have
    officers, spread over the ``years`` before ``reference``; returns the number written."""
    rng = random.Random(seed)  # noqa: S311 (reproducible generated data, not a secret)
    providers = list(
        Organisation.objects.filter(
            kind=Organisation.Kind.PROVIDER,
            is_active=True,
            memberships__role=Membership.Role.OFFICER,
            memberships__is_active=True,
        )
        .distinct()
        .order_by("slug")
    )
    states = list(
        Organisation.objects.filter(kind=Organisation.Kind.GOVERNMENT, is_active=True, country__isnull=False)
        .order_by("slug")
        .only("pk", "country_id")
    )
    if not providers or not states:
        raise LookupError(
            "Requests need a provider with officers and member-state organisations: run `ipassist demo`."
        )
    end = timezone.make_aware(datetime.combine(reference, time(12)))
    span = timedelta(days=365 * years).total_seconds()
    busy = [rng.paretovariate(1.4) for _ in states]  # a few states ask far more often than others
    rows = sorted(
        zip(
            (end - timedelta(seconds=rng.uniform(3600, span)) for _ in range(count)),
            rng.choices(states, weights=busy, k=count),
            _weighted(rng, KINDS, count),
            _weighted(rng, STATES, count),
            strict=True,
        ),
        key=lambda row: row[0],
    )
    first = AssistanceRequest.objects.filter(reference__startswith=REFERENCE_PREFIX).count() + 1
    requests, timelines = [], []
    for n, (submitted, requester, kind, state) in enumerate(rows, start=first):
        moments, at = [], submitted
        for step in PATHS[state]:
            at = at + timedelta(days=rng.lognormvariate(0, 0.6) * STEP_DAYS[step])
            if at >= end:  # not there yet: the request stops at the previous step
                break
            moments.append((step, at))
        reached = _state_after([step for step, _at in moments])
        milestones = dict(moments)
        requests.append(
            AssistanceRequest(
                reference=f"{REFERENCE_PREFIX}{submitted:%Y}-{n:05d}",
                provider=rng.choice(providers),
                requester=requester,
                country_id=requester.country_id,
                kind=kind,
                title=SUBJECTS[kind],
                institution="Ministry of Justice",
                description="Generated request (ipassist generate).",
                working_languages=[rng.choice(["en", "fr", "es", "ar"])],
                state=reached,
                state_changed_at=moments[-1][1] if moments else submitted,
                submitted_at=submitted,
                accepted_at=milestones.get("accept"),
                delivered_at=milestones.get("deliver"),
            )
        )
        timelines.append([("submit", submitted), *moments])
    AssistanceRequest.objects.bulk_create(requests, batch_size=BATCH)
    # bulk_create sets the ids (RETURNING, on PostgreSQL and on SQLite 3.35 or later).
    events = []
    for case, timeline in zip(requests, timelines, strict=True):
        before = State.DRAFT
        events.append(Event(request_id=case.pk, kind=Event.Kind.CREATED, at=timeline[0][1]))
        for action, at in timeline:
            after = AssistanceRequest.TRANSITIONS[action][1]
            events.append(
                Event(
                    request_id=case.pk,
                    kind=Event.Kind.TRANSITION,
                    at=at,
                    data={"action": action, "before": before, "after": after},
                )
            )
            before = after
    Event.objects.bulk_create(events, batch_size=BATCH)
    versions.changed(versions.REQUESTS)
    return len(requests)


def _state_after(steps: list[str]) -> str:
    return AssistanceRequest.TRANSITIONS[steps[-1]][1] if steps else State.SUBMITTED
