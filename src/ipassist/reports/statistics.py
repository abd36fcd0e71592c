"""The aggregates of the dashboards, the public statistics page, their CSV files and the API.

Every aggregate is one ``GROUP BY`` query over a :class:`~ipassist.reports.access.Scope` with the
reader's filters applied; its counts (keys and numbers, no labels) are cached under a key holding
the scope, the filters and the data versions it depends on (``core.versions``), so any change of
activities, participants or requests makes the next reading recompute. Labels are attached after
the cache, in the language of the page.

Filters mean the same on every aggregate: the period is the activity's start date (the request's
submission date); provider and programme are the activity's (or request's); region and country
are where an activity takes place, where a participant comes from, and which state asked for a
request. The topic filter applies to activities and their participants; requests have no topic.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.core.cache import cache
from django.db.models import (
    Avg,
    CharField,
    Count,
    Exists,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, Substr
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ipassist.casework.models import AssistanceRequest
from ipassist.catalogue.models import Programme
from ipassist.core import versions
from ipassist.core.i18n import active_language, pick
from ipassist.core.models import (
    ActivityType,
    AudienceType,
    Country,
    Organisation,
    ProfessionalBackground,
    Region,
    RegionGrouping,
    Topic,
)
from ipassist.events.access import organised_by_any
from ipassist.events.models import Activity, Participant
from ipassist.reports.access import SMALL_CELL, Scope, providers_in

#: Cached counts live at most this long even when nothing changed (a safety net, e.g. for edits
#: made in the admin, which bypasses the services that raise the data versions).
CACHE_SECONDS = 15 * 60


@dataclass(frozen=True)
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    provider: Organisation | None = None
    programme: Programme | None = None
    region: Region | None = None
    grouping: RegionGrouping | None = None
    country: Country | None = None
    topic: Topic | None = None

    def key(self) -> str:
        parts = (
            self.date_from,
            self.date_to,
            *(getattr(getattr(self, name), "pk", None) for name in ("provider", "programme", "region")),
            *(getattr(getattr(self, name), "pk", None) for name in ("grouping", "country", "topic")),
        )
        return "|".join("" if p is None else str(p) for p in parts)


# --- filtering -----------------------------------------------------------------------------------


def _place(prefix: str, filters: Filters) -> Q:
    """Region, grouping and country of a country foreign key reached through ``prefix``."""
    q = Q()
    if filters.region is not None:
        code = filters.region.pk
        q &= (
            Q(**{f"{prefix}__region_id": code})
            | Q(**{f"{prefix}__subregion_id": code})
            | Q(**{f"{prefix}__intermediate_region_id": code})
        )
    if filters.grouping is not None:
        members = RegionGrouping.countries.through.objects.filter(
            regiongrouping_id=filters.grouping.pk, country_id=OuterRef(f"{prefix}_id")
        )
        q &= Q(Exists(members))
    if filters.country is not None:
        q &= Q(**{f"{prefix}_id": filters.country.pk})
    return q


def _activity_conditions(filters: Filters, *, with_place: bool) -> Q:
    q = Q()
    if filters.date_from:
        q &= Q(start_date__gte=filters.date_from)
    if filters.date_to:
        q &= Q(start_date__lte=filters.date_to)
    if filters.provider is not None:
        q &= organised_by_any([filters.provider.pk])
    if filters.programme is not None:
        q &= Q(programme_id=filters.programme.pk)
    if filters.topic is not None:
        tagged = Activity.topics.through.objects.filter(activity_id=OuterRef("pk"), topic_id=filters.topic.pk)
        q &= Q(Exists(tagged))
    if with_place:
        q &= _place("country", filters)
    return q


def activities(scope: Scope, filters: Filters) -> QuerySet[Activity]:
    return scope.activities.filter(_activity_conditions(filters, with_place=True))


def participants(scope: Scope, filters: Filters) -> QuerySet[Participant]:
    # Region and country are the participant's own here, not the venue's.
    held = scope.activities.filter(_activity_conditions(filters, with_place=False))
    return scope.participants(held).filter(_place("country", filters))


def requests(scope: Scope, filters: Filters) -> QuerySet[AssistanceRequest]:
    qs = scope.requests.filter(submitted_at__isnull=False)
    if filters.date_from:
        qs = qs.filter(submitted_at__date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(submitted_at__date__lte=filters.date_to)
    if filters.provider is not None:
        qs = qs.filter(provider_id=filters.provider.pk)
    if filters.programme is not None:
        qs = qs.filter(programme_id=filters.programme.pk)
    return qs.filter(_place("country", filters))


# --- the aggregates --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    key: object
    label: str
    count: int | None  # None: suppressed (fewer than SMALL_CELL people) in the public statistics
    values: tuple = ()  # further columns (e.g. mean days of each step of request processing)


@dataclass(frozen=True)
class Aggregate:
    """One chart and its table: what is counted, grouped by what, labelled how."""

    name: str
    group: str  # "activities", "participants" or "requests"
    title: object
    description: object
    counts: Callable[[Scope, Filters], list[tuple]]  # [(key, count, *values)] in display order
    labels: Callable[[list], dict]  # {key: label} for the keys found
    chart: str = "bar"  # "bar" or "column" (an ordered series such as years)
    unit: object = ""
    columns: tuple = ()  # headers of the further values
    charted: int | None = None  # which further value the chart draws; None: the count
    public: bool = True

    @property
    def depends(self) -> tuple[str, ...]:
        """The data versions its counts depend on (participants are counted over activities)."""
        return DEPENDS[self.group]


def _grouped(qs: QuerySet, key: str, *, distinct: bool = False) -> list[tuple]:
    """[(key, count)] of ``qs`` grouped by ``key``, largest first (ties by key)."""
    rows = qs.order_by().values_list(key).annotate(n=Count("pk", distinct=distinct))
    return sorted(((k, n) for k, n in rows), key=lambda r: (-r[1], _sortable(r[0])))


def _sortable(key) -> tuple:
    return (key is None, str(key) if key is not None else "")


def _in_order(rows: list[tuple], order: list) -> list[tuple]:
    """Rows in the order of ``order`` (a vocabulary's positions); unknown keys after."""
    rank = {k: i for i, k in enumerate(order)}
    return sorted(rows, key=lambda r: (rank.get(r[0], len(rank)), _sortable(r[0])))


def _vocabulary(model) -> Callable[[list], dict]:
    def labels(keys: list) -> dict:
        return {t.pk: pick(t, "label") for t in model.objects.filter(pk__in=[k for k in keys if k])}

    return labels


def _vocabulary_order(model) -> list:
    return list(model.objects.order_by("position", "code").values_list("pk", flat=True))


def _names(model) -> Callable[[list], dict]:
    def labels(keys: list) -> dict:
        return {o.pk: o.name for o in model.objects.filter(pk__in=[k for k in keys if k])}

    return labels


def _choices(choices, blank_label) -> Callable[[list], dict]:
    def labels(keys: list) -> dict:
        return {**dict(choices), "": str(blank_label), None: str(blank_label)}

    return labels


NO_COUNTRY = _("Online or no venue country")


def _with_blank(labels: Callable[[list], dict], blank) -> Callable[[list], dict]:
    def wrapped(keys: list) -> dict:
        return {None: str(blank), **labels(keys)}

    return wrapped


def _activities_by_region(scope, filters):
    return _grouped(activities(scope, filters), "country__region_id")


def _activities_by_grouping(scope, filters):
    owners = _grouping_owners(scope, filters)
    if not owners:
        return []
    qs = activities(scope, filters).filter(country__groupings__owner_id__in=owners)
    order = RegionGrouping.objects.filter(owner_id__in=owners).order_by("owner_id", "code")
    return _in_order(_grouped(qs, "country__groupings"), list(order.values_list("pk", flat=True)))


def _grouping_owners(scope: Scope, filters: Filters) -> list[int]:
    """Whose groupings to chart: the chosen provider's, else the reader's own organisations'."""
    if filters.provider is not None:
        return [filters.provider.pk]
    return sorted(scope.organisations)


def _activities_by_type(scope, filters):
    return _in_order(_grouped(activities(scope, filters), "kind_id"), _vocabulary_order(ActivityType))


def _activities_by_level(scope, filters):
    return _in_order(_grouped(activities(scope, filters), "level"), list(Activity.Level.values))


def _activities_by_topic(scope, filters):
    return _grouped(activities(scope, filters).filter(topics__isnull=False), "topics")


def _activities_by_year(scope, filters):
    rows = (
        activities(scope, filters)
        .order_by()
        .annotate(year=Year("start_date"))
        .values_list("year")
        .annotate(n=Count("pk"))
    )
    return sorted((int(year), n) for year, n in rows)


def _participants_by(key: str, order: Callable[[], list] | None = None):
    def counts(scope, filters):
        rows = _grouped(participants(scope, filters), key)
        return _in_order(rows, order()) if order else rows

    return counts


def _participants_by_gender(scope, filters):
    rows = _grouped(participants(scope, filters), "gender")
    return _in_order(rows, [*Participant.Gender.values, ""])


def _requests_by(key: str, order: list):
    def counts(scope, filters):
        return _in_order(_grouped(requests(scope, filters), key), order)

    return counts


class DaysBetween(Func):
    """Days (with fraction) from one timestamp column to another, in SQL on both backends (Django's
    generic timestamp difference runs a Python function per row on SQLite)."""

    output_field = FloatField()

    def __init__(self, start: str, end: str):
        super().__init__(F(start), F(end))

    def as_sqlite(self, compiler, connection, **extra):
        return self._sql(compiler, connection, "(julianday({end}) - julianday({start}))")

    def as_postgresql(self, compiler, connection, **extra):
        return self._sql(compiler, connection, "(EXTRACT(EPOCH FROM ({end} - {start})) / 86400.0)")

    def _sql(self, compiler, connection, template: str):
        start_expression, end_expression = self.get_source_expressions()
        start, start_params = compiler.compile(start_expression)
        end, end_params = compiler.compile(end_expression)
        return template.format(start=start, end=end), (*start_params, *end_params)


class Year(Func):
    """The year of a date or timestamp column as text: the first four characters of its ISO form,
    which both backends compute natively (ExtractYear runs a Python function per row on SQLite)."""

    output_field = CharField()

    def __init__(self, column: str):
        super().__init__(Substr(Cast(column, output_field=CharField()), 1, 4))

    def as_sql(self, compiler, connection, **extra):
        return compiler.compile(self.get_source_expressions()[0])


def _requests_processing(scope, filters):
    """Per year of submission: requests, and the mean days from submission to acceptance, from
    acceptance to delivery and from submission to delivery (over the requests that got there)."""
    rows = (
        requests(scope, filters)
        .order_by()
        .annotate(year=Year("submitted_at"))
        .values_list("year")
        .annotate(
            n=Count("pk"),
            to_accept=Avg(DaysBetween("submitted_at", "accepted_at")),
            to_deliver=Avg(DaysBetween("accepted_at", "delivered_at")),
            overall=Avg(DaysBetween("submitted_at", "delivered_at")),
        )
    )
    return [(int(year), n, *(_in_days(d) for d in means)) for year, n, *means in sorted(rows)]


def _in_days(value) -> float | None:
    return None if value is None else round(float(value), 1)


def _years(keys: list) -> dict:
    return {k: str(k) for k in keys}


DEPENDS = {
    "activities": (versions.ACTIVITIES,),
    "participants": (versions.ACTIVITIES, versions.PARTICIPANTS),
    "requests": (versions.REQUESTS,),
}

AGGREGATES: dict[str, Aggregate] = {
    a.name: a
    for a in (
        Aggregate(
            "activities-by-region",
            "activities",
            _("Activities by region"),
            _("Number of activities by UN M49 region of the venue."),
            _activities_by_region,
            _with_blank(_names(Region), NO_COUNTRY),
        ),
        Aggregate(
            "activities-by-grouping",
            "activities",
            _("Activities by the provider's regions"),
            _("Number of activities by the regional groupings the provider defines for itself."),
            _activities_by_grouping,
            _names(RegionGrouping),
        ),
        Aggregate(
            "activities-by-type",
            "activities",
            _("Activities by type"),
            _("Number of activities by type of activity."),
            _activities_by_type,
            _vocabulary(ActivityType),
        ),
        Aggregate(
            "activities-by-level",
            "activities",
            _("Activities by level"),
            _("Number of activities: national, sub-regional, regional, interregional, international."),
            _activities_by_level,
            _choices(Activity.Level.choices, ""),
        ),
        Aggregate(
            "activities-by-topic",
            "activities",
            _("Activities by topic"),
            _("Number of activities on each topic; an activity on two topics counts for both."),
            _activities_by_topic,
            _vocabulary(Topic),
        ),
        Aggregate(
            "activities-by-year",
            "activities",
            _("Activities by year"),
            _("Number of activities by the year they start."),
            _activities_by_year,
            _years,
            chart="column",
        ),
        Aggregate(
            "participants-by-background",
            "participants",
            _("Participants by professional background"),
            _("Number of participants (approved registrations) by professional background."),
            _participants_by("background_id", lambda: _vocabulary_order(ProfessionalBackground)),
            _with_blank(_vocabulary(ProfessionalBackground), pgettext_lazy("background", "Not stated")),
        ),
        Aggregate(
            "participants-by-audience",
            "participants",
            _("Participants by audience type"),
            _("Number of participants by the audience their professional background belongs to."),
            _participants_by("background__audience_id", lambda: _vocabulary_order(AudienceType)),
            _with_blank(_vocabulary(AudienceType), pgettext_lazy("audience", "Not stated")),
        ),
        Aggregate(
            "participants-by-country",
            "participants",
            _("Participants by country"),
            _("Number of participants by the country they come from."),
            _participants_by("country_id"),
            _with_blank(_names(Country), pgettext_lazy("country", "Not stated")),
        ),
        Aggregate(
            "participants-by-gender",
            "participants",
            _("Participants by gender"),
            _("Number of participants by gender, as they stated it (optional)."),
            _participants_by_gender,
            _choices(Participant.Gender.choices, pgettext_lazy("gender", "Not stated")),
        ),
        Aggregate(
            "requests-by-kind",
            "requests",
            _("Requests by kind of assistance"),
            _("Number of submitted requests by the kind of assistance asked for."),
            _requests_by("kind", list(AssistanceRequest.Kind.values)),
            _choices(AssistanceRequest.Kind.choices, ""),
            public=False,
        ),
        Aggregate(
            "requests-by-state",
            "requests",
            _("Requests by state"),
            _("Number of submitted requests by where they are in the workflow."),
            _requests_by("state", list(AssistanceRequest.State.values)),
            _choices(AssistanceRequest.State.choices, ""),
            public=False,
        ),
        Aggregate(
            "requests-processing",
            "requests",
            _("Processing time of requests"),
            _(
                "By year of submission: the number of requests, and the mean number of days from "
                "submission to acceptance, from acceptance to delivery, and from submission to delivery."
            ),
            _requests_processing,
            _years,
            chart="column",
            unit=_("days"),
            columns=(_("Days to acceptance"), _("Days from acceptance to delivery"), _("Days to delivery")),
            charted=2,
            public=False,
        ),
    )
}

GROUPS = {
    "activities": _("Activities"),
    "participants": _("Participants"),
    "requests": _("Requests for assistance"),
}


def available(scope: Scope, filters: Filters | None = None) -> list[Aggregate]:
    """The aggregates a reader sees: no requests in the public scope, and the provider's own
    regions only where there is a provider to take them from (the reader's, or the one chosen)."""
    chosen = [a for a in AGGREGATES.values() if a.public or not scope.public]
    if filters is not None and not _grouping_owners(scope, filters):
        chosen = [a for a in chosen if a.name != "activities-by-grouping"]
    return chosen


# --- computing, caching, suppressing -------------------------------------------------------------


def _cached(parts: tuple, compute):
    """``compute()``, cached for CACHE_SECONDS under a key made of ``parts``."""
    raw = "|".join(map(str, parts))
    return cache.get_or_set("reports:" + hashlib.sha256(raw.encode()).hexdigest(), compute, CACHE_SECONDS)


def _versions_of(topics: tuple[str, ...], data_versions: dict) -> str:
    return ",".join(f"{t}{data_versions.get(t, 0)}" for t in topics)


def counts(scope: Scope, aggregate: Aggregate, filters: Filters, data_versions: dict | None = None) -> list:
    """The (cached) counts: ``[(key, count, *values)]``. Pass ``data_versions`` when computing
    several aggregates for one page, to read the versions once."""
    data_versions = versions.current() if data_versions is None else data_versions
    return _cached(
        (scope.key, aggregate.name, filters.key(), _versions_of(aggregate.depends, data_versions)),
        lambda: [tuple(row) for row in aggregate.counts(scope, filters)],
    )


def filter_choices(scope: Scope, data_versions: dict | None = None) -> dict[str, list[int]]:
    """The ids of the providers and programmes the filters offer (those with activities in the
    scope): two scans of the activities, cached like the aggregates."""
    data_versions = versions.current() if data_versions is None else data_versions

    def compute() -> dict[str, list[int]]:
        programmes = scope.activities.order_by().values_list("programme_id", flat=True).distinct()
        return {
            "providers": sorted(providers_in(scope).values_list("pk", flat=True)),
            "programmes": sorted({pk for pk in programmes if pk}),
        }

    return _cached((scope.key, "choices", _versions_of((versions.ACTIVITIES,), data_versions)), compute)


def suppress(rows: list[tuple]) -> list[tuple]:
    """Counts of people under SMALL_CELL become None. When exactly one cell is hidden, the next
    smallest is hidden too, so the hidden one cannot be found by subtracting from the total."""
    hidden = {i for i, row in enumerate(rows) if 0 < row[1] < SMALL_CELL}
    if len(hidden) == 1:
        shown = [i for i, row in enumerate(rows) if i not in hidden and row[1] > 0]
        if shown:
            hidden.add(min(shown, key=lambda i: (rows[i][1], i)))
    return [(row[0], None, *row[2:]) if i in hidden else row for i, row in enumerate(rows)]


def _labels(aggregate: Aggregate, keys: list) -> dict:
    """The labels of ``keys`` in the active language, cached (names and vocabularies change rarely;
    an edited label shows within CACHE_SECONDS)."""
    return _cached(
        ("labels", aggregate.name, active_language(), *keys),
        lambda: {k: str(v) for k, v in aggregate.labels(keys).items()},
    )


@dataclass(frozen=True)
class Table:
    aggregate: Aggregate
    rows: list[Row]
    total: int | None  # None where it would reveal a small number of people


def table(scope: Scope, aggregate: Aggregate, filters: Filters, data_versions: dict | None = None) -> Table:
    rows = counts(scope, aggregate, filters, data_versions)
    grand = sum(row[1] for row in rows)
    if scope.public and aggregate.group == "participants":
        rows = suppress(rows)
        if 0 < grand < SMALL_CELL:
            grand = None
    labels = _labels(aggregate, [row[0] for row in rows])
    shown = [Row(key=r[0], label=labels.get(r[0], str(r[0])), count=r[1], values=tuple(r[2:])) for r in rows]
    # Topics overlap (an activity has several): their sum is not a number of activities.
    return Table(aggregate, shown, None if aggregate.name == "activities-by-topic" else grand)
