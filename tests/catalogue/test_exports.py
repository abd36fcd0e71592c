"""The catalogue export, as CSV and XLSX: the programmes the list shows that user, under the same
filters, each in the version the list shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ipassist.catalogue.models import Programme
from ipassist.core.models import AudienceType
from tests.conftest import PERSONAS
from tests.exports import as_csv, csv_rows, xlsx_rows
from tests.factories import ProgrammeFactory

FORMATS = ["csv", "xlsx"]


@pytest.fixture
def programmes(provider, other_provider):
    judiciary = AudienceType.objects.get(code="judiciary")
    published = ProgrammeFactory(slug="public-programme", provider=provider, languages=["en", "fr"])
    published.audiences.add(judiciary)
    return {
        "published": published,
        "other_published": ProgrammeFactory(slug="other-public", provider=other_provider),
        "draft": ProgrammeFactory(slug="draft-programme", provider=provider, status=Programme.Status.DRAFT),
        "other_draft": ProgrammeFactory(
            slug="other-draft", provider=other_provider, status=Programme.Status.DRAFT
        ),
        "archived": ProgrammeFactory(
            slug="old-programme", provider=provider, status=Programme.Status.ARCHIVED
        ),
    }


def export(client, fmt: str, **params):
    response = client.get(reverse("catalogue:export", kwargs={"fmt": fmt}), params)
    assert response.status_code == 200
    return csv_rows(response) if fmt == "csv" else as_csv(xlsx_rows(response))


def listed(client, **params) -> list[str]:
    return [row["version"].title for row in client.get(reverse("catalogue:list"), params).context["rows"]]


def slugs(rows) -> set[str]:
    return {row[0].split(" title ")[0] for row in rows[1:]}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("persona", PERSONAS)
def test_each_persona_gets_what_the_list_shows(client_as, programmes, persona, fmt):
    client = client_as(persona)
    rows = export(client, fmt)
    expected = {"public-programme", "other-public"}
    if persona == "officer":
        expected |= {"draft-programme", "old-programme"}  # their provider's, whatever the status
    if persona == "other_officer":
        expected |= {"other-draft"}
    assert slugs(rows) == expected
    assert [row[0] for row in rows[1:]] == listed(client)


@pytest.mark.parametrize("fmt", FORMATS)
def test_filters_are_those_of_the_page(client_as, programmes, provider, fmt):
    officer = client_as("officer")
    for client, params, expected in [
        (officer, {"provider": provider.slug}, {"public-programme", "draft-programme", "old-programme"}),
        (officer, {"status": "draft"}, {"draft-programme"}),
        (officer, {"audience": "judiciary"}, {"public-programme"}),
        (officer, {"q": "Objectives of old"}, {"old-programme"}),
        (
            officer,
            {"topic": "nonsense"},
            {"public-programme", "other-public", "draft-programme", "old-programme"},
        ),
        # the status filter is the officers': for anyone else it is ignored, and drafts stay hidden
        (client_as("anonymous"), {"status": "draft"}, {"public-programme", "other-public"}),
        (client_as("other_officer"), {"status": "draft"}, {"other-draft"}),
    ]:
        rows = export(client, fmt, **params)
        assert slugs(rows) == expected, params
        assert [row[0] for row in rows[1:]] == listed(client, **params), params


def test_columns_and_both_formats(client_as, programmes):
    client = client_as("officer")
    from_csv = export(client, "csv")
    assert export(client, "xlsx") == from_csv
    header = from_csv[0]
    assert header == [
        "Title",
        "Language",
        "Provider",
        "Status",
        "Summary",
        "Target beneficiaries",
        "Topics",
        "Types of activities",
    ]
    row = next(r for r in from_csv if r[0] == "public-programme title [en]")
    assert row[1:5] == ["English", "World Provider (WP)", "Published", "public-programme summary [en]"]
    assert row[5] == AudienceType.objects.get(code="judiciary").label_en
    draft = next(r for r in from_csv if r[0].startswith("draft-programme"))
    assert draft[3] == "Draft"


def test_in_french_each_programme_is_in_the_version_the_list_shows(client, programmes):
    rows = csv_rows(client.get("/fr/catalogue/export.csv"))
    assert rows[0][:4] == ["Titre", "Langue", "Prestataire", "Statut"]
    languages = {row[0]: row[1] for row in rows[1:]}
    assert languages["public-programme title [fr]"] == "Français"  # translated version
    assert languages["other-public title [en]"] == "Anglais"  # falls back to the original


def test_the_list_links_both_formats_with_its_filters(client, programmes):
    body = client.get(reverse("catalogue:list"), {"audience": "judiciary", "page": "1"}).content.decode()
    assert 'href="/en/catalogue/export.csv?audience=judiciary"' in body
    assert 'href="/en/catalogue/export.xlsx?audience=judiciary"' in body


@pytest.mark.parametrize("fmt", FORMATS)
def test_queries_do_not_grow_with_the_rows(client, provider, fmt):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            export(client, fmt)
        return len(captured)

    judiciary = AudienceType.objects.get(code="judiciary")
    for programme in ProgrammeFactory.create_batch(2, provider=provider):
        programme.audiences.add(judiciary)
    few = queries()
    for programme in ProgrammeFactory.create_batch(30, provider=provider, languages=["en", "fr"]):
        programme.audiences.add(judiciary)
    assert queries() == few
