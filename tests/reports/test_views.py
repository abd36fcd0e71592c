"""The officers' dashboard and the public statistics pages, and their CSV and XLSX downloads.

Who gets what (every persona, plus a superuser without membership), what the numbers on the page
and in the files are for each reader, that the public never sees fewer than five people, what bad
filters answer, that the page, the CSV and the XLSX hold the same table, and that the charts are
accessible and mirrored in Arabic.
"""

import csv
import html
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ipassist.casework.models import AssistanceRequest
from ipassist.core.models import (
    ActivityType,
    Country,
    Organisation,
    ProfessionalBackground,
    Region,
    RegionGrouping,
    Topic,
)
from ipassist.events.models import Activity, Participant
from ipassist.events.services import activity_move, participant_decide
from ipassist.reports.statistics import AGGREGATES
from tests.conftest import PERSONAS
from tests.factories import (
    ActivityFactory,
    AssistanceRequestFactory,
    OrganisationFactory,
    ParticipantFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

EVERYONE = [*PERSONAS, "superuser"]
OFFICERS = {"officer", "other_officer"}
PUBLIC_AGGREGATES = [name for name, a in AGGREGATES.items() if a.public]
REQUEST_AGGREGATES = [name for name, a in AGGREGATES.items() if a.group == "requests"]
PEOPLE_AGGREGATES = [name for name, a in AGGREGATES.items() if a.group == "participants"]
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def superuser(db):
    return UserFactory(email="root@example.org", is_superuser=True, is_staff=True)


def people(activity, country, n, *, background="judge", gender="female", status=Participant.Status.APPROVED):
    for _ in range(n):
        ParticipantFactory(
            activity=activity,
            country_id=country,
            background=ProfessionalBackground.objects.get(code=background),
            gender=gender,
            status=status,
        )


@pytest.fixture
def reports(provider, other_provider, officer, other_officer, state, other_state):
    """Two public and two private activities, one of each provider; requests to both.

    Public register: A (the provider's, in Kenya) with 6 Kenyans, 5 Vietnamese and 1 French
    participant approved; B (the other provider's, in Viet Nam) with 3 Nigerians.
    Private: C (the provider's) with 2 Kenyans; D (the other provider's, in France) with 6 French.
    """
    topic = Topic.objects.get(code="enforcement")
    a = ActivityFactory(
        provider=provider, is_public=True, country_id="KE", start_date=date(2024, 5, 10), title_en="A"
    )
    a.topics.add(topic)
    people(a, "KE", 6)
    people(a, "VN", 5, background="prosecutor", gender="male")
    people(a, "FR", 1, background="other", gender="")
    people(a, "KE", 3, status=Participant.Status.PENDING)
    people(a, "VN", 2, status=Participant.Status.REJECTED)
    b = ActivityFactory(
        provider=other_provider,
        is_public=True,
        country_id="VN",
        start_date=date(2025, 3, 1),
        kind=ActivityType.objects.get(code="seminar"),
        title_en="B",
    )
    people(b, "NG", 3)
    c = ActivityFactory(provider=provider, country_id="KE", start_date=date(2024, 9, 1), title_en="C")
    c.topics.add(topic)
    people(c, "KE", 2, gender="male")
    d = ActivityFactory(provider=other_provider, country_id="FR", start_date=date(2024, 11, 1), title_en="D")
    people(d, "FR", 6)
    grouping = RegionGrouping.objects.create(owner=provider, code="east-africa", name_en="East Africa")
    grouping.countries.set(["KE", "NG"])
    submitted = datetime(2024, 3, 1, 9, tzinfo=UTC)
    AssistanceRequestFactory(
        provider=provider, requester=state, submitted_at=datetime(2024, 2, 1, tzinfo=UTC)
    )
    AssistanceRequestFactory(
        provider=provider,
        requester=other_state,
        kind=AssistanceRequest.Kind.TRAINING,
        state=AssistanceRequest.State.DELIVERED,
        submitted_at=submitted,
        accepted_at=submitted + timedelta(days=10.5),
        delivered_at=submitted + timedelta(days=45.5),
    )
    for _ in range(3):
        AssistanceRequestFactory(provider=other_provider, requester=state)
    return {"A": a, "B": b, "C": c, "D": d}


# --- reading pages and files -----------------------------------------------------------------------

FIGURE = re.compile(r'<section class="report-figure" aria-labelledby="([a-z-]+)-heading">')


def figures(page: str) -> dict[str, str]:
    """Each figure's HTML, by aggregate name."""
    parts = FIGURE.split(page)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


class _Table(HTMLParser):
    """The first table of a piece of HTML: its caption, head, body and foot rows as text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.caption = None
        self.parts = {"thead": [], "tbody": [], "tfoot": []}
        self._in = self._done = self._in_caption = False
        self._part = self._row = self._cell = None

    def handle_starttag(self, tag, attrs):
        if self._done or (tag != "table" and not self._in):
            return
        if tag == "table":
            self._in = True
        elif tag == "caption":
            self._in_caption, self.caption = True, ""
        elif tag in self.parts:
            self._part = tag
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = ""

    def handle_endtag(self, tag):
        if self._done or not self._in:
            return
        if tag == "table":
            self._done = True
        elif tag == "caption":
            self._in_caption = False
        elif tag in ("th", "td"):
            self._row.append(self._cell.strip())
            self._cell = None
        elif tag == "tr":
            self.parts[self._part].append(self._row)

    def handle_data(self, data):
        if self._in_caption:
            self.caption += data
        elif self._cell is not None:
            self._cell += data


def table_of(figure_html: str) -> _Table:
    parser = _Table()
    parser.feed(figure_html)
    return parser


def page_rows(figure_html: str) -> list[list[str]]:
    """The table as the page shows it: data rows, then the total row if any."""
    t = table_of(figure_html)
    return t.parts["tbody"] + t.parts["tfoot"]


def count_column(figure_html: str) -> dict[str, str]:
    return {row[0]: row[1] for row in table_of(figure_html).parts["tbody"]}


def total_of(figure_html: str) -> str | None:
    foot = table_of(figure_html).parts["tfoot"]
    return foot[0][1] if foot else None


def svg_of(figure_html: str) -> ET.Element:
    return ET.fromstring(re.search(r"<svg.*?</svg>", figure_html, re.S).group(0))  # noqa: S314 — our own output


def chart_data(figure_html: str) -> list[str]:
    """The numbers a chart writes: beside each bar and in each bar's tooltip ("label: number")."""
    svg = svg_of(figure_html)
    found = []
    for group in svg.iter(f"{SVG}g"):
        if "chart-datum" in group.get("class", "").split():
            found.append(group.find(f"{SVG}title").text.rsplit(": ", 1)[-1])
            found += [t.text for t in group.iter(f"{SVG}text") if "chart-value" in t.get("class", "")]
    return found


def read_csv(response) -> list[list[str]]:
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def read_xlsx(response) -> list[list]:
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def same_rows(csv_rows: list[list[str]], xlsx_rows: list[list]) -> bool:
    """CSV text and workbook values hold the same table (a workbook has numbers, not "35.0")."""

    def same(text: str, value) -> bool:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(text) == value
        return text == ("" if value is None else value)

    return len(csv_rows) == len(xlsx_rows) and all(
        len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
        for a, b in zip(csv_rows, xlsx_rows, strict=True)
    )


def country_name(code: str) -> str:
    return Country.objects.get(pk=code).name_en


def named(by_code: dict) -> dict:
    return {country_name(code): value for code, value in by_code.items()}


def dashboard_url() -> str:
    return reverse("reports:dashboard")


def statistics_url() -> str:
    return reverse("reports:statistics")


def data_url(view: str, name: str, fmt: str = "csv") -> str:
    return reverse(f"reports:{view}_data", kwargs={"name": name, "fmt": fmt})


# --- who gets what ---------------------------------------------------------------------------------


def test_urls():
    assert dashboard_url() == "/en/reports/"
    assert statistics_url() == "/en/statistics/"
    assert data_url("dashboard", "activities-by-year") == "/en/reports/data/activities-by-year.csv"
    assert (
        data_url("statistics", "activities-by-year", "xlsx") == "/en/statistics/data/activities-by-year.xlsx"
    )


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_dashboard_is_for_officers_only(client_as, reports, persona):
    client = client_as(persona)
    want = 200 if persona in OFFICERS else 404
    assert client.get(dashboard_url()).status_code == want
    for name in ("activities-by-region", "participants-by-country", "requests-by-state"):
        for fmt in ("csv", "xlsx"):
            assert client.get(data_url("dashboard", name, fmt)).status_code == want, (name, fmt)


@pytest.mark.parametrize("persona", EVERYONE)
def test_the_public_statistics_are_everyones_without_requests(client_as, reports, persona):
    client = client_as(persona)
    page = client.get(statistics_url())
    assert page.status_code == 200
    # The provider's own regions only once a provider is chosen: the public has none of its own.
    assert set(figures(page.content.decode())) == set(PUBLIC_AGGREGATES) - {"activities-by-grouping"}
    with_provider = figures(client.get(statistics_url() + "?provider=provider").content.decode())
    assert set(with_provider) == set(PUBLIC_AGGREGATES)
    for name in ("activities-by-year", "participants-by-gender"):
        for fmt in ("csv", "xlsx"):
            assert client.get(data_url("statistics", name, fmt)).status_code == 200, (name, fmt)
    for name in REQUEST_AGGREGATES:
        for fmt in ("csv", "xlsx"):
            assert client.get(data_url("statistics", name, fmt)).status_code == 404, (name, fmt)


def test_an_unknown_aggregate_is_not_found(client_as, reports):
    client = client_as("officer")
    assert client.get(data_url("dashboard", "people-by-shoe-size")).status_code == 404
    assert client.get(data_url("statistics", "people-by-shoe-size")).status_code == 404


def test_a_superuser_who_is_also_an_officer_has_a_dashboard(client, superuser, provider):
    """The dashboard follows the officer membership, not the superuser flag."""
    client.force_login(superuser)
    assert client.get(dashboard_url()).status_code == 404
    superuser.memberships.create(organisation=provider, role="officer")
    assert client.get(dashboard_url()).status_code == 200


def test_an_officer_whose_membership_ended_has_no_dashboard(client_as, officer):
    client = client_as("officer")
    assert client.get(dashboard_url()).status_code == 200
    officer.memberships.update(is_active=False)
    assert client.get(dashboard_url()).status_code == 404
    assert client.get(data_url("dashboard", "requests-by-state")).status_code == 404


# --- what each reader counts ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "activities", "people", "requests"),
    [
        # Activities A and C; 6+5+1 at A and 2 at C; the two requests addressed to the provider.
        ("officer", {"2024": "2"}, {"KE": "8", "VN": "5", "FR": "1"}, "2"),
        # B and D; 3 at B and 6 at D; three requests.
        ("other_officer", {"2024": "1", "2025": "1"}, {"FR": "6", "NG": "3"}, "3"),
    ],
)
def test_a_dashboard_counts_only_the_readers_organisation(
    client_as, reports, persona, activities, people, requests
):
    client = client_as(persona)
    people = named(people)
    page = figures(client.get(dashboard_url()).content.decode())
    assert count_column(page["activities-by-year"]) == activities
    assert total_of(page["activities-by-year"]) == str(sum(map(int, activities.values())))
    assert count_column(page["participants-by-country"]) == people
    assert total_of(page["participants-by-country"]) == str(sum(map(int, people.values())))
    assert total_of(page["requests-by-state"]) == requests
    assert total_of(page["requests-by-kind"]) == requests
    # The files say the same.
    rows = read_csv(client.get(data_url("dashboard", "participants-by-country")))
    assert {r[0]: r[1] for r in rows[1:-1]} == people
    assert rows[-1][:2] == ["Total", str(sum(map(int, people.values())))]
    rows = read_csv(client.get(data_url("dashboard", "requests-by-state")))
    assert rows[-1][:2] == ["Total", requests]


