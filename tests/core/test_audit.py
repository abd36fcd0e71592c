"""The audit log is append-only: in the model, the manager, the admin and the database itself."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction

from ipassist.core import audit
from ipassist.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(officer, provider):
    return audit.record(officer, "organisation.viewed", provider, note="why")


def test_record_captures_who_what_when(entry, officer, provider, rf):
    assert entry.actor == officer
    assert entry.actor_label == "officer@example.org"
    assert (entry.target_type, entry.target_id) == ("core.organisation", str(provider.pk))
    assert entry.data == {"note": "why"}
    with_ip = audit.record(officer, "x.y", provider, request=rf.get("/", REMOTE_ADDR="192.0.2.7"))
    assert with_ip.ip_address == "192.0.2.7"
    assert audit.record(None, "demo.loaded").actor_label == "anonymous"


def test_model_refuses_change_and_delete(entry):
    entry.action = "forged"
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    with pytest.raises(ValidationError):
        AuditEntry.objects.all().update(action="forged")
    with pytest.raises(ValidationError):
        AuditEntry.objects.all().delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "organisation.viewed"


@pytest.mark.parametrize(
    "sql", ["UPDATE core_auditentry SET action = 'forged'", "DELETE FROM core_auditentry"]
)
def test_database_refuses_raw_change_and_delete(entry, sql):
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).action == "organisation.viewed"


def test_admin_is_read_only(client, entry, django_user_model):
    admin = django_user_model.objects.create_superuser(
        "root@example.org", "pw-long-enough-123", full_name="Root"
    )
    client.force_login(admin)
    changelist = client.get("/admin/core/auditentry/")
    assert changelist.status_code == 200
    assert "organisation.viewed" in changelist.content.decode()
    assert client.get("/admin/core/auditentry/add/").status_code == 403
    assert client.post(f"/admin/core/auditentry/{entry.pk}/change/", {"action": "forged"}).status_code == 403
    assert client.post(f"/admin/core/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditEntry.objects.get(pk=entry.pk).action == "organisation.viewed"
