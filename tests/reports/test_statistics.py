"""The aggregates of the dashboards and the public statistics, checked against counts made in Python.

One varied data set (``world``): activities of the provider and of another provider, co-organised
ones, public and private, draft, announced and cancelled, with and without a venue country, on
several topics; approved and other participants from several countries, with several backgrounds
and genders; requests with submission, acceptance and delivery times. Every aggregate, for every
reader and filter, must equal what plain Python counts over the same rows. Then: what each filter
and each scope means on named records, the processing times, small-cell suppression, and the cache
(a second reading is served from it; a change through a service is seen at once).
"""

from __future__ import annotations

import dataclasses
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from ipassist.casework.models import AssistanceRequest
from ipassist.casework.services import request_transition
from ipassist.core import versions
from ipassist.core.models import (
    ActivityType,
    AudienceType,
    Country,
    Membership,
    Organisation,
    ProfessionalBackground,
    Region,
    RegionGrouping,
    Topic,
    User,
)
from ipassist.events.models import Activity, Participant
from ipassist.events.services import activity_move, participant_decide
from ipassist.reports import statistics
from ipassist.reports.access import SMALL_CELL, dashboard_scope, public_scope
from ipassist.reports.statistics import AGGREGATES, Filters, counts, suppress, table
from tests.factories import (
    ActivityFactory,
    AssistanceRequestFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProgrammeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

St = Activity.Status
Lv = Activity.Level
PS = Participant.Status
Kind = AssistanceRequest.Kind
RS = AssistanceRequest.State

# code: (lead, co-organised by the provider, public, status, venue, start, type, level, topics, programme)
ACTIVITIES = {
    "P-KE-24": ("provider", False, True, St.ANNOUNCED, "KE", date(2024, 3, 10),
                "workshop", Lv.NATIONAL, ("enforcement", "border_measures"), "p1"),
    "P-VN-25-private": ("provider", False, False, St.ANNOUNCED, "VN", date(2025, 6, 1),
                        "seminar", Lv.REGIONAL, ("piracy",), "p2"),
    "P-KE-24-draft": ("provider", False, True, St.DRAFT, "KE", date(2024, 5, 1),
                      "workshop", Lv.NATIONAL, ("piracy",), None),
    "P-FR-24-cancelled": ("provider", False, True, St.CANCELLED, "FR", date(2024, 7, 1),
                          "seminar", Lv.NATIONAL, ("piracy",), None),
    "O-BR-23-coorg": ("other", True, True, St.ANNOUNCED, "BR", date(2023, 9, 15),
                      "conference", Lv.INTERNATIONAL, ("enforcement",), None),
    "O-FR-24-private": ("other", False, False, St.ANNOUNCED, "FR", date(2024, 10, 1),
                        "workshop", Lv.SUBREGIONAL, ("piracy",), "o1"),
    "O-online-25": ("other", False, True, St.ANNOUNCED, None, date(2025, 2, 1),
                    "training_course", Lv.INTERREGIONAL, (), None),
    "P-EG-25": ("provider", False, True, St.ANNOUNCED, "EG", date(2025, 11, 20),
                "conference", Lv.INTERNATIONAL, ("border_measures", "piracy"), "p1"),
    "O-NG-23-coorg-private": ("other", True, False, St.ANNOUNCED, "NG", date(2023, 4, 1),
                              "workshop", Lv.NATIONAL, ("piracy",), None),
    "P-KE-23": ("provider", False, True, St.ANNOUNCED, "KE", date(2023, 12, 1),
                "seminar", Lv.REGIONAL, ("enforcement",), None),
}  # fmt: skip

# code: [(participant's country, background, gender, status, how many)]
PARTICIPANTS = {
    "P-KE-24": [
        ("KE", "judge", "female", PS.APPROVED, 3),
        ("KE", "prosecutor", "male", PS.APPROVED, 2),
        ("VN", "customs_officer", "", PS.APPROVED, 1),
        ("NG", "other", "female", PS.APPROVED, 1),
        ("KE", "judge", "male", PS.PENDING, 2),
        ("FR", "judge", "female", PS.REJECTED, 1),
    ],
    "P-VN-25-private": [
        ("VN", "judge", "male", PS.APPROVED, 2),
        ("KE", "prosecutor", "female", PS.APPROVED, 1),
        ("VN", "customs_officer", "female", PS.WAITLISTED, 1),
    ],
    "P-KE-24-draft": [("KE", "judge", "female", PS.APPROVED, 2)],
    "P-FR-24-cancelled": [("FR", "judge", "male", PS.APPROVED, 2)],
    "O-BR-23-coorg": [
        ("BR", "judge", "female", PS.APPROVED, 2),
        ("EG", "prosecutor", "male", PS.APPROVED, 1),
        ("KE", "customs_officer", "other", PS.APPROVED, 1),
    ],
    "O-FR-24-private": [
        ("FR", "prosecutor", "female", PS.APPROVED, 3),
        ("KE", "judge", "male", PS.APPROVED, 1),
    ],
    "O-online-25": [("IN", "other", "", PS.APPROVED, 2), ("KE", "judge", "female", PS.WITHDRAWN, 1)],
    "P-EG-25": [("EG", "judge", "male", PS.APPROVED, 2), ("NG", "customs_officer", "female", PS.APPROVED, 1)],
    "O-NG-23-coorg-private": [("NG", "prosecutor", "female", PS.APPROVED, 2)],
    "P-KE-23": [("KE", "other", "male", PS.APPROVED, 1), ("VN", "judge", "female", PS.APPROVED, 1)],
}


def at(y, m, d, hour=9) -> datetime:
    return datetime(y, m, d, hour, tzinfo=UTC)


# reference: (addressed to, requesting country, kind, state, submitted, days to acceptance,
#             days from acceptance to delivery, programme)
REQUESTS = {
    "R-P-1": ("provider", "KE", Kind.LEGISLATIVE, RS.SUBMITTED, at(2024, 2, 1), None, None, None),
    "R-P-2": ("provider", "KE", Kind.TRAINING, RS.ACCEPTED, at(2024, 3, 1), 21, None, "p1"),
    "R-P-3": ("provider", "VN", Kind.TRAINING, RS.DELIVERED, at(2024, 1, 10), 10, 40, "p1"),
    "R-P-4": ("provider", "VN", Kind.LEGAL_ADVICE, RS.CLOSED, at(2025, 1, 5), 3.5, 7, None),
    "R-P-5": ("provider", "EG", Kind.AWARENESS, RS.DECLINED, at(2025, 5, 5), None, None, None),
    "R-P-draft": ("provider", "KE", Kind.LEGISLATIVE, RS.DRAFT, None, None, None, None),
    "R-O-1": ("other", "KE", Kind.LEGISLATIVE, RS.SUBMITTED, at(2024, 4, 1), None, None, None),
    "R-O-2": ("other", "FR", Kind.TRAINING, RS.DELIVERED, at(2023, 6, 1), 5, 30, "o1"),
}

GROUPINGS = {
    ("provider", "east-africa"): ("KE", "NG"),
    ("provider", "asia"): ("VN", "IN"),
    ("provider", "north-africa"): ("EG",),
    ("other", "europe"): ("FR",),
    ("other", "africa"): ("KE", "NG", "EG"),
}


@pytest.fixture
def world(provider, other_provider, officer, other_officer):
    orgs = {"provider": provider, "other": other_provider}
    programmes = {
        "p1": ProgrammeFactory(slug="p1", provider=provider),
        "p2": ProgrammeFactory(slug="p2", provider=provider),
        "o1": ProgrammeFactory(slug="o1", provider=other_provider),
    }
    activities = {}
    for code, (lead, co, public, status, venue, start, kind, level, topics, programme) in ACTIVITIES.items():
        activity = ActivityFactory(
            title_en=code,
            provider=orgs[lead],
            is_public=public,
            status=status,
            country_id=venue,
            online=venue is None,
            start_date=start,
            kind=ActivityType.objects.get(code=kind),
            level=level,
            programme=programmes.get(programme),
        )
        activity.topics.set(Topic.objects.filter(code__in=topics))
        if co:
            activity.co_organisers.add(provider)
        activities[code] = activity
    for code, groups in PARTICIPANTS.items():
        n = 0
        for country, background, gender, status, how_many in groups:
            for _ in range(how_many):
                n += 1
                ParticipantFactory(
                    activity=activities[code],
                    family_name=f"{code}#{n}",
                    country_id=country,
                    background=ProfessionalBackground.objects.get(code=background),
                    gender=gender,
                    status=status,
                )
    requesters = {
        code: OrganisationFactory(
            slug=f"state-{code.lower()}", kind=Organisation.Kind.GOVERNMENT, country_id=code
        )
        for code in ("KE", "VN", "EG", "FR")
    }
    requests = {}
    for ref, (to, country, kind, state, submitted, accept, deliver, programme) in REQUESTS.items():
        accepted = submitted + timedelta(days=accept) if accept is not None else None
        requests[ref] = AssistanceRequestFactory(
            reference=ref,
            provider=orgs[to],
            requester=requesters[country],
            kind=kind,
            state=state,
            submitted_at=submitted,
            accepted_at=accepted,
            delivered_at=accepted + timedelta(days=deliver) if deliver is not None else None,
            programme=programmes.get(programme),
        )
    groupings = {}
    for (owner, code), countries in GROUPINGS.items():
        grouping = RegionGrouping.objects.create(owner=orgs[owner], code=code, name_en=f"{owner} {code}")
        grouping.countries.set(countries)
        groupings[code] = grouping
    return SimpleNamespace(
        provider=provider,
        other_provider=other_provider,
        officer=officer,
        other_officer=other_officer,
        activities=activities,
        requests=requests,
        programmes=programmes,
        groupings=groupings,
    )


# --- the same numbers, counted in Python -----------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Reader:
    public: bool
    orgs: frozenset = frozenset()


def reader_of(world, name: str):
    """The scope a reader's statistics are computed over, and what the Python counts need of them."""
    if name == "public":
        return public_scope(), Reader(public=True)
    user = getattr(world, name)
    orgs = Membership.objects.filter(user=user, role=Membership.Role.OFFICER, is_active=True)
    return dashboard_scope(user), Reader(
        public=False, orgs=frozenset(orgs.values_list("organisation_id", flat=True))
    )


def place_matches(country: Country | None, f: Filters) -> bool:
    if f.region is None and f.grouping is None and f.country is None:
        return True
    if country is None:
        return False
    if f.region is not None and f.region.pk not in (
        country.region_id,
        country.subregion_id,
        country.intermediate_region_id,
    ):
        return False
    if f.grouping is not None and country.pk not in set(f.grouping.countries.values_list("pk", flat=True)):
        return False
    return f.country is None or country.pk == f.country.pk


def in_period(day: date, f: Filters) -> bool:
    return (f.date_from is None or day >= f.date_from) and (f.date_to is None or day <= f.date_to)


def py_activities(reader: Reader, f: Filters, *, with_place: bool = True) -> list[Activity]:
    found = []
    for a in Activity.objects.select_related("country").prefetch_related("co_organisers", "topics"):
        organisers = {a.provider_id} | {o.pk for o in a.co_organisers.all()}
        if reader.public:
            in_scope = a.is_public and a.status == St.ANNOUNCED
        else:
            in_scope = a.status == St.ANNOUNCED and bool(organisers & reader.orgs)
        if not in_scope:
            continue
        if not in_period(a.start_date, f):
            continue
        if f.provider is not None and f.provider.pk not in organisers:
            continue
        if f.programme is not None and a.programme_id != f.programme.pk:
            continue
        if f.topic is not None and f.topic.pk not in {t.pk for t in a.topics.all()}:
            continue
        if with_place and not place_matches(a.country, f):
            continue
        found.append(a)
    return found


def py_participants(reader: Reader, f: Filters) -> list[Participant]:
    held = {a.pk for a in py_activities(reader, f, with_place=False)}
    return [
        p
        for p in Participant.objects.select_related("country", "background")
        if p.status == PS.APPROVED and p.activity_id in held and place_matches(p.country, f)
    ]


def py_requests(reader: Reader, f: Filters) -> list[AssistanceRequest]:
    if reader.public:
        return []
    found = []
    for r in AssistanceRequest.objects.select_related("country"):
        if r.provider_id not in reader.orgs or r.submitted_at is None:
            continue
        if not in_period(timezone.localdate(r.submitted_at), f):
            continue
        if f.provider is not None and r.provider_id != f.provider.pk:
            continue
        if f.programme is not None and r.programme_id != f.programme.pk:
            continue
        if place_matches(r.country, f):
            found.append(r)
    return found


def mean_days(pairs) -> float | None:
    days = [(end - start).total_seconds() / 86400 for start, end in pairs if start and end]
    return round(sum(days) / len(days), 1) if days else None


def py_processing(found: list[AssistanceRequest]) -> dict:
    by_year = defaultdict(list)
    for r in found:
        by_year[r.submitted_at.year].append(r)
    return {
        year: (
            len(rs),
            mean_days((r.submitted_at, r.accepted_at) for r in rs),
            mean_days((r.accepted_at, r.delivered_at) for r in rs),
            mean_days((r.submitted_at, r.delivered_at) for r in rs),
        )
        for year, rs in by_year.items()
    }


def py_groupings(reader: Reader, f: Filters, found: list[Activity]) -> dict:
    owners = [f.provider.pk] if f.provider is not None else sorted(reader.orgs)
    result = {}
    for grouping in RegionGrouping.objects.filter(owner_id__in=owners):
        members = set(grouping.countries.values_list("pk", flat=True))
        n = sum(1 for a in found if a.country_id in members)
        if n:
            result[grouping.pk] = n
    return result


def expected(name: str, reader: Reader, f: Filters) -> dict:
    aggregate = AGGREGATES[name]
    if aggregate.group == "activities":
        found = py_activities(reader, f)
        by = {
            "activities-by-region": lambda a: [a.country.region_id if a.country else None],
            "activities-by-type": lambda a: [a.kind_id],
            "activities-by-level": lambda a: [a.level],
            "activities-by-topic": lambda a: [t.pk for t in a.topics.all()],
            "activities-by-year": lambda a: [a.start_date.year],
        }
        if name == "activities-by-grouping":
            return py_groupings(reader, f, found)
        return dict(Counter(key for a in found for key in by[name](a)))
    if aggregate.group == "participants":
        by = {
            "participants-by-background": lambda p: p.background_id,
            "participants-by-audience": lambda p: p.background.audience_id,
            "participants-by-country": lambda p: p.country_id,
            "participants-by-gender": lambda p: p.gender,
        }
        return dict(Counter(by[name](p) for p in py_participants(reader, f)))
    found = py_requests(reader, f)
    if name == "requests-processing":
        return py_processing(found)
    by = {"requests-by-kind": lambda r: r.kind, "requests-by-state": lambda r: r.state}
    return dict(Counter(by[name](r) for r in found))


def as_dict(rows: list[tuple]) -> dict:
    return {row[0]: (tuple(row[1:]) if len(row) > 2 else row[1]) for row in rows}


def _positions(model) -> list:
    return list(model.objects.order_by("position", "code").values_list("pk", flat=True))


# How each aggregate orders its rows: by count (largest first), or in a fixed order of keys.
ORDERS = {
    "activities-by-region": "count",
    "activities-by-grouping": lambda: list(
        RegionGrouping.objects.order_by("owner_id", "code").values_list("pk", flat=True)
    ),
    "activities-by-type": lambda: _positions(ActivityType),
    "activities-by-level": lambda: list(Lv.values),
    "activities-by-topic": "count",
    "activities-by-year": "ascending",
    "participants-by-background": lambda: _positions(ProfessionalBackground),
    "participants-by-audience": lambda: [*_positions(AudienceType), None],
    "participants-by-country": "count",
    "participants-by-gender": lambda: [*Participant.Gender.values, ""],
    "requests-by-kind": lambda: list(Kind.values),
    "requests-by-state": lambda: list(RS.values),
    "requests-processing": "ascending",
}


def assert_ordered(name: str, rows: list[tuple]) -> None:
    order = ORDERS[name]
    keys = [row[0] for row in rows]
    if order == "count":
        assert [row[1] for row in rows] == sorted((row[1] for row in rows), reverse=True), name
    elif order == "ascending":
        assert keys == sorted(keys), name
    else:
        rank = {k: i for i, k in enumerate(order())}
        assert keys == sorted(keys, key=lambda k: rank[k]), name


def region(code: str) -> Region:
    return Region.objects.get(pk=code)


FILTERS = {
    "none": lambda w: Filters(),
    "period-2024": lambda w: Filters(date_from=date(2024, 1, 1), date_to=date(2024, 12, 31)),
    "from-2025": lambda w: Filters(date_from=date(2025, 1, 1)),
    "until-2023": lambda w: Filters(date_to=date(2023, 12, 31)),
    "provider": lambda w: Filters(provider=w.provider),
    "other-provider": lambda w: Filters(provider=w.other_provider),
    "programme": lambda w: Filters(programme=w.programmes["p1"]),
    "region-africa": lambda w: Filters(region=region("002")),
    "subregion-sub-saharan": lambda w: Filters(region=region("202")),
    "intermediate-eastern-africa": lambda w: Filters(region=region("014")),
    "grouping": lambda w: Filters(grouping=w.groupings["east-africa"]),
    "country": lambda w: Filters(country=Country.objects.get(pk="KE")),
    "topic": lambda w: Filters(topic=Topic.objects.get(code="piracy")),
    "combined": lambda w: Filters(
        date_from=date(2024, 1, 1), date_to=date(2025, 12, 31), provider=w.provider, region=region("002")
    ),
}


@pytest.mark.parametrize("case", FILTERS)
@pytest.mark.parametrize("reader", ["public", "officer", "other_officer"])
def test_every_aggregate_equals_a_count_in_python(world, reader, case):
    scope, who = reader_of(world, reader)
    f = FILTERS[case](world)
    wrong = {}
    for aggregate in statistics.available(scope):
        rows = counts(scope, aggregate, f)
        want = expected(aggregate.name, who, f)
        if as_dict(rows) != want:
            wrong[aggregate.name] = {"got": as_dict(rows), "want": want}
        assert_ordered(aggregate.name, rows)
    assert not wrong
    names = {a.name for a in statistics.available(scope)}
    assert names == (
        {a for a in AGGREGATES if not a.startswith("requests")} if who.public else set(AGGREGATES)
    )


def test_the_data_set_gives_every_aggregate_something_to_count(world):
    """Guards the test above: an empty aggregate would pass it whatever the code did."""
    _scope, officer = reader_of(world, "officer")
    for name in AGGREGATES:
        assert len(expected(name, officer, Filters())) >= 2, name


# --- what the scopes and the filters mean, on named records ----------------------------------------


def codes(qs) -> set[str]:
    return set(qs.values_list("title_en", flat=True))


def refs(qs) -> set[str]:
    return set(qs.values_list("reference", flat=True))


def test_public_scope_is_the_public_register_and_approved_participants(world):
    scope = public_scope()
    assert codes(statistics.activities(scope, Filters())) == {
        "P-KE-24", "O-BR-23-coorg", "O-online-25", "P-EG-25", "P-KE-23"
    }  # fmt: skip
    people = statistics.participants(scope, Filters())
    assert set(people.values_list("status", flat=True)) == {PS.APPROVED}
    # P-KE-24 has 7 approved and 3 others; the online one 2 approved and 1 withdrawn.
    assert people.filter(activity__title_en="P-KE-24").count() == 7
    assert people.filter(activity__title_en="O-online-25").count() == 2
    assert not people.filter(activity__title_en__in=["P-KE-24-draft", "P-FR-24-cancelled"]).exists()
    assert not statistics.requests(scope, Filters()).exists()
    assert all(a.group != "requests" for a in statistics.available(scope))


def test_officer_scope_is_what_their_organisation_organises_and_is_asked(world):
    scope = dashboard_scope(world.officer)
    assert codes(statistics.activities(scope, Filters())) == {
        "P-KE-24", "P-VN-25-private", "O-BR-23-coorg", "P-EG-25", "O-NG-23-coorg-private", "P-KE-23"
    }  # fmt: skip
    assert refs(statistics.requests(scope, Filters())) == {"R-P-1", "R-P-2", "R-P-3", "R-P-4", "R-P-5"}
    assert (
        statistics.participants(scope, Filters()).filter(activity__title_en="O-NG-23-coorg-private").count()
        == 2
    )

    other = dashboard_scope(world.other_officer)
    assert codes(statistics.activities(other, Filters())) == {
        "O-BR-23-coorg", "O-FR-24-private", "O-online-25", "O-NG-23-coorg-private"
    }  # fmt: skip
    assert refs(statistics.requests(other, Filters())) == {"R-O-1", "R-O-2"}


def test_an_officer_of_two_providers_counts_what_either_organises(world):
    Membership.objects.create(
        user=world.officer, organisation=world.other_provider, role=Membership.Role.OFFICER
    )
    officer = User.objects.get(pk=world.officer.pk)  # memberships are cached on the user object
    scope, who = reader_of(SimpleNamespace(officer=officer), "officer")
    assert who.orgs == {world.provider.pk, world.other_provider.pk}
    for aggregate in statistics.available(scope):
        assert as_dict(counts(scope, aggregate, Filters())) == expected(aggregate.name, who, Filters())
    # Co-organised by both: counted once.
    assert sorted(statistics.activities(scope, Filters()).values_list("title_en", flat=True)) == sorted([
        "P-KE-24", "P-VN-25-private", "O-BR-23-coorg", "O-FR-24-private", "O-online-25", "P-EG-25",
        "O-NG-23-coorg-private", "P-KE-23",
    ])  # fmt: skip


def test_an_officer_who_is_also_a_focal_point_counts_only_requests_addressed_to_their_organisation(world):
    """The dashboard counts "the requests addressed to their organisations" (reports/access.py). A
    person who is also the focal point of a state sees that state's requests to other providers in
    the casework lists, but they are not their organisation's numbers."""
    kenya = Organisation.objects.get(slug="state-ke")
    Membership.objects.create(user=world.officer, organisation=kenya, role=Membership.Role.FOCAL_POINT)
    officer = User.objects.get(pk=world.officer.pk)
    scope = dashboard_scope(officer)
    assert refs(statistics.requests(scope, Filters())) == {"R-P-1", "R-P-2", "R-P-3", "R-P-4", "R-P-5"}
    total = sum(row[1] for row in counts(scope, AGGREGATES["requests-by-state"], Filters()))
    assert total == 5


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_superuser=True, is_staff=True)


