"""Writes to case files. Each service checks access, changes state, writes the timeline and the
audit entry, and queues its e-mails and background work to run after the transaction commits."""

from __future__ import annotations

import uuid

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ipassist.casework import access, tasks
from ipassist.casework.models import (
    Assignment,
    AssistanceRequest,
    Document,
    Event,
    InvalidTransition,
    Message,
    TextRequired,
)
from ipassist.casework.uploads import UploadRejected, inspect_document
from ipassist.core import audit, versions
from ipassist.core.access import Need, deny
from ipassist.core.concurrency import check_revision
from ipassist.core.models import AuditEntry, User
from ipassist.core.storage import files_removed_on_failure, stored_file

# Once submitted, the request is in the provider's inbox: it can no longer be readdressed.
FIXED_AFTER_SUBMISSION = ("provider",)


def _event(
    case: AssistanceRequest, by, kind: str, *, internal: bool = False, notify: bool = True, **data
) -> Event:
    event = Event.objects.create(request=case, actor=by, kind=kind, internal=internal, data=data)
    if notify:
        transaction.on_commit(lambda: tasks.notify_event.enqueue(event.pk))
    return event


# --- requests ------------------------------------------------------------------------------------


@files_removed_on_failure()
@transaction.atomic
def request_create(*, by, data: dict, uploads=(), request=None) -> AssistanceRequest:
    """A new draft, with any documents filed with it; nothing is sent to the provider yet."""
    access.require_can_file(by)
    requester = data["requester"]
    if not access.requesters_for(by).filter(pk=requester.pk).exists():
        deny()
    if not access.providers().filter(pk=data["provider"].pk).exists():
        deny()
    case = AssistanceRequest.objects.create(
        reference=uuid.uuid4().hex[:20],  # replaced below, once the row has its id
        requester=requester,
        country_id=requester.country_id,
        created_by=by,
        **{name: data[name] for name in AssistanceRequest.CONTENT_FIELDS if name in data},
    )
    # A readable reference from the year and the row id; unique because the id is.
    case.reference = f"{case.created_at:%Y}-{case.pk:05d}"
    case.save(update_fields=["reference"])
    _event(case, by, Event.Kind.CREATED, notify=False)
    versions.changed(versions.REQUESTS)
    audit.record(by, "request.created", case, request=request, revision=case.revision)
    for upload, description in uploads:
        document_add(case=case, by=by, upload=upload, description=description, request=request)
    return case


@transaction.atomic
def request_update(
    *, case: AssistanceRequest, by, expected_revision: int, data: dict, request=None
) -> AssistanceRequest:
    access.get_request_for_user(by, case.pk, need=Need.EDIT)
    locked = AssistanceRequest.objects.select_for_update().get(pk=case.pk)
    check_revision(locked, expected_revision, "request.updated")
    if locked.state != AssistanceRequest.State.DRAFT:
        data = {k: v for k, v in data.items() if k not in FIXED_AFTER_SUBMISSION}
    elif "provider" in data and not access.providers().filter(pk=data["provider"].pk).exists():
        deny()
    changed = [
        name
        for name in AssistanceRequest.CONTENT_FIELDS
        if name in data and getattr(locked, name) != data[name]
    ]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, data[name])
    locked.revision += 1
    locked.save()
    _event(locked, by, Event.Kind.EDITED, notify=False, fields=changed)
    versions.changed(versions.REQUESTS)
    audit.record(by, "request.updated", locked, request=request, revision=locked.revision, changed=changed)
    return locked


@transaction.atomic
def request_transition(
    *, case: AssistanceRequest, by, action: str, text: str = "", request=None
) -> AssistanceRequest:
    """Take a workflow action. Decline, ask for information and answer carry a text that goes into
    the thread. Raises InvalidTransition, changing nothing, when the state or side does not allow it."""
    case = access.get_request_for_user(by, case.pk)
    locked = AssistanceRequest.objects.select_for_update().get(pk=case.pk)
    user_sides = access.sides(by, locked)
    if not user_sides:
        deny()  # experts read and write on the file but do not move it
    wanted = AssistanceRequest.TRANSITIONS.get(action, (None, None, None))[2]
    side = wanted if wanted in user_sides else next(iter(user_sides))
    text = text.strip()
    before = locked.state
    locked.transition(action, side)
    if action in AssistanceRequest.NEEDS_TEXT and not text:
        raise TextRequired(_("Write the reason, question or answer first: the other party will read it."))
    first_time = {"submit": "submitted_at", "accept": "accepted_at", "deliver": "delivered_at"}.get(action)
    if first_time and getattr(locked, first_time) is None:
        setattr(locked, first_time, locked.state_changed_at)
    milestones = ["submitted_at", "accepted_at", "delivered_at"]
    locked.save(update_fields=["state", "state_changed_at", *milestones, "updated_at"])
    message = Message.objects.create(request=locked, author=by, body=text) if text else None
    _event(
        locked,
        by,
        Event.Kind.TRANSITION,
        action=action,
        before=before,
        after=locked.state,
        message=message.pk if message else None,
    )
    versions.changed(versions.REQUESTS)
    audit.record(by, f"request.{action}", locked, request=request, before=before, after=locked.state)
    return locked


