"""A visitor browses, filters and reads the catalogue, in their language."""

import pytest
from django.utils import translation

from ipassist.catalogue.demo import load_programmes
from ipassist.catalogue.models import Programme
from ipassist.core.demo import load_organisations_and_users
from ipassist.core.templatetags.ipassist import blocks
from tests.factories import ProgrammeFactory


@pytest.fixture
def demo(db):
    load_organisations_and_users()
    load_programmes()


def titles(response):
    return [row["version"].title for row in response.context["rows"]]


def test_catalogue_lists_the_demo_programmes(client, demo):
    response = client.get("/en/catalogue/")
    assert response.status_code == 200
    assert response.context["total"] == 20
    assert "Policy Development Program" in titles(response)


@pytest.mark.parametrize(
    ("query", "expected", "absent"),
    [
        ("provider=interpol", "Reform of domestic laws", "Policy Development Program"),
        ("audience=judiciary", "Capacity building and training", "Policy Development Program"),
        ("topic=ip_education", "Education and Degree/Diploma Program", "Reform of domestic laws"),
        (
            "activity_type=legislative_advice",
            "Legislative assistance",
            "Education and Degree/Diploma Program",
        ),
        (
            "provider=wipo&activity_type=legislative_advice",
            "Legislative assistance",
            "Reform of domestic laws",
        ),
        ("q=licensing", "Training Programs on IP Protection and Management", "Reform of domestic laws"),
    ],
)
def test_filters_narrow_the_list(client, demo, query, expected, absent):
    response = client.get(f"/en/catalogue/?{query}")
    found = titles(response)
    assert expected in found
    assert absent not in found
    assert response.context["total"] == len(found) < 20


def test_facet_counts_follow_the_filtered_list(client, demo):
    response = client.get("/en/catalogue/?provider=interpol")
    facets = {f["name"]: f for f in response.context["facet_fields"]}
    counts = {o["value"]: o["count"] for o in facets["provider"]["options"]}
    assert counts["interpol"] == 5
    assert counts["wipo"] == 0
    assert any(o["selected"] for o in facets["provider"]["options"])


@pytest.mark.parametrize(
    "query",
    [
        "topic=nonsense",
        "provider=%00",
        "audience[]=1",
        "page=-3",
        "page=abc",
        "q=" + "x" * 500,
        "activity_type=1%27%20OR%201=1",
    ],
)
def test_invalid_filters_are_ignored(client, demo, query):
    response = client.get(f"/en/catalogue/?{query}")
    assert response.status_code == 200
    assert response.context["total"] == 20 or "page" in query
    if not query.startswith(("page", "audience[]")):
        assert "Some filter values were not recognised and have been ignored." in response.content.decode()


def test_pagination(client, provider):
    for n in range(25):
        ProgrammeFactory(slug=f"p-{n:02d}", provider=provider)
    first = client.get("/en/catalogue/")
    second = client.get("/en/catalogue/?page=2")
    assert len(first.context["rows"]) == 20
    assert len(second.context["rows"]) == 5
    assert 'href="?page=2"' in first.content.decode()


def test_list_queries_do_not_grow_with_rows(client, provider, django_assert_max_num_queries):
    ProgrammeFactory.create_batch(3, provider=provider, languages=["en", "fr"])
    with django_assert_max_num_queries(20) as few:
        client.get("/en/catalogue/")
    ProgrammeFactory.create_batch(15, provider=provider, languages=["en", "fr"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/en/catalogue/")


def test_programme_page_shows_the_five_parts(client, demo):
    response = client.get("/en/catalogue/cdip-02-legal-assistance/")
    body = response.content.decode()
    for heading in (
        "Target institutions / beneficiaries",
        "Objectives",
        "Types of activities",
        "Expected outcomes",
    ):
        assert f">{heading}</h2>" in body
    assert (
        "<li>Advice on draft laws and regulations;</li>" in body
        or "Advice on draft laws and regulations" in body
    )


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_programme_is_shown_in_the_interface_language(client, demo, language):
    response = client.get(f"/{language}/catalogue/cdip-01-policy-development/")
    version = response.context["version"]
    assert version.language == language
    assert version.title != "Policy Development Program"
    assert not response.context["is_fallback"]


def test_fallback_to_original_is_marked(client, provider):
    programme = ProgrammeFactory(provider=provider, languages=["en"])
    response = client.get(f"/ar/catalogue/{programme.slug}/")
    assert response.context["is_fallback"]
    body = response.content.decode()
    # The English text inside an Arabic page is marked as English, left-to-right.
    assert f'<h1 id="programme-title" lang="en" dir="ltr">{programme.slug} title [en]</h1>' in body


def test_outdated_translation_is_flagged(client, provider):
    programme = ProgrammeFactory(provider=provider, languages=["fr", "en"])
    english = programme.versions.get(language="en")
    english.objectives = "Changed after the French was written"
    english.save()
    response = client.get(f"/fr/catalogue/{programme.slug}/")
    assert response.context["outdated"] == {"fr"}


def test_blocks_splits_paragraphs_and_lists():
    text = "Intro line\n\n- one\n- two\n\nMiddle\n- three\n\n- four"
    assert blocks(text) == [
        {"kind": "paragraph", "text": "Intro line"},
        {"kind": "list", "items": ["one", "two"]},
        {"kind": "paragraph", "text": "Middle"},
        {"kind": "list", "items": ["three"]},
        {"kind": "list", "items": ["four"]},
    ]
    assert blocks("") == []


def test_demo_programmes_are_translated(demo):
    """Every demo programme exists in the four languages, each really translated."""
    programmes = Programme.objects.prefetch_related("versions")
    assert programmes.count() == 20
    for programme in programmes:
        versions = {v.language: v for v in programme.versions.all()}
        assert set(versions) == {"en", "fr", "es", "ar"}, programme.slug
        for language in ("fr", "es", "ar"):
            for name in ("title", "target_beneficiaries", "objectives", "activities"):
                text = getattr(versions[language], name)
                assert text and text != getattr(versions["en"], name), (programme.slug, language, name)
            versions[language].full_clean()  # fits the model's limits, as PostgreSQL enforces them
        with translation.override("ar"):
            assert any("\u0600" <= ch <= "\u06ff" for ch in str(programme))