@pytest.mark.parametrize(
    "persona",
    ["focal_point", "expert", "unassigned_expert", "participant", "partner", "anonymous", "superuser"],
)
def test_nobody_but_officers_has_a_dashboard_scope(request, persona):
    user = request.getfixturevalue(persona) or AnonymousUser()
    with pytest.raises(Http404):
        dashboard_scope(user)


# filter case: (activities the officer's dashboard counts, the requests it counts)
OFFICER_FILTERED = {
    "period-2024": ({"P-KE-24"}, {"R-P-1", "R-P-2", "R-P-3"}),
    "from-2025": ({"P-VN-25-private", "P-EG-25"}, {"R-P-4", "R-P-5"}),
    "until-2023": ({"O-BR-23-coorg", "O-NG-23-coorg-private", "P-KE-23"}, set()),
    # The other provider leads two activities the officer's provider co-organises; its requests
    # are not the officer's to count.
    "other-provider": ({"O-BR-23-coorg", "O-NG-23-coorg-private"}, set()),
    "programme": ({"P-KE-24", "P-EG-25"}, {"R-P-2", "R-P-3"}),
    # Africa (002) holds Egypt; Sub-Saharan Africa (202) does not.
    "region-africa": ({"P-KE-24", "P-EG-25", "O-NG-23-coorg-private", "P-KE-23"},
                      {"R-P-1", "R-P-2", "R-P-5"}),
    "subregion-sub-saharan": ({"P-KE-24", "O-NG-23-coorg-private", "P-KE-23"}, {"R-P-1", "R-P-2"}),
    "grouping": ({"P-KE-24", "O-NG-23-coorg-private", "P-KE-23"}, {"R-P-1", "R-P-2"}),
    "country": ({"P-KE-24", "P-KE-23"}, {"R-P-1", "R-P-2"}),
    # Requests have no topic: the topic filter leaves them as they are.
    "topic": ({"P-VN-25-private", "P-EG-25", "O-NG-23-coorg-private"},
              {"R-P-1", "R-P-2", "R-P-3", "R-P-4", "R-P-5"}),
}  # fmt: skip


