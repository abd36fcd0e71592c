"""Statistics, the officers' dashboard, open data, API tokens and the API docs in a real browser:
no WCAG 2.2 AA violation (axe-core), nothing from another host, no CSP error in the console, and the
statistics filters and downloads without JavaScript."""

import pytest

from tests.browser.helpers import AXE_TAGS, RUN_AXE, assert_accessible, sign_in

pytestmark = pytest.mark.browser

OFFICER = "officer@wipo.example"


def _watch(page, live_url) -> tuple[list, list]:
    foreign, console_errors = [], []
    page.on("request", lambda r: None if r.url.startswith(live_url) else foreign.append(r.url))
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    return foreign, console_errors


@pytest.mark.parametrize("lang", ["en", "ar"])
@pytest.mark.parametrize(
    "path",
    ["/{lang}/statistics/", "/{lang}/statistics/?region=002&date_from=not-a-date", "/{lang}/open-data/"],
)
def test_public_pages_are_accessible(browser, live_url, axe_source, lang, path):
    context = browser.new_context()
    page = context.new_page()
    foreign, console_errors = _watch(page, live_url)
    response = page.goto(live_url + path.format(lang=lang))
    assert response.status == 200
    assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
    assert_accessible(page, axe_source)
    assert foreign == []
    assert console_errors == []
    context.close()


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_dashboard_and_token_pages_are_accessible(browser, live_url, axe_source, lang):
    context = browser.new_context()
    page = context.new_page()
    foreign, console_errors = _watch(page, live_url)
    sign_in(page, live_url, OFFICER, f"/{lang}/reports/")
    assert page.locator("svg.chart").count() >= 10
    assert_accessible(page, axe_source)
    page.goto(f"{live_url}/{lang}/account/api-tokens/")
    assert page.locator("h1").count() == 1
    assert_accessible(page, axe_source)
    assert foreign == []
    assert console_errors == []
    context.close()


def test_api_docs_are_self_hosted_and_accessible(browser, live_url, axe_source):
    context = browser.new_context()
    page = context.new_page()
    foreign, console_errors = _watch(page, live_url)
    response = page.goto(f"{live_url}/api/docs")
    assert response.status == 200
    page.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    # Swagger UI (third-party, self-hosted) has three known axe findings inside its own widget:
    # low-contrast method badges, buttons nested in its operation headers, small path targets.
    # Everything outside the widget must pass; the findings are listed in docs/api.md.
    page.evaluate(axe_source)
    result = page.evaluate(RUN_AXE, AXE_TAGS)
    known = {"color-contrast", "nested-interactive", "target-size"}
    outside = [
        (v["id"], n["target"])
        for v in result["violations"]
        for n in v["nodes"]
        if v["id"] not in known or not page.locator("#swagger-ui").locator(n["target"][0]).count()
    ]
    assert outside == []
    assert foreign == []
    assert console_errors == []
    context.close()


def test_statistics_filters_and_downloads_without_javascript(browser, live_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_url}/en/statistics/")
    everything = page.locator("#activities-by-year-heading ~ .figure-row tfoot td").first.inner_text()
    page.fill("#id_date_from", "2015-01-01")
    page.click("text=Apply filters")
    assert "date_from=2015-01-01" in page.url
    since_2015 = page.locator("#activities-by-year-heading ~ .figure-row tfoot td").first.inner_text()
    assert int(since_2015.replace(",", "")) < int(everything.replace(",", ""))
    link = page.locator("#activities-by-year-heading ~ .figure-row a[type='text/csv']")
    csv = page.request.get(live_url + link.get_attribute("href"))
    assert csv.status == 200
    lines = csv.text().lstrip("\ufeff").splitlines()
    assert lines[0] == "Category,Activities"
    assert all(int(line.split(",")[0]) >= 2015 for line in lines[1:-1])
    context.close()
