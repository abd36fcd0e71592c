"""Requests for assistance in a real browser: every casework page passes axe-core (WCAG 2.2 AA) in
English and Arabic, and the whole journey — file with a document, submit, accept, assign, accept
the undertaking, reply — works with JavaScript turned off."""

import pytest

from tests.browser.helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser

KENYA = "focal.point@kenya.example"
OFFICER = "officer@wipo.example"
EXPERT = "expert@experts.example"
NEW_EXPERT = "expert2@experts.example"


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(
    ("email", "path"),
    [
        (OFFICER, "/{lang}/requests/"),
        (OFFICER, "/{lang}/requests/?state=submitted&region=002"),
        (OFFICER, "/{lang}/requests/1/"),  # in progress: people, internal note, documents
        (KENYA, "/{lang}/requests/1/"),
        (KENYA, "/{lang}/requests/1/edit/"),
        (EXPERT, "/{lang}/requests/1/"),
        (KENYA, "/{lang}/requests/new/"),
    ],
)
def test_casework_pages_are_accessible(browser, live_url, axe_source, lang, email, path):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_url, email, path.format(lang=lang))
    assert_accessible(page, axe_source)
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_request_form_with_errors_is_accessible(browser, live_url, axe_source, lang):
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_url, KENYA, f"/{lang}/requests/new/")
    page.click("main form button.primary")
    assert page.locator(".form-errors").count() == 1
    assert_accessible(page, axe_source)
    context.close()


def test_the_journey_without_javascript(browser, live_url, axe_source, tmp_path):
    draft_law = tmp_path / "Draft Anti-Counterfeit Bill.txt"
    draft_law.write_text("PART V — Border measures\n1. Suspension of release by customs.", encoding="utf-8")

    # The focal point files a request with the draft law, then submits it.
    state = browser.new_context(java_script_enabled=False).new_page()
    sign_in(state, live_url, KENYA, "/en/requests/new/")
    state.select_option("#id_provider", label="World Intellectual Property Organization (WIPO)")
    state.select_option("#id_kind", "legislative")
    state.fill("#id_title", "Review of the border measures of the Anti-Counterfeit Bill")
    state.fill("#id_institution", "Anti-Counterfeit Authority")
    state.fill("#id_description", "Please review Part V against Articles 51 to 60 of TRIPS.")
    state.check("input[name=working_languages][value=en]")
    state.set_input_files("#id_files", str(draft_law))
    state.click("main form button.primary")
    assert state.locator(".messages").count() == 1, state.locator("main").inner_text()
    assert "Draft saved" in state.locator(".messages").inner_text()
    request_url = state.url
    assert "Draft Anti-Counterfeit Bill.txt" in state.locator("#documents").inner_text()
    state.click("text=Submit the request")
    assert "Submitted" in state.locator(".messages").inner_text()

    # The officer finds it in the inbox, accepts it and assigns an expert.
    officer = browser.new_context(java_script_enabled=False).new_page()
    sign_in(officer, live_url, OFFICER, "/en/requests/?state=submitted")
    officer.click("tr:has-text('Review of the border measures') a")
    assert officer.url == request_url
    officer.click("button:has-text('Accept')")
    officer.select_option("#id_expert", label="Ingrid Larsen")
    officer.click("text=Assign expert")
    assert "Expert assigned" in officer.locator(".messages").inner_text()

    # The expert cannot open the file before accepting the undertaking.
    expert = browser.new_context(java_script_enabled=False).new_page()
    sign_in(expert, live_url, NEW_EXPERT, "/en/requests/")
    assert expert.goto(request_url).status == 404
    expert.goto(f"{live_url}/en/requests/")
    expert.click("#pending-heading + ul a")
    assert_accessible_without_js = expert.locator("h1").inner_text()
    assert assert_accessible_without_js == "Confidentiality undertaking"
    expert.check("#accept")
    expert.click("text=Accept and open the request")
    assert expert.url == request_url
    expert.fill("#id_body", "Article 52 requires adequate evidence; the bill asks for none.")
    expert.click("#thread button.primary")
    assert "Message sent" in expert.locator(".messages").inner_text()

    # The focal point reads the reply and downloads the document it filed.
    state.goto(request_url)
    assert "Article 52 requires adequate evidence" in state.locator("#thread").inner_text()
    with state.expect_download() as download:
        state.click("#documents a")
    assert download.value.suggested_filename == "Draft Anti-Counterfeit Bill.txt"
    for page in (state, officer, expert):
        page.context.close()


def test_undertaking_page_is_accessible(browser, live_url, axe_source):
    """An expert assigned to the Moroccan request (demo 2) sees only the undertaking until accepting."""
    officer = browser.new_context(java_script_enabled=False).new_page()
    sign_in(officer, live_url, OFFICER, "/fr/requests/2/")
    officer.select_option("#id_expert", label="Rafael Gómez")
    officer.click("#people form.inline-form >> nth=1 >> button")
    context = browser.new_context()
    page = context.new_page()
    sign_in(page, live_url, EXPERT, "/ar/requests/")
    page.click("#pending-heading + ul a")
    assert_accessible(page, axe_source)
    assert "Avis sur le chapitre" not in page.content()
    context.close()
    officer.context.close()
