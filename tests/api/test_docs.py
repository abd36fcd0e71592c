"""The OpenAPI description and the documentation page: self-hosted, no inline script, under the CSP."""

import json
import re

from django.contrib.staticfiles import finders


def test_openapi_describes_every_operation_with_the_error_format(client, db):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "ipassist API"
    assert "ErrorOut" in schema["components"]["schemas"]
    assert set(schema["components"]["securitySchemes"]) == {"TokenAuth", "SessionAuth"}
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    operations = [(path, method, op) for path, ops in schema["paths"].items() for method, op in ops.items()]
    assert len(operations) >= 15
    for path, method, op in operations:
        for status in ("400", "401", "404", "429", "500"):
            ref = op["responses"][status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorOut"), (path, method, status)
        if method != "get":
            assert {"403", "409"} <= set(op["responses"]), (path, method)


def test_public_operations_say_credentials_are_optional(client, db):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {} in paths["/api/activities"]["get"]["security"]
    assert {} in paths["/api/programmes/{slug}"]["get"]["security"]
    assert {} not in paths["/api/requests"]["get"]["security"]
    assert {} not in paths["/api/activities"]["post"]["security"]


def test_docs_page_loads_nothing_from_elsewhere_and_has_no_inline_script(client, db):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources
    for url in sources:
        assert url.startswith("/"), url  # same origin: no CDN
        assert not url.startswith("//"), url
    for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S):
        if "src=" in attributes:
            assert not body.strip()
        else:
            assert 'type="application/json"' in attributes  # data, never executed
            assert json.loads(body)["url"] == "/api/openapi.json"
    assert " style=" not in html and "<style" not in html
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy


def test_docs_page_static_files_are_served_from_the_project(client, db):
    html = client.get("/api/docs").content.decode()
    for path in re.findall(r'(?:src|href)="/static/([^"]+)"', html):
        assert finders.find(path), path


def test_docs_page_gives_a_way_without_javascript(client, db):
    html = client.get("/api/docs").content.decode()
    assert "<noscript>" in html
    assert 'href="/api/openapi.json"' in html