@pytest.mark.parametrize("case", OFFICER_FILTERED)
def test_each_filter_selects_the_documented_records(world, case):
    scope = dashboard_scope(world.officer)
    f = FILTERS[case](world)
    want_activities, want_requests = OFFICER_FILTERED[case]
    assert codes(statistics.activities(scope, f)) == want_activities
    assert refs(statistics.requests(scope, f)) == want_requests
    # And the aggregates move with them.
    assert sum(n for _k, n in counts(scope, AGGREGATES["activities-by-year"], f)) == len(want_activities)
    assert sum(row[1] for row in counts(scope, AGGREGATES["requests-by-state"], f)) == len(want_requests)


def test_provider_filter_counts_the_activities_it_co_organises(world):
    scope = public_scope()
    assert codes(statistics.activities(scope, Filters(provider=world.provider))) == {
        "P-KE-24", "O-BR-23-coorg", "P-EG-25", "P-KE-23"
    }  # fmt: skip
    assert codes(statistics.activities(scope, Filters(provider=world.other_provider))) == {
        "O-BR-23-coorg", "O-online-25"
    }  # fmt: skip


def test_place_of_participants_is_their_own_country_not_the_venue(world):
    scope = dashboard_scope(world.officer)
    kenya = Filters(country=Country.objects.get(pk="KE"))
    people = statistics.participants(scope, kenya)
    assert set(people.values_list("country_id", flat=True)) == {"KE"}
    # A Kenyan at the seminar in Viet Nam and at the conference in Brazil count for Kenya…
    assert people.filter(activity__title_en="P-VN-25-private").count() == 1
    assert people.filter(activity__title_en="O-BR-23-coorg").count() == 1
    # …the Vietnamese and the Nigerian at the workshop in Kenya do not.
    assert people.filter(activity__title_en="P-KE-24").count() == 5
    assert people.count() == 8
    by_country = as_dict(counts(scope, AGGREGATES["participants-by-country"], kenya))
    assert by_country == {"KE": 8}


