"""Every page is light, self-hosted and protected by strict headers."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from ipassist.catalogue.demo import load_programmes
from ipassist.core.demo import load_organisations_and_users

pytestmark = pytest.mark.django_db
PAGES = [
    "/en/",
    "/en/catalogue/",
    "/ar/catalogue/",
    "/en/catalogue/cdip-07-ip-administration-management/",
    "/en/sign-in/",
]


@pytest.fixture
def demo():
    load_organisations_and_users()
    load_programmes()


@pytest.mark.parametrize("path", PAGES)
def test_security_headers(client, demo, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("path", PAGES)
def test_no_inline_script_or_style_and_no_third_party(client, demo, path):
    body = client.get(path).content.decode()
    assert "<script" not in body  # no JavaScript is needed on these pages
    assert "style=" not in body
    assert "<style" not in body
    for url in re.findall(r'(?:src|href|action)="([^"]+)"', body):
        assert not url.startswith(("http:", "https:", "//")), url


def test_catalogue_page_weight_under_100_kb(client, demo):
    """HTML of the full catalogue page plus every file it loads."""
    body = client.get("/en/catalogue/").content
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+)"', body)
    static_dir = Path(settings.STATICFILES_DIRS[0])
    weight = len(body) + sum(
        (static_dir / a.decode().removeprefix("/static/")).stat().st_size for a in assets
    )
    assert assets  # the stylesheet and icon are counted
    assert weight < 100_000, weight


@pytest.mark.parametrize("language", ["en", "ar"])
def test_not_found_page_is_in_the_layout_and_language(client, language):
    response = client.get(f"/{language}/catalogue/no-such-programme/")
    assert response.status_code == 404
    body = response.content.decode()
    assert f'<html lang="{language}"' in body
    assert 'href="/static/css/ipassist.css"' in body


def test_unknown_path_under_a_supported_language_is_404_not_a_redirect_loop(client):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
