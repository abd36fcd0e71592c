"""A confidential request from the focal point's state to the officer's provider, with the
``expert`` persona assigned and past the confidentiality undertaking."""

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from ipassist.casework.models import Assignment, AssistanceRequest, Document, Event, Message
from ipassist.core.models import AuditEntry
from tests.factories import AssistanceRequestFactory


def all_files(folder: str = "casework") -> list[str]:
    """Every stored file under ``folder``, recursively."""
    if not default_storage.exists(folder):
        return []
    dirs, names = default_storage.listdir(folder)
    return [f"{folder}/{n}" for n in names] + [f for d in dirs for f in all_files(f"{folder}/{d}")]


@pytest.fixture(autouse=True)
def empty_storage():
    """Tests share one in-memory storage, and request ids repeat after each rollback: start empty."""
    for name in all_files():
        default_storage.delete(name)


@pytest.fixture
def case(provider, state, officer, focal_point, expert):
    case = AssistanceRequestFactory(provider=provider, requester=state, created_by=focal_point)
    Assignment.objects.create(
        request=case, expert=expert, assigned_by=officer, undertaking_accepted_at=timezone.now()
    )
    return case


@pytest.fixture
def draft(provider, state, focal_point):
    return AssistanceRequestFactory(
        provider=provider,
        requester=state,
        created_by=focal_point,
        state=AssistanceRequest.State.DRAFT,
        submitted_at=None,
    )


def snapshot(case: AssistanceRequest) -> dict:
    """Everything a write could change on a request; compare before and after a denied write."""
    fresh = AssistanceRequest.objects.get(pk=case.pk)
    return {
        "fields": {f.attname: getattr(fresh, f.attname) for f in AssistanceRequest._meta.concrete_fields},
        "messages": list(Message.objects.filter(request=case).values_list("pk", "body", "internal")),
        "documents": list(Document.objects.filter(request=case).values_list("pk", "name")),
        "assignments": list(
            Assignment.objects.filter(request=case).values_list(
                "pk", "expert_id", "undertaking_accepted_at", "removed_at", "declined_at"
            )
        ),
        "events": Event.objects.filter(request=case).count(),
        "writes": AuditEntry.objects.exclude(action__endswith="viewed").count(),
    }