def test_region_filter_at_region_and_subregion_level_for_participants(world):
    scope = dashboard_scope(world.officer)
    africa = as_dict(counts(scope, AGGREGATES["participants-by-country"], Filters(region=region("002"))))
    sub_saharan = as_dict(counts(scope, AGGREGATES["participants-by-country"], Filters(region=region("202"))))
    assert set(africa) == {"KE", "NG", "EG"}
    assert set(sub_saharan) == {"KE", "NG"}
    assert {k: africa[k] for k in sub_saharan} == sub_saharan


def test_topic_filter_keeps_the_participants_of_those_activities(world):
    scope = dashboard_scope(world.officer)
    people = statistics.participants(scope, Filters(topic=Topic.objects.get(code="piracy")))
    assert set(people.values_list("activity__title_en", flat=True)) == {
        "P-VN-25-private", "P-EG-25", "O-NG-23-coorg-private"
    }  # fmt: skip
    assert people.count() == 3 + 3 + 2


def test_groupings_chart_the_providers_own_regions(world):
    """The chosen provider's groupings, else the reader's organisations'; the public has none of its own."""
    grouping = AGGREGATES["activities-by-grouping"]
    pk = {code: g.pk for code, g in world.groupings.items()}
    assert counts(public_scope(), grouping, Filters()) == []
    assert as_dict(counts(public_scope(), grouping, Filters(provider=world.provider))) == {
        pk["east-africa"]: 2, pk["north-africa"]: 1
    }  # fmt: skip
    assert as_dict(counts(dashboard_scope(world.officer), grouping, Filters())) == {
        pk["east-africa"]: 3, pk["north-africa"]: 1, pk["asia"]: 1
    }  # fmt: skip
    assert as_dict(counts(dashboard_scope(world.other_officer), grouping, Filters())) == {
        pk["africa"]: 1, pk["europe"]: 1
    }  # fmt: skip