def test_the_officers_dashboard_does_not_count_other_providers_private_activity(client_as, reports):
    page = figures(client_as("officer").get(dashboard_url()).content.decode())
    regions = count_column(page["activities-by-region"])
    assert regions == {"Africa": "2"}  # D, in France, is the other provider's
    assert country_name("NG") not in count_column(page["participants-by-country"])  # B's participants


def test_the_public_statistics_count_the_public_register(client_as, reports):
    page = figures(client_as("anonymous").get(statistics_url()).content.decode())
    assert count_column(page["activities-by-year"]) == {"2024": "1", "2025": "1"}
    # Kenyans of C (private) and French of D (private) are not counted; nor pending or rejected.
    assert count_column(page["participants-by-country"]) == named(
        {"KE": "6", "VN": "5", "NG": "<5", "FR": "<5"}
    )
    assert total_of(page["participants-by-country"]) == "15"


def small(cell: str) -> bool:
    """A number of people from 1 to 4, shown as such."""
    return cell.isdigit() and 0 < int(cell) < 5


@pytest.mark.parametrize("query", ["", "?provider=provider", "?country=NG", "?topic=enforcement"])
def test_the_public_never_sees_fewer_than_five_people(client_as, reports, query):
    client = client_as("anonymous")
    page = figures(client.get(statistics_url() + query).content.decode())
    for name in PEOPLE_AGGREGATES:
        rows = page_rows(page[name])
        assert rows or "No data" in page[name], name
        for row in rows:
            assert not small(row[1]), (name, row)
        hidden = [row for row in table_of(page[name]).parts["tbody"] if row[1] == "<5"]
        shown = [row for row in table_of(page[name]).parts["tbody"] if row[1] not in ("<5", "0")]
        assert len(hidden) != 1 or not shown, (name, rows)  # one hidden cell would be found by subtraction
        drawn = chart_data(page[name])
        assert bool(drawn) == bool(table_of(page[name]).parts["tbody"]), name
        for datum in drawn:
            assert not small(datum), (name, datum)
        csv_rows = read_csv(client.get(data_url("statistics", name) + query))
        for row in csv_rows[1:]:
            assert not small(row[1]), (name, row)


