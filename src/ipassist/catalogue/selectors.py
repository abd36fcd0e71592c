"""Reads of the catalogue. Every selector starts from ``access.programmes_visible_to``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from ipassist.catalogue import access
from ipassist.catalogue.models import Programme, ProgrammeVersion
from ipassist.core.audit import entries_for
from ipassist.core.models import ActivityType, AudienceType, Organisation, Topic


@dataclass(frozen=True)
class CatalogueFilters:
    provider: Organisation | None = None
    audience: AudienceType | None = None
    topic: Topic | None = None
    activity_type: ActivityType | None = None
    q: str = ""
    status: str = ""


def _with_relations(qs: QuerySet[Programme]) -> QuerySet[Programme]:
    return qs.select_related("provider").prefetch_related(
        Prefetch("versions", queryset=ProgrammeVersion.objects.order_by("language")),
        Prefetch("audiences", queryset=AudienceType.objects.order_by("position", "code")),
        Prefetch("topics", queryset=Topic.objects.order_by("position", "code")),
        Prefetch("activity_types", queryset=ActivityType.objects.order_by("position", "code")),
    )


def programme_list(*, user, filters: CatalogueFilters) -> QuerySet[Programme]:
    qs = access.programmes_visible_to(user)
    if filters.provider:
        qs = qs.filter(provider=filters.provider)
    if filters.audience:
        qs = qs.filter(audiences=filters.audience)
    if filters.topic:
        qs = qs.filter(topics=filters.topic)
    if filters.activity_type:
        qs = qs.filter(activity_types=filters.activity_type)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.q:
        matching = ProgrammeVersion.objects.filter(
            Q(title__icontains=filters.q)
            | Q(summary__icontains=filters.q)
            | Q(objectives__icontains=filters.q)
        ).values("programme_id")
        qs = qs.filter(pk__in=matching)
    return _with_relations(qs).order_by("provider__name_en", "slug")


def facet_counts(*, programmes: QuerySet[Programme]) -> dict[str, dict[int, int]]:
    """How many of the listed programmes carry each provider and term, for the filter labels."""
    ids = programmes.order_by().values("pk")
    counts: dict[str, dict[int, int]] = {}
    for key, model, relation in (
        ("audience", AudienceType, "programmes"),
        ("topic", Topic, "programmes"),
        ("activity_type", ActivityType, "programmes"),
        ("provider", Organisation, "programmes"),
    ):
        rows = (
            model.objects.filter(**{f"{relation}__in": ids})
            .annotate(n=Count(relation, distinct=True))
            .values_list("pk", "n")
        )
        counts[key] = dict(rows)
    return counts


def providers_with_programmes(*, user) -> QuerySet[Organisation]:
    return Organisation.objects.filter(
        pk__in=access.programmes_visible_to(user).values("provider_id")
    ).order_by("name_en")


def programme_detail(*, user, slug: str) -> Programme:
    programme = access.get_programme_for_user(user, slug)
    return _with_relations(Programme.objects.filter(pk=programme.pk)).get()


def programme_history(*, programme: Programme):
    return entries_for(programme).select_related("actor")[:50]
