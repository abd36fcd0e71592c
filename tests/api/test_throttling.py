"""Rate limits: per client address without credentials, per token (or signed-in user) otherwise."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, override_settings

from ipassist.env import env_rate
from tests.api.conftest import assert_error, bearer


@override_settings(API_RATE_ANON="2/min", API_RATE_TOKEN="1000/min")
def test_anonymous_limit_is_per_address(db):
    here = Client(REMOTE_ADDR="192.0.2.1")
    there = Client(REMOTE_ADDR="192.0.2.2")
    assert [here.get("/api/programmes").status_code for _i in range(2)] == [200, 200]
    assert_error(here.get("/api/programmes"), 429, "throttled")
    assert there.get("/api/programmes").status_code == 200


@override_settings(API_RATE_ANON="2/min")
def test_forwarded_for_header_does_not_escape_the_limit(db):
    client = Client(REMOTE_ADDR="192.0.2.1")
    for n in range(2):
        client.get("/api/programmes", headers={"X-Forwarded-For": f"203.0.113.{n}"})
    response = client.get("/api/programmes", headers={"X-Forwarded-For": "203.0.113.99"})
    assert_error(response, 429)


@override_settings(API_RATE_ANON="1/min", API_RATE_TOKEN="3/min")
def test_token_limit_is_per_token_and_separate_from_the_anonymous_one(officer, make_token):
    _t, first = make_token(officer)
    _t, second = make_token(officer)
    anonymous = Client()
    assert anonymous.get("/api/programmes").status_code == 200
    assert_error(anonymous.get("/api/programmes"), 429)

    one = Client(headers=bearer(first))
    assert [one.get("/api/me").status_code for _i in range(3)] == [200, 200, 200]
    response = one.get("/api/me")
    assert_error(response, 429)
    assert int(response["Retry-After"]) >= 1
    assert Client(headers=bearer(second)).get("/api/me").status_code == 200


@override_settings(API_RATE_ANON="1/min", API_RATE_TOKEN="2/min")
def test_session_limit_is_per_user(client_as):
    client = client_as("officer")
    assert [client.get("/api/programmes").status_code for _i in range(2)] == [200, 200]
    assert_error(client.get("/api/programmes"), 429)
    assert client_as("focal_point").get("/api/programmes").status_code == 200


@override_settings(API_RATE_TOKEN="1/min")
def test_throttled_write_changes_nothing(api_as, activity):
    client = api_as("officer")
    client.get("/api/me")
    response = client.patch(
        f"/api/activities/{activity.pk}", {"revision": 1, "city": "Mombasa"}, content_type="application/json"
    )
    assert_error(response, 429)
    activity.refresh_from_db()
    assert activity.city == "Nairobi"


@pytest.mark.parametrize("value", ["60/min", "1000/day", "5/s", "10/hour"])
def test_rate_settings_accept_rates(monkeypatch, value):
    monkeypatch.setenv("API_RATE_ANON", value)
    assert env_rate("API_RATE_ANON", "60/min") == value


@pytest.mark.parametrize("value", ["many", "60", "0/min", "-1/min", "60/fortnight", "1.5/min"])
def test_rate_settings_refuse_anything_else(monkeypatch, value):
    monkeypatch.setenv("API_RATE_TOKEN", value)
    with pytest.raises(ImproperlyConfigured, match="API_RATE_TOKEN"):
        env_rate("API_RATE_TOKEN", "600/min")
