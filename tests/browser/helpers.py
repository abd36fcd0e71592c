"""What the browser tests share: the accessibility check and signing in through the form."""

import json
from urllib.parse import quote

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE = "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})"


def assert_accessible(page, axe_source):
    """axe-core, injected from node_modules, finds no WCAG 2.0/2.1/2.2 A or AA violation."""
    page.evaluate(axe_source)
    result = page.evaluate(RUN_AXE, AXE_TAGS)
    violations = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]
    assert violations == [], json.dumps(violations, indent=1)
    assert result["passes"], "axe ran no check"


def sign_in(page, live_url, email: str, then: str) -> None:
    """Sign in through the form as a demo user and land on ``then``."""
    language = then.split("/")[1]
    page.goto(f"{live_url}/{language}/sign-in/?next={quote(then)}")
    page.fill("#id_username", email)
    page.fill("#id_password", "ipassist-demo")
    page.click("main button[type=submit]")
    assert page.url == f"{live_url}{then}"
