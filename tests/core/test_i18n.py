"""Four interface languages, Arabic right-to-left, and a sensible answer to any other language."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])


def h1(response) -> str:
    return re.search(r"<h1[^>]*>(.*?)</h1>", response.content.decode(), re.S).group(1).strip()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "direction"), [("en", "ltr"), ("fr", "ltr"), ("es", "ltr"), ("ar", "rtl")]
)
def test_pages_carry_language_and_direction(client, language, direction):
    response = client.get(f"/{language}/catalogue/")
    assert response.status_code == 200
    assert f'<html lang="{language}" dir="{direction}">' in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fr", "es", "ar"])
@pytest.mark.parametrize("path", ["/", "/catalogue/", "/sign-in/"])
def test_interface_is_translated(client, language, path):
    english, translated = client.get(f"/en{path}"), client.get(f"/{language}{path}")
    assert h1(translated) != h1(english)
    body = translated.content.decode()
    for phrase in ("Skip to main content", "Programme catalogue", "Sign in"):
        assert phrase not in body


@pytest.mark.django_db
def test_arabic_lists_use_the_arabic_comma(client, provider):
    from ipassist.core.models import AudienceType
    from tests.factories import ProgrammeFactory

    programme = ProgrammeFactory(provider=provider, languages=["en", "ar"])
    programme.audiences.set(AudienceType.objects.filter(code__in=["judiciary", "customs"]))
    arabic = client.get("/ar/catalogue/").content.decode()
    assert "القضاة" in arabic or "القضاء" in arabic
    assert "، " in arabic
    assert "، " not in client.get("/en/catalogue/").content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/de/catalogue/", "/en/catalogue/"),
        ("/fr-CA/catalogue/?topic=piracy", "/fr/catalogue/?topic=piracy"),
        ("/zz/", "/en/"),
    ],
)
def test_unknown_language_prefix_falls_back(client, path, target):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept", "target"), [("xx-YY", "/en/"), ("ar-EG,ar;q=0.9", "/ar/"), ("es-419", "/es/"), ("", "/en/")]
)
def test_root_follows_accept_language_else_english(client, accept, target):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == target


@pytest.mark.django_db
def test_language_switch_without_javascript(client):
    response = client.post("/i18n/setlang/", {"language": "ar", "next": "/en/catalogue/?topic=piracy"})
    assert response.status_code == 302
    assert response["Location"] == "/ar/catalogue/?topic=piracy"
    bogus = client.post("/i18n/setlang/", {"language": "xx", "next": "/en/catalogue/"})
    assert bogus["Location"] == "/en/catalogue/"


@pytest.mark.parametrize("language", ["fr", "es", "ar"])
def test_catalogues_are_complete(language):
    """Every interface string is translated: nothing empty, nothing fuzzy, placeholders kept."""
    with (LOCALE_DIR / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        catalog = read_po(handle)
    english = read_po((LOCALE_DIR / "fr" / "LC_MESSAGES" / "django.po").open("rb"))
    assert {m.id for m in catalog if m.id} == {m.id for m in english if m.id}
    problems = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            problems.append(message.id)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(re.findall(r"%\((\w+)\)[sd]", " ".join(ids)))
        for text in strings:
            if set(re.findall(r"%\((\w+)\)[sd]", text)) - wanted:
                problems.append(("unknown placeholder", message.id))
    assert problems == []
    if language == "ar":
        assert catalog.num_plurals == 6