def test_processing_times_are_mean_days_between_milestones(world):
    rows = counts(dashboard_scope(world.officer), AGGREGATES["requests-processing"], Filters())
    assert rows == [
        # 2024: three submitted; accepted after 21 and 10 days; one delivered 40 days after that.
        (2024, 3, 15.5, 40.0, 50.0),
        # 2025: two submitted; one accepted after 3.5 days and delivered 7 days later.
        (2025, 2, 3.5, 7.0, 10.5),
    ]
    assert counts(dashboard_scope(world.other_officer), AGGREGATES["requests-processing"], Filters()) == [
        (2023, 1, 5.0, 30.0, 35.0),
        (2024, 1, None, None, None),
    ]


def test_labels_follow_the_language_of_the_reading(world):
    """Counts are cached without labels: the same cached counts read in French get French names."""
    scope = dashboard_scope(world.officer)
    aggregate = AGGREGATES["activities-by-region"]
    africa = region("002")
    english = {row.key: row.label for row in table(scope, aggregate, Filters()).rows}
    with translation.override("fr"):
        french = {row.key: row.label for row in table(scope, aggregate, Filters()).rows}
    assert english["002"] == africa.name_en
    assert french["002"] == africa.name_fr != africa.name_en


# --- small-cell suppression ----------------------------------------------------------------------


