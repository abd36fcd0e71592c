"""Activities in a real browser: the register and every activity page pass axe-core (WCAG 2.2 AA)
in English and Arabic, and nomination, approval and attendance work with JavaScript turned off.

Activities are found through the register's word filter, so the tests do not depend on row ids.
"""

from urllib.parse import quote

import pytest

from tests.browser.helpers import assert_accessible, sign_in

pytestmark = pytest.mark.browser

OFFICER = "officer@wipo.example"
KENYA = "focal.point@kenya.example"
PARTICIPANT = "participant@peru.example"

SEOUL = "Interregional Workshop on Copyright Enforcement"
SEMINAR = "Interregional Seminar on the Enforcement of Intellectual Property Rights for Judges"
REGIONAL = "Regional Workshop on Online Copyright Infringement"


def open_activity(page, live_url, lang: str, title: str) -> str:
    """Open the activity whose title contains ``title`` from the register; return its path."""
    page.goto(f"{live_url}/{lang}/events/?q={quote(title)}")
    page.locator(".activity-card h3 a").first.click()
    return page.url.removeprefix(live_url)


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_public_pages_are_accessible(browser, live_url, axe_source, lang):
    page = browser.new_context().new_page()
    for path in (f"/{lang}/events/", f"/{lang}/events/?when=past&region=142&level=x"):
        page.goto(live_url + path)
        assert_accessible(page, axe_source)
    open_activity(page, live_url, lang, SEOUL)
    assert_accessible(page, axe_source)
    page.locator(".breadcrumbs a").last.click()  # the series page
    assert_accessible(page, axe_source)
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_organiser_pages_are_accessible(browser, live_url, axe_source, lang):
    page = browser.new_context().new_page()
    sign_in(page, live_url, OFFICER, f"/{lang}/events/")
    path = open_activity(page, live_url, lang, SEOUL)
    assert_accessible(page, axe_source)
    for suffix in (
        "edit/",
        "participants/",
        "attendance/",
        "participants/add/",
        "import/",
        "evaluation/results/",
        "evaluation/questions/",
    ):
        page.goto(f"{live_url}{path}{suffix}")
        assert page.locator("h1").count() == 1, suffix
        assert_accessible(page, axe_source)
    page.goto(f"{live_url}{path}participants/")
    page.locator("table th[scope=row] a").first.click()
    assert_accessible(page, axe_source)
    page.goto(f"{live_url}/{lang}/events/new/")
    assert_accessible(page, axe_source)
    page.click("main form button.primary")  # an empty form: errors, still accessible
    assert page.locator(".form-errors").count() == 1
    assert_accessible(page, axe_source)
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_registration_pages_are_accessible(browser, live_url, axe_source, lang):
    page = browser.new_context().new_page()
    sign_in(page, live_url, KENYA, f"/{lang}/events/")
    open_activity(page, live_url, lang, SEMINAR)
    assert_accessible(page, axe_source)
    page.locator("a[href*='/nominate/']").first.click()
    assert_accessible(page, axe_source)
    page.context.close()
    page = browser.new_context().new_page()
    sign_in(page, live_url, PARTICIPANT, f"/{lang}/events/")
    open_activity(page, live_url, lang, REGIONAL)
    page.locator("a[href$='/register/']").first.click()
    assert_accessible(page, axe_source)
    page.context.close()


def test_nominate_approve_and_mark_attendance_without_javascript(browser, live_url):
    # The Kenyan focal point nominates a judge for the upcoming interregional seminar.
    state = browser.new_context(java_script_enabled=False).new_page()
    sign_in(state, live_url, KENYA, "/en/events/")
    path = open_activity(state, live_url, "en", SEMINAR)
    state.locator("a[href*='/nominate/']").first.click()
    state.fill("#id_given_name", "Wanjiru")
    state.fill("#id_family_name", "Mwangi-Browser")
    state.fill("#id_email", "wanjiru.mwangi@judiciary.example")
    state.fill("#id_organisation_name", "High Court of Kenya")
    state.select_option("#id_country", "KE")
    state.select_option("#id_background", label="Judge")
    state.check("#id_consent")
    state.click("main form button.primary")
    assert state.url == f"{live_url}{path}"
    assert "Nomination sent" in state.content()

    # The officer approves her from the participant list, then opens the attendance sheet.
    officer = browser.new_context(java_script_enabled=False).new_page()
    sign_in(officer, live_url, OFFICER, f"{path}participants/?q=Mwangi-Browser")
    officer.locator("form[action$='/approve/'] button").first.click()
    assert "Approved" in officer.content()
    officer.goto(f"{live_url}{path}attendance/")
    row = officer.locator("tr", has_text="Mwangi-Browser")
    row.locator("input[type=checkbox]").first.check()
    officer.click("main form button.primary")
    assert "Attendance saved (1 change)" in officer.content()
    assert officer.locator("tr", has_text="Mwangi-Browser").locator("input:checked").count() == 1
