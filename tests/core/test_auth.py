"""Signing in by e-mail, signing out, and what a signed-in page shows."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_by_email_any_case(client):
    UserFactory(email="judge@example.org", password="a-long-password-1")
    response = client.post("/en/sign-in/", {"username": "JUDGE@example.org", "password": "a-long-password-1"})
    assert response.status_code == 302
    assert client.get("/en/").context["user"].email == "judge@example.org"


def test_wrong_password_is_a_clear_error(client):
    UserFactory(email="judge@example.org", password="a-long-password-1")
    response = client.post("/en/sign-in/", {"username": "judge@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "The e-mail address or password is not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_sign_in_redirects_only_to_this_site(client):
    UserFactory(email="judge@example.org", password="a-long-password-1")
    response = client.post(
        "/en/sign-in/",
        {"username": "judge@example.org", "password": "a-long-password-1", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/en/"


def test_sign_out_is_a_post(client_as):
    client = client_as("officer")
    assert client.get("/en/sign-out/").status_code == 405
    assert client.post("/en/sign-out/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_emails_are_unique_regardless_of_case(django_user_model):
    from django.db import IntegrityError

    django_user_model.objects.create_user("a@example.org", "pw", full_name="A")
    with pytest.raises(IntegrityError):
        django_user_model.objects.create(email="A@EXAMPLE.ORG", full_name="B")


def test_repeated_failures_are_throttled(client):
    UserFactory(email="judge@example.org", password="a-long-password-1")
    for _ in range(5):
        assert (
            client.post("/en/sign-in/", {"username": "judge@example.org", "password": "wrong"}).status_code
            == 200
        )
    blocked = client.post("/en/sign-in/", {"username": "judge@example.org", "password": "a-long-password-1"})
    assert blocked.status_code == 429
    assert "Too many failed sign-in attempts" in blocked.content.decode()
    assert "_auth_user_id" not in client.session
    # Another address from the same client is not affected.
    UserFactory(email="prosecutor@example.org", password="a-long-password-2")
    other = client.post(
        "/en/sign-in/", {"username": "prosecutor@example.org", "password": "a-long-password-2"}
    )
    assert other.status_code == 302