def hidden(rows) -> set:
    return {row[0] for row in rows if row[1] is None}


def test_suppress_hides_one_to_four_and_shows_zero_and_five_or_more():
    rows = [("a", 1), ("b", 4), ("c", 0), ("d", 5), ("e", 7), ("f", 2)]
    out = suppress(rows)
    assert hidden(out) == {"a", "b", "f"}
    assert dict(out)["c"] == 0 and dict(out)["d"] == 5 and dict(out)["e"] == 7
    assert [row[0] for row in out] == [row[0] for row in rows]
    assert SMALL_CELL == 5


def test_suppress_with_one_small_cell_hides_the_next_smallest_too():
    rows = [("a", 9), ("b", 3), ("c", 6), ("d", 0), ("e", 12)]
    assert hidden(suppress(rows)) == {"b", "c"}


def test_suppress_complement_is_one_of_equal_smallest_and_never_a_zero():
    out = suppress([("a", 2), ("b", 0), ("c", 6), ("d", 6)])
    assert "a" in hidden(out) and "b" not in hidden(out)
    assert len(hidden(out) & {"c", "d"}) == 1


def test_suppress_keeps_further_values_and_leaves_large_counts_alone():
    assert suppress([(2024, 3, 1.5, None), (2025, 8, 2.0, 4.0)]) == [
        (2024, None, 1.5, None),
        (2025, None, 2.0, 4.0),
    ]
    assert suppress([("a", 5), ("b", 0), ("c", 50)]) == [("a", 5), ("b", 0), ("c", 50)]
    assert suppress([("a", 3), ("b", 0)]) == [("a", None), ("b", 0)]
    assert suppress([]) == []


