"""One error format for every error, and the status each failure answers."""

import pytest
from django.test import Client, override_settings

from ipassist.api.models import ApiToken
from tests.api.conftest import assert_error, bearer


def test_bad_filter_type_is_400_naming_the_parameter(client):
    error = assert_error(client.get("/api/activities?year=soon"), 400, "invalid_request")
    assert "year" in error["message"]
    assert error["details"][0]["location"] == "query"
    assert error["details"][0]["field"] == "year"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("year=1800", "year"),
        ("from=2026-02-30", "from"),
        ("from=2026-05-01&to=2026-04-01", "from"),
        ("level=galactic", "level"),
        ("when=tomorrow", "when"),
        ("ordering=price", "ordering"),
        ("type=not-a-type", "type"),
        ("topic=nothing", "topic"),
        ("country=XX", "country"),
        ("country=KEN", "country"),
        ("region=999", "region"),
        ("provider=nobody", "provider"),
        ("limit=0", "limit"),
        ("limit=-5", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999", "offset"),
        ("q=" + "x" * 201, "q"),
        ("q=a%00b", "q"),
    ],
)
def test_wrong_filters_on_activities(client, db, query, field):
    error = assert_error(client.get(f"/api/activities?{query}"), 400)
    assert field in error["message"]
    assert any(d["field"] == field for d in error["details"])


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/programmes?status=secret", "status"),
        ("/api/programmes?audience=nobody", "audience"),
        ("/api/programmes?activity_type=none", "activity_type"),
        ("/api/requests?state=lost", "state"),
        ("/api/requests?kind=anything", "kind"),
        ("/api/requests?submitted_from=2026-06-01&submitted_to=2026-01-01", "submitted_from"),
    ],
)
def test_wrong_filters_elsewhere(api_as, path, field):
    error = assert_error(api_as("officer").get(path), 400)
    assert field in error["message"]


def test_non_numeric_id_is_400(client):
    error = assert_error(client.get("/api/activities/abc"), 400)
    assert error["details"][0] == {
        "location": "path",
        "field": "activity_id",
        "message": error["details"][0]["message"],
    }


def test_huge_id_is_404_not_a_crash(client):
    assert_error(client.get("/api/activities/99999999999999999999999"), 404, "not_found")


def test_missing_credentials_401(client):
    response = client.get("/api/requests")
    assert_error(response, 401, "not_authenticated")
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header", ["Bearer nonsense", "Bearer ipa_AAAAAAAA_" + "x" * 43, "Token abc", "Basic dXNlcjpwYXNz"]
)
def test_unusable_credentials_401_even_on_public_operations(db, header):
    client = Client(headers={"Authorization": header})
    assert_error(client.get("/api/activities"), 401, "not_authenticated")


def test_read_only_token_cannot_write_403(api_as, activity):
    client = api_as("officer", scope=ApiToken.Scope.READ)
    error = assert_error(
        client.patch(
            f"/api/activities/{activity.pk}",
            {"revision": 1, "city": "Mombasa"},
            content_type="application/json",
        ),
        403,
        "forbidden",
    )
    assert "read-only" in error["message"]


def test_session_write_without_csrf_403(officer, activity):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    response = client.patch(
        f"/api/activities/{activity.pk}", {"revision": 1, "city": "Mombasa"}, content_type="application/json"
    )
    error = assert_error(response, 403)
    assert "CSRF" in error["message"]
    activity.refresh_from_db()
    assert activity.city == "Nairobi"


def test_session_write_with_csrf_succeeds(officer, activity):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    client.get("/en/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    response = client.patch(
        f"/api/activities/{activity.pk}",
        {"revision": 1, "city": "Mombasa"},
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.content
    assert response.json()["city"] == "Mombasa"


@pytest.mark.parametrize(
    "path", ["/api/nothing-here", "/api/activities/1/unknown", "/api/", "/api/activities/"]
)
def test_unknown_paths_404_in_the_error_format(client, path):
    error = assert_error(client.get(path), 404, "not_found")
    assert "/api/docs" in error["message"]


def test_unknown_path_is_not_redirected_for_any_method(client):
    assert_error(client.post("/api/no/such/thing"), 404)
    assert_error(client.delete("/api/en/whatever"), 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/api/activities", {"GET", "POST"}),
        ("put", "/api/activities/1", {"GET", "PATCH"}),
        ("post", "/api/programmes", {"GET"}),
        ("patch", "/api/requests/1", {"GET"}),
        ("get", "/api/activities/1/participant-imports/1/apply", {"POST"}),
        ("post", "/api/openapi.json", {"GET", "HEAD"}),
        ("delete", "/api/docs", {"GET", "HEAD"}),
    ],
)
def test_undeclared_method_405(client, method, path, allowed):
    response = getattr(client, method)(path)
    error = assert_error(response, 405, "method_not_allowed")
    assert {m.strip() for m in response["Allow"].split(",")} == allowed
    assert method.upper() in error["message"]


def test_stale_revision_409(api_as, activity):
    client = api_as("officer")
    first = client.patch(
        f"/api/activities/{activity.pk}", {"revision": 1, "city": "Mombasa"}, content_type="application/json"
    )
    assert first.status_code == 200
    assert first.json()["revision"] == 2
    stale = client.patch(
        f"/api/activities/{activity.pk}", {"revision": 1, "city": "Kisumu"}, content_type="application/json"
    )
    error = assert_error(stale, 409, "conflict")
    assert error["current_revision"] == 2
    assert "city" in error["details"][0]["message"]
    assert "officer@example.org" in error["details"][0]["message"]
    activity.refresh_from_db()
    assert activity.city == "Mombasa"


@override_settings(API_RATE_ANON="3/min")
def test_rate_limit_429_with_retry_after(client, db):
    for _i in range(3):
        assert client.get("/api/activities").status_code == 200
    response = client.get("/api/activities")
    error = assert_error(response, 429, "throttled")
    assert int(response["Retry-After"]) >= 1
    assert response["Retry-After"] in error["message"]


def test_unexpected_failure_500_in_the_error_format(client, db, monkeypatch, caplog):
    from ipassist.events import selectors

    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "activity_list", broken)
    error = assert_error(client.get("/api/activities"), 500, "server_error")
    assert "boom" not in error["message"]  # nothing internal leaks
    assert any("boom" in str(r.exc_info[1]) for r in caplog.records if r.exc_info)


def test_malformed_json_body_400(api_as, activity):
    response = api_as("officer").patch(
        f"/api/activities/{activity.pk}", "{not json", content_type="application/json"
    )
    assert_error(response, 400)


def test_body_string_with_nul_400(api_as, activity):
    response = api_as("officer").patch(
        f"/api/activities/{activity.pk}",
        {"revision": 1, "city": "Nai\x00robi"},
        content_type="application/json",
    )
    error = assert_error(response, 400)
    assert error["details"][0]["field"] == "city"


def test_token_in_header_of_another_scheme_is_not_taken(api_as, officer, make_token):
    _token, secret = make_token(officer)
    client = Client(headers={"Authorization": f"Token {secret}"})
    assert_error(client.get("/api/me"), 401)
    assert Client(headers=bearer(secret)).get("/api/me").status_code == 200


def test_oversized_body_413(api_as, activity, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"revision": 1, "description": {"en": "x" * 2000}}
    response = api_as("officer").patch(
        f"/api/activities/{activity.pk}", body, content_type="application/json"
    )
    assert_error(response, 413, "too_large")
    activity.refresh_from_db()
    assert activity.revision == 1