def test_the_public_sees_the_next_smallest_hidden_and_no_small_totals(client_as, reports):
    client = client_as("anonymous")
    # The provider's public activity alone: Kenya 6, Viet Nam 5, France 1: Viet Nam hidden too.
    page = figures(client.get(statistics_url() + "?provider=provider").content.decode())
    assert count_column(page["participants-by-country"]) == named({"KE": "6", "VN": "<5", "FR": "<5"})
    assert total_of(page["participants-by-country"]) == "12"
    # Nigeria's three participants: the count and the total are hidden, on the page and in the CSV.
    page = figures(client.get(statistics_url() + "?country=NG").content.decode())
    assert count_column(page["participants-by-country"]) == named({"NG": "<5"})
    assert total_of(page["participants-by-country"]) is None
    assert read_csv(client.get(data_url("statistics", "participants-by-country") + "?country=NG")) == [
        ["Category", "Participants"],
        [country_name("NG"), "<5"],
    ]
    # The officer sees the exact numbers of the same people.
    page = figures(client_as("officer").get(dashboard_url() + "?country=FR").content.decode())
    assert count_column(page["participants-by-country"]) == named({"FR": "1"})


# --- bad filters -----------------------------------------------------------------------------------

# query, what is left of it once the bad value is dropped, the filter's label, the error shown
BAD_FILTERS = [
    ("?date_from=31/02/2024", "", "From", "Enter a valid date."),
    ("?region=999&topic=enforcement", "?topic=enforcement", "Region (UN M49)", "Select a valid choice."),
    (
        "?date_from=2025-01-01&date_to=2024-01-01",
        "?date_from=2025-01-01",
        "To",
        "The end of the period is before its start.",
    ),
]