def test_public_participant_tables_hide_small_counts_and_small_totals(world):
    scope = public_scope()
    by_country = AGGREGATES["participants-by-country"]
    # Kenya 7, Egypt 3, and 2 each from Viet Nam, Nigeria, Brazil and India (see PARTICIPANTS).
    exact = dict(Counter(p.country_id for p in py_participants(Reader(public=True), Filters())))
    shown = table(scope, by_country, Filters())
    for row in shown.rows:
        if 0 < exact[row.key] < SMALL_CELL:
            assert row.count is None, row
    assert all(row.count is None or row.count == 0 or row.count >= SMALL_CELL for row in shown.rows)
    assert shown.total == sum(exact.values())
    # Filtered down to Brazil's two participants: every count and the total are hidden.
    brazil = table(scope, by_country, Filters(country=Country.objects.get(pk="BR")))
    assert [(row.key, row.count) for row in brazil.rows] == [("BR", None)]
    assert brazil.total is None
    # Activities are not people: one activity is shown as one.
    one = table(scope, AGGREGATES["activities-by-year"], Filters(country=Country.objects.get(pk="EG")))
    assert [(row.key, row.count) for row in one.rows] == [(2025, 1)]
    assert one.total == 1


def test_public_table_with_one_small_cell_hides_the_next_smallest(provider, officer):
    activity = ActivityFactory(provider=provider, is_public=True)
    for country, n in (("KE", 6), ("VN", 5), ("FR", 1)):
        for _ in range(n):
            ParticipantFactory(activity=activity, country_id=country)
    aggregate = AGGREGATES["participants-by-country"]
    public = table(public_scope(), aggregate, Filters())
    assert [(row.key, row.count) for row in public.rows] == [("KE", 6), ("VN", None), ("FR", None)]
    assert public.total == 12
    exact = table(dashboard_scope(officer), aggregate, Filters())
    assert [(row.key, row.count) for row in exact.rows] == [("KE", 6), ("VN", 5), ("FR", 1)]


