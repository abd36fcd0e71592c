"""Personal API tokens: shown once, stored as a hash only, revocable, scoped, expiring."""

import hashlib
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from ipassist.api import services
from ipassist.api.models import ApiToken
from ipassist.core.models import AuditEntry
from tests.api.conftest import assert_error, bearer

LIST_URL = "/en/account/api-tokens/"
CREATE_URL = "/en/account/api-tokens/new/"
TOKEN = re.compile(r"ipa_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{43}")


def create(client, name="Reporting system", scope="read", expires="90"):
    return client.post(CREATE_URL, {"name": name, "scope": scope, "expires": expires})


def test_urls_are_where_the_pages_say():
    assert reverse("api_tokens:list") == LIST_URL
    assert reverse("api_tokens:create") == CREATE_URL


def test_pages_need_a_sign_in(client, db):
    for response in (client.get(LIST_URL), create(client)):
        assert response.status_code == 302
        assert "/sign-in/" in response["Location"]
    assert not ApiToken.objects.exists()


def test_secret_is_shown_once_and_only_its_hash_is_stored(client_as, officer):
    client = client_as("officer")
    response = create(client)
    assert response.status_code == 201
    assert "no-store" in response["Cache-Control"]
    secret = TOKEN.search(response.content.decode()).group(0)

    token = ApiToken.objects.get()
    assert token.user == officer
    assert token.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix + "_")
    stored = " ".join(str(getattr(token, f.attname)) for f in ApiToken._meta.concrete_fields)
    assert secret not in stored
    assert secret[len(token.prefix) :] not in stored

    listing = client.get(LIST_URL).content.decode()
    assert token.prefix in listing
    assert secret not in listing
    # and nothing else keeps it: the audit entry has the prefix, not the secret
    entry = AuditEntry.objects.get(action="api_token.created")
    assert entry.data["prefix"] == token.prefix
    assert secret not in str(entry.data)


def test_created_token_works(client_as):
    secret = TOKEN.search(create(client_as("focal_point")).content.decode()).group(0)
    body = Client(headers=bearer(secret)).get("/api/me").json()
    assert body["email"] == "focal@example.org"
    assert body["can_write"] is False


def test_invalid_form_creates_nothing(client_as):
    response = create(client_as("officer"), name="", scope="everything", expires="1000")
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
    page = response.content.decode()
    assert 'class="error"' in page


def test_expiry_choices(client_as):
    client = client_as("officer")
    create(client, name="never", expires="never")
    create(client, name="month", expires="30")
    assert ApiToken.objects.get(name="never").expires_at is None
    month = ApiToken.objects.get(name="month").expires_at
    assert timedelta(days=29) < month - timezone.now() <= timedelta(days=30)


def test_revoke_stops_the_token_at_once(client_as, officer, make_token):
    token, secret = make_token(officer)
    api = Client(headers=bearer(secret))
    assert api.get("/api/me").status_code == 200

    page = client_as("officer")
    response = page.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert_error(api.get("/api/me"), 401, "not_authenticated")
    assert_error(api.get("/api/activities"), 401)  # not quietly anonymous on public operations either
    assert AuditEntry.objects.filter(action="api_token.revoked", target_id=str(token.pk)).count() == 1

    # revoking again changes nothing and writes no second entry
    page.post(reverse("api_tokens:revoke", args=[token.pk]))
    assert AuditEntry.objects.filter(action="api_token.revoked").count() == 1


def test_nobody_revokes_someone_elses_token(client_as, officer, make_token):
    token, secret = make_token(officer)
    response = client_as("other_officer").post(reverse("api_tokens:revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    assert Client(headers=bearer(secret)).get("/api/me").status_code == 200


def test_list_shows_only_ones_own_tokens(client_as, officer, other_officer, make_token):
    mine, _s = make_token(officer)
    theirs, _s = make_token(other_officer)
    page = client_as("officer").get(LIST_URL).content.decode()
    assert mine.prefix in page
    assert theirs.prefix not in page


def test_revoke_needs_post(client_as, officer, make_token):
    token, _secret = make_token(officer)
    assert client_as("officer").get(reverse("api_tokens:revoke", args=[token.pk])).status_code == 405


def test_expired_token_401(officer, make_token):
    _token, secret = make_token(officer, expires_at=timezone.now() - timedelta(seconds=1))
    assert_error(Client(headers=bearer(secret)).get("/api/me"), 401)


def test_token_of_a_deactivated_user_401(officer, make_token):
    _token, secret = make_token(officer)
    officer.is_active = False
    officer.save()
    assert_error(Client(headers=bearer(secret)).get("/api/me"), 401)


def test_last_use_is_recorded(officer, make_token):
    token, secret = make_token(officer)
    assert token.last_used_at is None
    Client(headers=bearer(secret)).get("/api/me")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_acts_as_its_owner_only(api_as, case):
    """The token of someone who may not see a request does not see it either."""
    assert api_as("partner").get(f"/api/requests/{case.pk}").status_code == 404
    assert api_as("focal_point").get(f"/api/requests/{case.pk}").status_code == 200


@pytest.mark.parametrize(("scope", "status"), [(ApiToken.Scope.READ, 403), (ApiToken.Scope.READ_WRITE, 200)])
def test_scope_decides_writes(api_as, activity, scope, status):
    response = api_as("officer", scope=scope).patch(
        f"/api/activities/{activity.pk}", {"revision": 1, "venue": "KICC"}, content_type="application/json"
    )
    assert response.status_code == status
    activity.refresh_from_db()
    assert activity.venue == ("KICC" if status == 200 else "")


def test_secrets_are_unique_and_long(officer):
    secrets = {services.token_create(by=officer, name=str(n), scope="read")[1] for n in range(20)}
    assert len(secrets) == 20
    assert all(TOKEN.fullmatch(s) for s in secrets)
