"""The home page, the catalogue and a programme, in English and Arabic, in a real browser:
no WCAG 2.2 AA violation (axe-core), no request to another host, and everything usable without JavaScript."""

import pytest

from tests.browser.helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser

PAGES = [
    "/{lang}/",
    "/{lang}/catalogue/",
    "/{lang}/catalogue/cdip-01-policy-development/",
    "/{lang}/sign-in/",
]


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize("path", PAGES)
def test_page_is_accessible_and_self_hosted(browser, live_url, axe_source, lang, path):
    context = browser.new_context()
    page = context.new_page()
    foreign = []
    page.on(
        "request", lambda request: None if request.url.startswith(live_url) else foreign.append(request.url)
    )
    console_errors = []
    page.on(
        "console", lambda message: console_errors.append(message.text) if message.type == "error" else None
    )
    response = page.goto(live_url + path.format(lang=lang))
    assert response.status == 200
    assert page.locator("html").get_attribute("lang") == lang
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert_accessible(page, axe_source)
    assert foreign == []
    assert console_errors == []  # e.g. a Content-Security-Policy violation
    context.close()


def test_filter_and_switch_language_without_javascript(browser, live_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_url}/en/catalogue/")
    assert page.locator("h2#results-heading").inner_text() == "20 programmes"
    page.select_option("#id_provider", "interpol")
    page.click("text=Apply filters")
    assert "provider=interpol" in page.url
    assert page.locator("h2#results-heading").inner_text() == "5 programmes"
    page.select_option("#language-select", "ar")
    page.click(".language-form button")
    assert page.url.startswith(f"{live_url}/ar/catalogue/")
    assert "provider=interpol" in page.url
    assert page.locator("html").get_attribute("dir") == "rtl"
    context.close()


def sign_in_as_officer(page, live_url, then: str) -> None:
    sign_in(page, live_url, "officer@wipo.example", then)


def test_officer_signs_in_and_sees_drafting_tools(browser, live_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    sign_in_as_officer(page, live_url, "/en/catalogue/")
    page.click("text=New programme")
    assert page.locator("h1").inner_text() == "New programme"
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_programme_form_is_accessible_with_and_without_errors(browser, live_url, axe_source, lang):
    context = browser.new_context()
    page = context.new_page()
    sign_in_as_officer(page, live_url, f"/{lang}/catalogue/new/")
    assert_accessible(page, axe_source)
    page.click("main form button.primary")  # an empty form: every error shown
    assert page.locator(".form-errors").count() == 1
    assert_accessible(page, axe_source)
    context.close()