def test_dashboards_show_exact_small_counts(world):
    scope = dashboard_scope(world.officer)
    brazil = table(
        scope, AGGREGATES["participants-by-country"], Filters(country=Country.objects.get(pk="BR"))
    )
    assert [(row.key, row.count) for row in brazil.rows] == [("BR", 2)]
    assert brazil.total == 2


def test_topic_table_has_no_total(world):
    """An activity on two topics counts for both: their sum is not a number of activities."""
    topics = table(public_scope(), AGGREGATES["activities-by-topic"], Filters())
    assert sum(row.count for row in topics.rows) > len(
        py_activities(Reader(public=True), Filters(), with_place=True)
    )
    assert topics.total is None


# --- the cache -------------------------------------------------------------------------------------


def participant_queries(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "events_participant" in q["sql"]]


def test_a_second_reading_is_served_from_the_cache(world, django_assert_num_queries):
    scope = public_scope()
    aggregate = AGGREGATES["participants-by-country"]
    with CaptureQueriesContext(connection) as first:
        rows = counts(scope, aggregate, Filters())
    with CaptureQueriesContext(connection) as second:
        again = counts(scope, aggregate, Filters())
    assert again == rows
    assert participant_queries(first) and not participant_queries(second)
    assert len(second) < len(first)  # the data versions only
    data_versions = versions.current()
    with django_assert_num_queries(0):
        assert counts(scope, aggregate, Filters(), data_versions) == rows


def test_a_cached_reading_is_kept_until_the_data_version_changes(world):
    """A write that bypasses the services (the admin) is seen only after the cache expires or a
    version changes: proof that the cache is read. A write through a service is seen at once."""
    scope = public_scope()
    aggregate = AGGREGATES["participants-by-country"]
    before = as_dict(counts(scope, aggregate, Filters()))
    Participant.objects.filter(activity__title_en="O-online-25").update(status=PS.REJECTED)
    assert as_dict(counts(scope, aggregate, Filters())) == before  # cached
    nigerian = Participant.objects.get(activity=world.activities["P-KE-24"], country_id="NG")
    participant_decide(participant=nigerian, by=world.officer, action="reject")
    after = as_dict(counts(scope, aggregate, Filters()))
    assert after == expected("participants-by-country", Reader(public=True), Filters())
    assert "IN" not in after and after.get("NG") == before["NG"] - 1


def test_every_reader_and_filter_has_its_own_cached_counts(world):
    aggregate = AGGREGATES["activities-by-year"]
    readings = {}
    for reader in ("public", "officer", "other_officer"):
        for case in ("none", "country"):
            scope, who = reader_of(world, reader)
            f = FILTERS[case](world)
            readings[reader, case] = as_dict(counts(scope, aggregate, f))
            assert readings[reader, case] == expected(aggregate.name, who, f)
    assert len({tuple(sorted(r.items())) for r in readings.values()}) > 3


def test_cancelling_an_activity_is_counted_at_once(world):
    public, officer = public_scope(), dashboard_scope(world.officer)
    by_region = AGGREGATES["activities-by-region"]
    by_country = AGGREGATES["participants-by-country"]
    readings = [counts(s, a, Filters()) for s in (public, officer) for a in (by_region, by_country)]
    assert all(readings)
    activity_move(activity=world.activities["P-KE-24"], by=world.officer, action="cancel")
    for scope, who in ((public, Reader(public=True)), reader_of(world, "officer")):
        for aggregate in (by_region, by_country):
            assert as_dict(counts(scope, aggregate, Filters())) == expected(aggregate.name, who, Filters())
    # Africa lost one activity, Kenya the workshop's five participants.
    assert as_dict(counts(public, by_region, Filters()))["002"] == as_dict(readings[0])["002"] - 1
    assert as_dict(counts(officer, by_country, Filters()))["KE"] == as_dict(readings[3])["KE"] - 5


def test_a_request_transition_is_counted_at_once(world):
    scope = dashboard_scope(world.officer)
    by_state = AGGREGATES["requests-by-state"]
    processing = AGGREGATES["requests-processing"]
    assert as_dict(counts(scope, by_state, Filters()))[RS.SUBMITTED] == 1
    before = as_dict(counts(scope, processing, Filters()))
    request_transition(case=world.requests["R-P-1"], by=world.officer, action="accept")
    states = as_dict(counts(scope, by_state, Filters()))
    assert RS.SUBMITTED not in states and states[RS.ACCEPTED] == 2
    after = as_dict(counts(scope, processing, Filters()))
    assert after != before
    _s, officer = reader_of(world, "officer")
    assert after == expected("requests-processing", officer, Filters())
