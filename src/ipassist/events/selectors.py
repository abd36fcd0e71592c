"""Reads of activities and participants. Every selector starts from ``access.py``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from ipassist.core.models import Country, Organisation, Region
from ipassist.events import access
from ipassist.events.models import Activity, AgendaSession, Attendance, Invitation, Participant, Speaker


@dataclass(frozen=True)
class RegisterFilters:
    q: str = ""
    when: str = ""
    kind: object = None
    level: str = ""
    topic: object = None
    region: Region | None = None
    country: Country | None = None
    provider: Organisation | None = None
    year: int | None = None


def activity_list(*, user, filters: RegisterFilters, today: date | None = None) -> QuerySet[Activity]:
    """The register: public activities for everyone, plus what ``user`` organises or takes part in."""
    today = today or timezone.localdate()
    qs = access.activities_visible_to(user)
    if filters.q:
        words = Q()
        for word in filters.q.split()[:10]:
            words &= (
                Q(title_en__icontains=word)
                | Q(title_fr__icontains=word)
                | Q(title_es__icontains=word)
                | Q(title_ar__icontains=word)
                | Q(city__icontains=word)
            )
        qs = qs.filter(words)
    if filters.when == "upcoming":
        qs = qs.filter(end_date__gte=today)
    elif filters.when == "past":
        qs = qs.filter(end_date__lt=today)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.topic:
        qs = qs.filter(topics=filters.topic)
    if filters.region:
        qs = qs.filter(country__region=filters.region)
    if filters.country:
        qs = qs.filter(country=filters.country)
    if filters.provider:
        qs = qs.filter(access.organised_by_any([filters.provider.pk]))
    if filters.year:
        qs = qs.filter(start_date__year=filters.year)
    order = ["start_date", "id"] if filters.when == "upcoming" else ["-start_date", "-id"]
    # No join above can repeat an activity (one topic, an EXISTS for co-organisers): no DISTINCT,
    # which would make counting the register sort all of it.
    return qs.order_by(*order)


def page_rows(qs: QuerySet[Activity]) -> QuerySet[Activity]:
    """What a row of the register shows: a fixed number of queries, whatever the page size."""
    return qs.select_related("kind", "country", "provider", "series").prefetch_related(
        Prefetch("co_organisers", queryset=Organisation.objects.order_by("name_en"))
    )


def register_providers() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=Organisation.Kind.PROVIDER, is_active=True)


def agenda(activity: Activity) -> list[AgendaSession]:
    return list(
        activity.sessions.prefetch_related(
            Prefetch("speakers", queryset=Speaker.objects.select_related("country").order_by("name"))
        )
    )


def speakers(activity: Activity) -> list[Speaker]:
    return list(activity.speakers.select_related("country"))


def invitations(activity: Activity, within: QuerySet[Invitation] | None = None) -> list[Invitation]:
    """Each invited state (of ``within``, if given) with its quota and how many of its nominations
    count against it (``used``)."""
    qs = activity.invitations.all() if within is None else within
    return list(
        qs.select_related("organisation").annotate(
            used=Count("nominations", filter=Q(nominations__status__in=Participant.COUNTS_AGAINST_QUOTA))
        )
    )


def status_counts(*, user, activity: Activity) -> dict[str, int]:
    rows = (
        access.participants_visible_to(user, activity)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )
    counts = dict.fromkeys(Participant.Status.values, 0)
    counts.update(dict(rows))
    return counts


PARTICIPANT_ORDER = ("family_name", "given_name", "id")


def participant_rows(*, user, activity: Activity, status: str = "", q: str = "") -> QuerySet[Participant]:
    qs = access.participants_visible_to(user, activity).select_related(
        "country", "background", "invitation__organisation", "certificate"
    )
    if status:
        qs = qs.filter(status=status)
    for word in q.split()[:5]:
        qs = qs.filter(
            Q(given_name__icontains=word)
            | Q(family_name__icontains=word)
            | Q(organisation_name__icontains=word)
            | Q(email__icontains=word)
        )
    return qs.annotate(days_present=Count("attendance")).order_by(*PARTICIPANT_ORDER)


def attendance_rows(*, activity: Activity) -> QuerySet[Participant]:
    """Approved participants, in sheet order; attendance is read per page with :func:`presence`."""
    return (
        activity.participants.filter(status=Participant.Status.APPROVED)
        .select_related("country")
        .order_by(*PARTICIPANT_ORDER)
    )


def presence(participant_ids: list[int]) -> set[tuple[int, date]]:
    return set(
        Attendance.objects.filter(participant_id__in=participant_ids).values_list("participant_id", "day")
    )


def participants_for_export(
    *, user, activity: Activity, status: str = "", q: str = ""
) -> QuerySet[Participant]:
    return participant_rows(user=user, activity=activity, status=status, q=q)
