"""What each reader's statistics are computed over. The only place these rules live.

- The **public** statistics count the public register: public activities that took or will take
  place (announced; not drafts, not cancelled), and the approved participants of those. Requests
  are confidential and are never in the public statistics. Counts of people are suppressed below
  :data:`SMALL_CELL` (see ``statistics.suppress``).
- An **officer's** dashboard counts what their organisations organise (lead provider or
  co-organiser) — the same activities whose participants they manage — and the requests
  addressed to their organisations (``casework.access.requests_visible_to``). Counts are exact.
- Nobody else has a dashboard: focal points, experts, participants, partners, anonymous visitors
  and superusers without an officer membership get 404 and read the public statistics.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from ipassist.casework.access import requests_visible_to
from ipassist.casework.models import AssistanceRequest
from ipassist.core.access import deny, officer_organisations
from ipassist.core.models import Organisation
from ipassist.events.access import organised_by, public_activities
from ipassist.events.models import Activity, Participant

#: The smallest count of people the public statistics show; smaller ones read "fewer than 5".
SMALL_CELL = 5


@dataclass(frozen=True)
class Scope:
    """The records one reader's statistics are computed over."""

    key: str  # part of the cache key: readers with the same key see the same records
    public: bool
    activities: QuerySet[Activity]
    requests: QuerySet[AssistanceRequest]
    organisations: frozenset[int]  # whose own region groupings the reader may chart

    def participants(self, activities: QuerySet[Activity]) -> QuerySet[Participant]:
        """Approved participants of ``activities`` (already within this scope)."""
        return Participant.objects.filter(
            status=Participant.Status.APPROVED, activity_id__in=activities.values("pk")
        )


def public_scope() -> Scope:
    return Scope(
        key="public",
        public=True,
        activities=public_activities().filter(status=Activity.Status.ANNOUNCED),
        requests=AssistanceRequest.objects.none(),
        organisations=frozenset(),
    )


def can_see_dashboard(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and officer_organisations(user))


def dashboard_scope(user) -> Scope:
    """The officer's scope; anyone else gets 404."""
    if not can_see_dashboard(user):
        deny()
    orgs = officer_organisations(user)
    return Scope(
        # Per person: what a request list holds can depend on more than the officer memberships.
        key=f"user-{user.pk}",
        public=False,
        activities=organised_by(user).filter(status=Activity.Status.ANNOUNCED),
        # Only the provider side: a person who is also a state's focal point does not count their
        # state's own requests to other providers here.
        requests=requests_visible_to(user).filter(provider_id__in=orgs),
        organisations=orgs,
    )


def providers_in(scope: Scope) -> QuerySet[Organisation]:
    """The providers a reader may filter by: those leading an activity in the scope (and, on a
    dashboard, the reader's own organisations)."""
    lead = scope.activities.order_by().values("provider_id")
    qs = Organisation.objects.filter(kind=Organisation.Kind.PROVIDER, pk__in=lead)
    if scope.organisations:
        qs = qs | Organisation.objects.filter(pk__in=scope.organisations, kind=Organisation.Kind.PROVIDER)
    return qs.distinct()
