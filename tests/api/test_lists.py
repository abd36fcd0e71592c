"""Every list: limit/offset pages with links, filters, ordering, and a constant number of queries."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ipassist.core.models import Topic
from ipassist.events.models import Activity
from tests.factories import (
    ActivityFactory,
    AssistanceRequestFactory,
    OrganisationFactory,
    ParticipantFactory,
    ProgrammeFactory,
)

YEAR = date.today().year + 2  # a year of activities that are all upcoming


@pytest.fixture
def register(provider, other_provider):
    """Twelve public activities, one a month through YEAR, half in Kenya and half in Viet Nam."""
    topic = Topic.objects.order_by("code").first()
    rows = []
    for n in range(12):
        activity = ActivityFactory(
            provider=provider if n % 3 else other_provider,
            is_public=True,
            title_en=f"Activity {n:02d}",
            start_date=date(YEAR, n + 1, 10),
            end_date=date(YEAR, n + 1, 12),
            country_id="KE" if n % 2 else "VN",
            city="Nairobi" if n % 2 else "Hanoi",
            level=Activity.Level.NATIONAL if n < 6 else Activity.Level.REGIONAL,
        )
        if n < 4:
            activity.topics.add(topic)
            activity.co_organisers.add(OrganisationFactory(slug=f"co-{n}"))
        rows.append(activity)
    return rows


def titles(response) -> list[str]:
    return [row["title"]["en"] for row in response.json()["results"]]


# --- pagination ----------------------------------------------------------------------------------


def test_first_page_with_links(client, register):
    body = client.get("/api/activities?limit=5&ordering=start_date").json()
    assert body["count"] == 12
    assert (body["limit"], body["offset"]) == (5, 0)
    assert body["previous"] is None
    assert body["next"].startswith("/api/activities?")
    assert "limit=5" in body["next"] and "offset=5" in body["next"] and "ordering=start_date" in body["next"]
    assert [r["title"]["en"] for r in body["results"]] == [f"Activity {n:02d}" for n in range(5)]


def test_following_next_walks_every_row_once(client, register):
    seen, url = [], "/api/activities?limit=5&ordering=title"
    while url:
        body = client.get(url).json()
        seen.extend(row["id"] for row in body["results"])
        url = body["next"]
    assert sorted(seen) == sorted(a.pk for a in register)
    assert len(seen) == len(set(seen))


def test_last_page_links_back(client, register):
    body = client.get("/api/activities?limit=5&offset=10").json()
    assert len(body["results"]) == 2
    assert body["next"] is None
    assert "offset=5" in body["previous"]


def test_default_page_size_is_50(client, db, provider):
    for n in range(55):
        ActivityFactory(provider=provider, is_public=True, title_en=f"A{n}")
    body = client.get("/api/activities").json()
    assert body["limit"] == 50
    assert len(body["results"]) == 50


def test_oversized_page_is_capped_not_refused(client, db, provider):
    for n in range(105):
        ActivityFactory(provider=provider, is_public=True, title_en=f"A{n}")
    response = client.get("/api/activities?limit=100000")
    assert response.status_code == 200
    body = response.json()
    assert body["limit"] == 100
    assert len(body["results"]) == 100
    assert "limit=100&" in body["next"] or body["next"].endswith("limit=100")


def test_offset_beyond_the_end_is_an_empty_page(client, register):
    body = client.get("/api/activities?offset=500").json()
    assert body["results"] == []
    assert body["count"] == 12


# --- filters and ordering ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("country=KE", {1, 3, 5, 7, 9, 11}),
        ("country=vn", {0, 2, 4, 6, 8, 10}),
        ("level=regional", {6, 7, 8, 9, 10, 11}),
        (f"year={YEAR}", set(range(12))),
        (f"year={YEAR + 1}", set()),
        (f"from={YEAR}-11-01", {10, 11}),
        (f"to={YEAR}-02-10", {0, 1}),
        (f"from={YEAR}-03-11&to={YEAR}-04-10", {2, 3}),
        ("q=hanoi", {0, 2, 4, 6, 8, 10}),
        ("q=Activity 07", {7}),
        ("provider=other-provider", {0, 3, 6, 9}),
        ("provider=co-2", {2}),
        ("type=workshop", set(range(12))),
        ("type=seminar", set()),
        ("region=002", {1, 3, 5, 7, 9, 11}),  # Africa
        ("region=014", {1, 3, 5, 7, 9, 11}),  # Eastern Africa, a sub-region
        ("region=142", {0, 2, 4, 6, 8, 10}),  # Asia
        ("when=upcoming", set(range(12))),
        ("when=past", set()),
    ],
)
def test_activity_filters(client, register, query, expected):
    response = client.get(f"/api/activities?{query}&limit=100")
    assert response.status_code == 200, response.content
    assert {row["id"] for row in response.json()["results"]} == {register[n].pk for n in expected}


def test_topic_filter(client, register):
    topic = register[0].topics.get()
    got = {row["id"] for row in client.get(f"/api/activities?topic={topic.code}").json()["results"]}
    assert got == {a.pk for a in register[:4]}


def test_status_filter_for_organisers(api_as, register, draft_activity):
    body = api_as("officer").get("/api/activities?status=draft").json()
    assert [row["id"] for row in body["results"]] == [draft_activity.pk]
    assert api_as("partner").get("/api/activities?status=draft").json()["count"] == 0


@pytest.mark.parametrize(
    ("ordering", "first", "last"),
    [
        ("start_date", "Activity 00", "Activity 11"),
        ("-start_date", "Activity 11", "Activity 00"),
        ("title", "Activity 00", "Activity 11"),
        ("-title", "Activity 11", "Activity 00"),
        ("end_date", "Activity 00", "Activity 11"),
    ],
)
def test_activity_ordering(client, register, ordering, first, last):
    got = titles(client.get(f"/api/activities?ordering={ordering}"))
    assert (got[0], got[-1]) == (first, last)


def test_ordering_values_are_declared_in_the_schema(client, db):
    schema = client.get("/api/openapi.json").json()
    for path in (
        "/api/activities",
        "/api/programmes",
        "/api/requests",
        "/api/activities/{activity_id}/participants",
    ):
        params = {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}
        assert {"limit", "offset", "ordering"} <= set(params)
        assert "enum" in params["ordering"]["schema"]


def test_programme_filters_and_ordering(client, provider, other_provider, db):
    a = ProgrammeFactory(provider=provider, slug="a-programme")
    b = ProgrammeFactory(provider=other_provider, slug="b-programme")
    topic = Topic.objects.order_by("code").first()
    b.topics.add(topic)
    assert [r["slug"] for r in client.get("/api/programmes?ordering=-slug").json()["results"]] == [
        b.slug,
        a.slug,
    ]
    assert [r["slug"] for r in client.get(f"/api/programmes?topic={topic.code}").json()["results"]] == [
        b.slug
    ]
    assert [r["slug"] for r in client.get("/api/programmes?provider=provider").json()["results"]] == [a.slug]
    assert [r["slug"] for r in client.get("/api/programmes?q=b-programme").json()["results"]] == [b.slug]


def test_request_filters(api_as, provider, state, other_state, officer):
    kenya = AssistanceRequestFactory(provider=provider, requester=state, kind="training")
    vietnam = AssistanceRequestFactory(provider=provider, requester=other_state, state="accepted")
    client = api_as("officer")

    def got(query):
        response = client.get(f"/api/requests?{query}")
        assert response.status_code == 200, response.content
        return {row["id"] for row in response.json()["results"]}

    assert got("") == {kenya.pk, vietnam.pk}
    assert got("country=KE") == {kenya.pk}
    assert got("state=accepted") == {vietnam.pk}
    assert got("kind=training") == {kenya.pk}
    assert got("region=142") == {vietnam.pk}
    assert got(f"q={kenya.reference}") == {kenya.pk}
    today = date.today()
    assert got(f"submitted_from={today - timedelta(days=1)}&submitted_to={today + timedelta(days=1)}") == {
        kenya.pk,
        vietnam.pk,
    }
    assert got(f"submitted_from={today + timedelta(days=2)}") == set()
    assert [r["id"] for r in client.get("/api/requests?ordering=reference").json()["results"]] == [
        kenya.pk,
        vietnam.pk,
    ]


def test_participant_filters(api_as, activity):
    pending = ParticipantFactory(activity=activity, family_name="Zulu", status="pending")
    client = api_as("officer")
    body = client.get(f"/api/activities/{activity.pk}/participants?status=pending").json()
    assert [r["id"] for r in body["results"]] == [pending.pk]
    names = [
        r["family_name"] for r in client.get(f"/api/activities/{activity.pk}/participants").json()["results"]
    ]
    assert names == sorted(names)
    body = client.get(f"/api/activities/{activity.pk}/participants?q=zulu").json()
    assert [r["id"] for r in body["results"]] == [pending.pk]


# --- queries per page ----------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, response.content
    return len(queries)


def test_activity_pages_cost_the_same(client, db, provider, other_provider):
    topic = Topic.objects.order_by("code").first()
    for n in range(30):
        activity = ActivityFactory(provider=provider, is_public=True, title_en=f"A{n:02d}")
        activity.topics.add(topic)
        activity.co_organisers.add(other_provider)
    small = count_queries(client, "/api/activities?limit=2")
    later = count_queries(client, "/api/activities?limit=20&offset=10")
    assert small == later


def test_participant_pages_cost_the_same(api_as, activity):
    for n in range(30):
        ParticipantFactory(activity=activity, family_name=f"F{n:02d}")
    client = api_as("officer")
    client.get("/api/me")  # the token's last use is written once, not on the pages compared
    first = count_queries(client, f"/api/activities/{activity.pk}/participants?limit=2")
    later = count_queries(client, f"/api/activities/{activity.pk}/participants?limit=25&offset=5")
    assert first == later


def test_request_pages_cost_the_same(api_as, provider, state):
    for _n in range(30):
        AssistanceRequestFactory(provider=provider, requester=state)
    client = api_as("officer")
    client.get("/api/me")
    assert count_queries(client, "/api/requests?limit=2") == count_queries(
        client, "/api/requests?limit=25&offset=3"
    )


def test_programme_pages_cost_the_same(client, provider, db):
    topic = Topic.objects.order_by("code").first()
    for n in range(30):
        ProgrammeFactory(provider=provider, slug=f"p-{n:02d}", languages=["en", "fr"]).topics.add(topic)
    assert count_queries(client, "/api/programmes?limit=2") == count_queries(
        client, "/api/programmes?limit=25&offset=5"
    )