@pytest.mark.parametrize(("query", "valid", "label", "error"), BAD_FILTERS)
@pytest.mark.parametrize(("persona", "view"), [("anonymous", "statistics"), ("officer", "dashboard")])
def test_bad_filters_are_explained(client_as, reports, persona, view, query, valid, label, error):
    client = client_as(persona)
    url = dashboard_url() if view == "dashboard" else statistics_url()
    response = client.get(url + query)
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert "Some filter values were not recognised and have been ignored." in page
    assert error in page
    # The figures are those of the filters that were valid.
    shown = {n: page_rows(f) for n, f in figures(response.content.decode()).items()}
    assert shown == {n: page_rows(f) for n, f in figures(client.get(url + valid).content.decode()).items()}
    for fmt in ("csv", "xlsx"):
        download = client.get(data_url(view, "activities-by-year", fmt) + query)
        assert download.status_code == 400, fmt
        message = download.content.decode()
        assert message == f"These filters have values that are not valid: {label}.", fmt


# --- the page, the CSV and the XLSX ---------------------------------------------------------------


def download_links(figure_html: str) -> dict[str, str]:
    links = re.findall(r'<a href="([^"]+)" download type="([^"]+)"', figure_html)
    return {"csv" if "csv" in kind else "xlsx": html.unescape(href) for href, kind in links}


