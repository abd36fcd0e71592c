"""Reads of case files. Every selector starts from ``access.requests_visible_to`` or takes a request
that ``access.get_request_for_user`` returned."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ipassist.casework import access
from ipassist.casework.models import Assignment, AssistanceRequest, Document, Event, Message
from ipassist.core.concurrency import field_labels
from ipassist.core.models import Country, Membership, Organisation, Region, User

REFERENCE = re.compile(r"\d{4}-\d{5,}")


@dataclass(frozen=True)
class InboxFilters:
    q: str = ""
    state: str = ""
    kind: str = ""
    country: Country | None = None
    region: Region | None = None
    assignee: User | None = None
    age: str = ""
    provider: Organisation | None = None


def _age_range(age: str, now) -> Q:
    """``"8-30"`` → submitted between 30 and 8 days ago; ``"91-"`` → more than 90 days ago."""
    low, _sep, high = age.partition("-")
    q = Q(submitted_at__lte=now - timedelta(days=int(low)))
    if high:
        q &= Q(submitted_at__gt=now - timedelta(days=int(high) + 1))
    return q


def request_list(*, user, filters: InboxFilters, with_state: bool = True) -> QuerySet[AssistanceRequest]:
    """The requests ``user`` may see, filtered; ``with_state=False`` ignores the state filter (for
    the counts per state shown beside it)."""
    qs = access.requests_visible_to(user)
    if filters.q:
        q = filters.q.strip()
        if REFERENCE.fullmatch(q):
            qs = qs.filter(reference=q)  # the unique index answers it
        else:
            qs = qs.filter(Q(title__icontains=q) | Q(institution__icontains=q))
    if with_state and filters.state:
        qs = qs.filter(state=filters.state)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.region:
        code = filters.region.code
        qs = qs.filter(
            Q(country__region_id=code)
            | Q(country__subregion_id=code)
            | Q(country__intermediate_region_id=code)
        )
    if filters.assignee:
        qs = qs.filter(
            Q(lead_officer=filters.assignee)
            | Exists(Assignment.objects.live().filter(request=OuterRef("pk"), expert=filters.assignee))
        )
    if filters.age:
        qs = qs.filter(_age_range(filters.age, timezone.now()))
    if filters.provider:
        qs = qs.filter(provider=filters.provider)
    return qs


def page_rows(qs: QuerySet[AssistanceRequest]) -> QuerySet[AssistanceRequest]:
    """What a list row shows, in a fixed number of queries whatever the page size."""
    return qs.select_related("country", "provider", "requester", "lead_officer").defer(
        "description", "contacts"
    )


def state_counts(*, user, filters: InboxFilters) -> dict[str, int]:
    """How many visible requests are in each state, under every filter except the state."""
    rows = (
        request_list(user=user, filters=filters, with_state=False)
        .order_by()
        .values("state")
        .annotate(n=Count("id"))
    )
    counts = {row["state"]: row["n"] for row in rows}
    return {state: counts.get(state, 0) for state in AssistanceRequest.State.values}


def filter_choices(*, user) -> dict:
    """The options of the inbox filters, from small tables: reading them from the visible
    requests would scan the whole inbox on every page."""
    assignees = User.objects.none()
    if access.is_secretariat(user):
        assignees = (
            User.objects.filter(
                memberships__organisation_id__in=access.officer_organisations(user),
                memberships__role__in=[Membership.Role.OFFICER, Membership.Role.EXPERT],
                memberships__is_active=True,
            )
            .distinct()
            .order_by("full_name", "email")
        )
    return {
        "countries": Country.objects.filter(region__isnull=False),
        "providers": access.providers(),
        "assignees": assignees,
    }


def thread(*, case: AssistanceRequest, user) -> list[Message]:
    messages = case.messages.select_related("author")
    if not access.sees_internal_notes(user, case):
        messages = messages.filter(internal=False)
    return list(messages)


def _event_detail(event: Event) -> str:
    data, State = event.data, AssistanceRequest.State
    if event.kind == Event.Kind.TRANSITION:
        return _("%(before)s → %(after)s") % {
            "before": State(data["before"]).label,
            "after": State(data["after"]).label,
        }
    if event.kind == Event.Kind.EDITED:
        return field_labels(AssistanceRequest, data.get("fields", []))
    if event.kind in (Event.Kind.ASSIGNED, Event.Kind.UNASSIGNED):
        return data.get("expert", "")
    if event.kind == Event.Kind.LEAD:
        return data.get("lead") or _("none")
    if event.kind == Event.Kind.DOCUMENT:
        return data.get("name", "")
    return ""


def timeline(*, case: AssistanceRequest, user) -> list[Event]:
    """Every transition, assignment, document and message, oldest first, with what it changed."""
    events = case.events.select_related("actor")
    if not access.sees_internal_notes(user, case):
        events = events.filter(internal=False)
    events = list(events)
    for event in events:
        event.detail = _event_detail(event)
    return events


def documents(*, case: AssistanceRequest) -> list[Document]:
    return list(case.documents.select_related("uploaded_by").defer("text"))


def assignments(*, case: AssistanceRequest) -> list[Assignment]:
    return list(case.assignments.live().select_related("expert"))


def my_pending_assignments(*, user) -> QuerySet[Assignment]:
    return (
        access.pending_assignments_for(user)
        .select_related("request__provider", "assigned_by")
        .order_by("-assigned_at")
    )


def requests_for_export(*, user, filters: InboxFilters) -> QuerySet[AssistanceRequest]:
    return page_rows(request_list(user=user, filters=filters)).prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.live().select_related("expert"),
            to_attr="live_assignments",
        )
    )