@transaction.atomic
def lead_set(*, case: AssistanceRequest, by, lead: User | None, request=None) -> AssistanceRequest:
    case = access.get_request_for_user(by, case.pk, need=Need.TRIAGE)
    if lead is not None and not access.eligible_leads(case).filter(pk=lead.pk).exists():
        deny()
    if case.lead_officer_id == (lead.pk if lead else None):
        return case
    case.lead_officer = lead
    case.save(update_fields=["lead_officer", "updated_at"])
    _event(case, by, Event.Kind.LEAD, notify=False, lead=lead.full_name if lead else "")
    audit.record(by, "request.lead_set", case, request=request, lead=lead.pk if lead else None)
    return case


# --- experts -------------------------------------------------------------------------------------


@transaction.atomic
def expert_assign(*, case: AssistanceRequest, by, expert: User, request=None) -> Assignment:
    """Assign an expert from the provider's roster; they see the file only after accepting its
    confidentiality undertaking."""
    case = access.get_request_for_user(by, case.pk, need=Need.TRIAGE)
    if case.state in AssistanceRequest.FINAL_STATES:
        raise InvalidTransition(_("Experts cannot be assigned to a request that is finished."))
    if not access.eligible_experts(case).filter(pk=expert.pk).exists():
        deny()
    assignment = Assignment.objects.create(request=case, expert=expert, assigned_by=by)
    _event(case, by, Event.Kind.ASSIGNED, internal=True, expert=expert.full_name, assignment=assignment.pk)
    audit.record(by, "request.expert_assigned", case, request=request, expert=expert.pk)
    return assignment


@transaction.atomic
def assignment_remove(*, case: AssistanceRequest, by, assignment_pk: int, request=None) -> None:
    case = access.get_request_for_user(by, case.pk, need=Need.TRIAGE)
    assignment = (
        Assignment.objects.select_for_update()
        .live()
        .filter(request=case, pk=assignment_pk)
        .select_related("expert")
        .first()
    )
    if assignment is None:
        deny()
    assignment.removed_at = timezone.now()
    assignment.save(update_fields=["removed_at"])
    _event(case, by, Event.Kind.UNASSIGNED, internal=True, notify=False, expert=assignment.expert.full_name)
    audit.record(by, "request.expert_removed", case, request=request, expert=assignment.expert_id)


@transaction.atomic
def undertaking_accept(*, assignment: Assignment, by, text: str, request=None) -> Assignment:
    assignment = access.get_pending_assignment_for_user(by, assignment.pk)
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    locked.undertaking_accepted_at = timezone.now()
    locked.undertaking_text = text
    locked.save(update_fields=["undertaking_accepted_at", "undertaking_text"])
    _event(locked.request, by, Event.Kind.UNDERTAKING, internal=True)
    audit.record(
        by,
        "request.undertaking_accepted",
        locked.request,
        request=request,
        assignment=locked.pk,
        accepted_at=locked.undertaking_accepted_at.isoformat(),
    )
    return locked


@transaction.atomic
def assignment_decline(*, assignment: Assignment, by, request=None) -> Assignment:
    assignment = access.get_pending_assignment_for_user(by, assignment.pk)
    locked = Assignment.objects.select_for_update().get(pk=assignment.pk)
    locked.declined_at = timezone.now()
    locked.save(update_fields=["declined_at"])
    _event(locked.request, by, Event.Kind.ASSIGNMENT_DECLINED, internal=True)
    audit.record(by, "request.assignment_declined", locked.request, request=request, assignment=locked.pk)
    return locked


# --- thread and documents ------------------------------------------------------------------------


@transaction.atomic
def message_post(*, case: AssistanceRequest, by, body: str, internal: bool = False, request=None) -> Message:
    case = access.get_request_for_user(by, case.pk, need=Need.TRIAGE if internal else Need.VIEW)
    if not access.can_write(by, case):
        raise InvalidTransition(_("The thread opens when the request is submitted."))
    message = Message.objects.create(request=case, author=by, body=body.strip(), internal=internal)
    _event(
        case, by, Event.Kind.NOTE if internal else Event.Kind.MESSAGE, internal=internal, message=message.pk
    )
    audit.record(
        by, "request.note" if internal else "request.message", case, request=request, message=message.pk
    )
    return message


def document_add(*, case: AssistanceRequest, by, upload, description: str = "", request=None) -> Document:
    """Check the file from its bytes, store it under a generated name, and queue text extraction.

    Raises UploadRejected with a message for the user. On any failure neither a record nor a
    stored file remains.
    """
    case = access.get_request_for_user(by, case.pk, need=Need.CREATE)
    try:
        inspected = inspect_document(upload)
    except UploadRejected as exc:
        exc.file_name = getattr(upload, "name", "")  # which of several files it was, for the form
        raise
    document = Document(
        request=case,
        uploaded_by=by,
        description=description.strip()[:300],
        **inspected.document_fields(),
    )
    with files_removed_on_failure(), transaction.atomic():
        stored_file(document.file, upload)
        document.save()
        _event(case, by, Event.Kind.DOCUMENT, document=document.pk, name=document.name)
        audit.record(
            by, "document.uploaded", document, request=request, request_id=case.pk, sha256=document.sha256
        )
    transaction.on_commit(lambda: tasks.extract_document_text.enqueue(document.pk))
    return document


def record_read(*, case: AssistanceRequest, by, request=None) -> AuditEntry:
    """Every read of a case file is written to the audit log."""
    return audit.record(by, "request.viewed", case, request=request, state=case.state)


def record_document_read(*, document: Document, by, request=None) -> AuditEntry:
    return audit.record(by, "document.downloaded", document, request=request, request_id=document.request_id)


def record_export(*, by, count: int, request=None) -> AuditEntry:
    return audit.record(by, "request.exported", None, request=request, count=count)