@pytest.mark.parametrize("query", ["", "?date_to=2024-12-31&topic=enforcement"])
def test_csv_and_xlsx_hold_the_table_on_the_page(client_as, reports, query):
    client = client_as("officer")
    page = client.get(dashboard_url() + query).content.decode()
    shown = figures(page)
    assert set(shown) == set(AGGREGATES)
    compared = 0
    for name, figure in shown.items():
        links = download_links(figure)
        assert links["csv"] == data_url("dashboard", name) + query
        assert links["xlsx"] == data_url("dashboard", name, "xlsx") + query
        t = table_of(figure)
        csv_rows = read_csv(client.get(links["csv"]))
        xlsx_rows = read_xlsx(client.get(links["xlsx"]))
        assert same_rows(csv_rows, xlsx_rows), (name, csv_rows, xlsx_rows)
        if not t.parts["tbody"]:
            assert "No data for these filters." in figure
            continue
        assert csv_rows[0] == t.parts["thead"][0], name
        assert csv_rows[1:] == page_rows(figure), name
        compared += 1
    assert compared >= 10


def test_the_processing_table_reads_in_days(client_as, reports):
    figure = figures(client_as("officer").get(dashboard_url()).content.decode())["requests-processing"]
    t = table_of(figure)
    assert t.parts["thead"][0] == [
        "Category",
        "Requests for assistance",
        "Days to acceptance",
        "Days from acceptance to delivery",
        "Days to delivery",
    ]
    # Two requests in 2024: one accepted after 10.5 days and delivered 35 days later.
    assert t.parts["tbody"] == [["2024", "2", "10.5", "35.0", "45.5"]]


def test_headers_are_in_the_language_of_the_page(client_as, reports):
    client = client_as("anonymous")
    english = read_csv(client.get("/en/statistics/data/activities-by-year.csv"))
    assert english[0] == ["Category", "Activities"]
    french = read_csv(client.get("/fr/statistics/data/activities-by-year.csv"))
    assert french[0] == ["Catégorie", "Activités"]
    xlsx = read_xlsx(client.get("/fr/statistics/data/activities-by-year.xlsx"))
    assert same_rows(french, xlsx)
    assert french[1:] == english[1:]  # years and counts are the same in every language
    # The page's own header, and the message of a bad filter, are French too.
    page = figures(client.get("/fr/statistics/").content.decode())
    assert table_of(page["activities-by-year"]).parts["thead"][0] == french[0]
    refused = client.get("/fr/statistics/data/activities-by-year.csv?date_from=hier")
    assert refused.status_code == 400
    assert refused.content.decode() == "Ces filtres comportent des valeurs non valides : Du."


# --- charts ----------------------------------------------------------------------------------------


def test_every_chart_has_a_title_a_description_and_a_table_with_a_caption(client_as, reports):
    page = figures(client_as("officer").get(dashboard_url()).content.decode())
    assert set(page) == set(AGGREGATES)
    for name, figure in page.items():
        aggregate = AGGREGATES[name]
        svg = svg_of(figure)
        assert svg.get("role") == "img", name
        title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
        assert title.text == str(aggregate.title), name
        assert desc.text == str(aggregate.description), name
        assert svg.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}", name
        t = table_of(figure)
        assert t.parts["tbody"], f"{name}: the data set should give every figure rows"
        assert t.caption == f"Data: {aggregate.title}", name


def test_the_arabic_page_and_its_charts_read_right_to_left(client_as, reports):
    client = client_as("anonymous")
    arabic = client.get("/ar/statistics/").content.decode()
    assert re.search(r'<html lang="ar" dir="rtl">', arabic)
    charts = [svg_of(f) for f in figures(arabic).values()]
    assert charts and all(svg.get("direction") == "rtl" for svg in charts)
    english = client.get("/en/statistics/").content.decode()
    assert re.search(r'<html lang="en" dir="ltr">', english)
    assert all(svg_of(f).get("direction") != "rtl" for f in figures(english).values())


# --- the cache, seen from the page ----------------------------------------------------------------


def test_a_second_view_of_the_page_reads_the_cached_counts(client_as, reports):
    client = client_as("officer")
    with CaptureQueriesContext(connection) as first:
        one = figures(client.get(dashboard_url()).content.decode())
    with CaptureQueriesContext(connection) as second:
        two = figures(client.get(dashboard_url()).content.decode())
    assert {n: page_rows(f) for n, f in one.items()} == {n: page_rows(f) for n, f in two.items()}
    counted = [q for q in second.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not counted, counted
    assert len(second) < len(first)


def test_the_dashboard_costs_the_same_queries_for_more_data(client_as, reports, provider, state):
    """One GROUP BY per aggregate and one look-up of labels: more rows cost no more queries."""
    client = client_as("officer")
    with CaptureQueriesContext(connection) as before:
        client.get(dashboard_url())
    for year in (2019, 2020, 2021):
        for country, kind in (("BR", "seminar"), ("IN", "conference"), ("EG", "study_visit")):
            activity = ActivityFactory(
                provider=provider,
                country_id=country,
                start_date=date(year, 6, 1),
                kind=ActivityType.objects.get(code=kind),
                level=Activity.Level.REGIONAL,
            )
            activity.topics.add(*Topic.objects.filter(code__in=["piracy", "counterfeiting"]))
            people(activity, country, 3, background="customs_officer", gender="other")
        AssistanceRequestFactory(
            provider=provider,
            requester=state,
            kind=AssistanceRequest.Kind.AWARENESS,
            state=AssistanceRequest.State.DECLINED,
            submitted_at=datetime(year, 1, 1, tzinfo=UTC),
        )
    cache.clear()
    with CaptureQueriesContext(connection) as after:
        page = figures(client.get(dashboard_url()).content.decode())
    assert len(table_of(page["activities-by-year"]).parts["tbody"]) == 4  # the new years are there
    assert len(after) == len(before)


def test_the_filter_choices_follow_the_data(client_as, reports):
    """The public may filter by a provider once it leads an activity in the register: a provider
    announced through the service is offered at once (the choices are cached like the counts)."""
    client = client_as("anonymous")
    newcomer = OrganisationFactory(slug="newcomer", kind=Organisation.Kind.PROVIDER)
    officer = UserFactory(email="newcomer@example.org")
    officer.memberships.create(organisation=newcomer, role="officer")
    draft = ActivityFactory(provider=newcomer, is_public=True, status=Activity.Status.DRAFT, country_id="BR")
    query = "?provider=newcomer"
    assert client.get(data_url("statistics", "activities-by-region") + query).status_code == 400
    assert "Some filter values were not recognised" in client.get(statistics_url() + query).content.decode()
    activity_move(activity=draft, by=officer, action="announce")
    response = client.get(statistics_url() + query)
    assert "Some filter values were not recognised" not in response.content.decode()
    assert count_column(figures(response.content.decode())["activities-by-region"]) == {
        Region.objects.get(pk="019").name_en: "1"
    }
    rows = read_csv(client.get(data_url("statistics", "activities-by-region") + query))
    assert rows[1:] == [[Region.objects.get(pk="019").name_en, "1"], ["Total", "1"]]


def test_the_page_shows_a_change_at_once(client_as, reports, officer):
    client = client_as("anonymous")
    before = count_column(figures(client.get(statistics_url()).content.decode())["participants-by-country"])
    assert before[country_name("KE")] == "6"
    kenyan = reports["A"].participants.filter(country_id="KE", status=Participant.Status.APPROVED).first()
    participant_decide(participant=kenyan, by=officer, action="withdraw")
    after = count_column(figures(client.get(statistics_url()).content.decode())["participants-by-country"])
    assert after[country_name("KE")] == "5"
