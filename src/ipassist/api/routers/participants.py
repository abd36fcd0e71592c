"""Participants of an activity, and importing a list of them.

Participant records are personal data: the organisers read them all; a focal point reads the
nominations of their state; a person reads their own registration. Reading them is audited.

An import goes as on the web: upload a CSV or XLSX list (checked, nothing written), read the
preview and its row problems, then apply it (all rows or none) or discard it. Organisers only.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from ipassist.api.auth import require_write
from ipassist.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError, bad_request
from ipassist.api.ordering import order
from ipassist.api.pagination import ListParams, Page, paginate
from ipassist.api.schemas import CountryOut, OrganisationOut, TermOut, Text, country, organisation, term
from ipassist.casework.uploads import UploadRejected
from ipassist.core.access import Need, deny
from ipassist.events import access, imports, selectors, services
from ipassist.events.models import InvalidTransition, Participant, ParticipantImport

router = Router(tags=["Participants"])

ParticipantStatus = Literal[tuple(Participant.Status.values)]  # type: ignore[valid-type]
Gender = Literal[("", *Participant.Gender.values)]  # type: ignore[valid-type]
ImportStatus = Literal[tuple(ParticipantImport.Status.values)]  # type: ignore[valid-type]
RowAction = Literal[imports.ACTION_CREATE, imports.ACTION_UPDATE, imports.ACTION_UNCHANGED]
ORDERING = {
    "family_name": ("family_name", "given_name"),
    "registered_at": "registered_at",
    "status": "status",
}


class ParticipantOut(Schema):
    id: int
    given_name: str
    family_name: str
    email: str
    organisation_name: str
    country: CountryOut
    background: TermOut = Field(description="Professional background.")
    position: str
    gender: Gender
    status: ParticipantStatus
    nominated_by: OrganisationOut | None = Field(description="The invited state that nominated the person.")
    registered_at: datetime
    decided_at: datetime | None
    days_present: int
    certificate: str | None = Field(description="Number of the certificate of attendance, once issued.")
    revision: int


class ParticipantPage(Page):
    results: list[ParticipantOut]


class ParticipantFilters(ListParams):
    status: ParticipantStatus = None
    q: Text = Field(None, max_length=200, description="Words in the name, organisation or e-mail.")
    ordering: Literal[
        "family_name", "-family_name", "registered_at", "-registered_at", "status", "-status"
    ] = "family_name"


def participant_out(p: Participant) -> dict:
    certificate = getattr(p, "certificate", None)
    return {
        "id": p.pk,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "email": p.email,
        "organisation_name": p.organisation_name,
        "country": country(p.country),
        "background": term(p.background),
        "position": p.position,
        "gender": p.gender,
        "status": p.status,
        "nominated_by": organisation(p.invitation.organisation) if p.invitation_id else None,
        "registered_at": p.registered_at,
        "decided_at": p.decided_at,
        "days_present": p.days_present,
        "certificate": certificate.number if certificate is not None else None,
        "revision": p.revision,
    }


@router.get("/{activity_id}/participants", response={200: ParticipantPage, **READ_ERRORS})
def list_participants(request, activity_id: int, filters: Query[ParticipantFilters]):
    """The registrations of an activity the caller may read (all of them for organisers)."""
    user = request.auth.user
    activity = access.get_activity_for_user(user, activity_id)
    if not (
        access.can_manage(user, activity)
        or access.participants_visible_to(user, activity).exists()
        or access.invitations_for(user, activity).exists()
    ):
        deny()
    rows = selectors.participant_rows(
        user=user, activity=activity, status=filters.status or "", q=(filters.q or "").strip()
    )
    page = paginate(request, order(rows, filters.ordering, ORDERING), filters, participant_out)
    services.record_participants_read(
        activity=activity,
        by=user,
        request=request,
        api=True,
        offset=page["offset"],
        rows=len(page["results"]),
    )
    return page


# --- imports -----------------------------------------------------------------------------------


class ProblemOut(Schema):
    row: int | None = Field(description="Row number as a spreadsheet shows it; null for the whole file.")
    column: str
    message: str


class ImportSummaryOut(Schema):
    id: int
    status: ImportStatus
    file_name: str
    sha256: str
    encoding: str = Field(description="Text encoding a CSV file was read in; empty for a workbook.")
    uploaded_at: datetime
    applied_at: datetime | None
    rows: int = Field(description="Participants read from the file.")
    created: int = Field(description="Rows that register someone new.")
    updated: int = Field(description="Rows that correct a registration's details.")
    unchanged: int = Field(description="Rows already registered as they are.")
    can_apply: bool = Field(description="Whether the list can be imported: checked, with no problems.")
    problem_count: int = Field(description="Entries in ``problems``; any problem stops the whole import.")


class ImportOut(ImportSummaryOut):
    problems: list[ProblemOut] = Field(description="The row problems (the first 500, then a count).")


class ImportCreatedOut(ImportOut):
    ignored_columns: list[str] = Field(description="Columns of the file that were not recognised.")


class ImportAppliedOut(ImportOut):
    approved: int = Field(description="New registrations approved (with approve=true).")
    waitlisted: int = Field(description="New registrations put on the waiting list (with approve=true).")


class ImportPage(Page):
    results: list[ImportSummaryOut]


class ImportFilters(ListParams):
    status: ImportStatus = None
    ordering: Literal["uploaded_at", "-uploaded_at"] = "-uploaded_at"


class ImportRowOut(Schema):
    row: int
    action: RowAction
    participant: int | None = Field(description="The registration the row matches (update, unchanged).")
    changes: list[str] = Field(description="The fields an update corrects.")
    given_name: str
    family_name: str
    email: str
    organisation_name: str
    country: str = Field(description="ISO 3166-1 alpha-2 code.")
    background: str = Field(description="Professional background (term code).")
    position: str
    gender: str


class ImportRowPage(Page):
    results: list[ImportRowOut]


class ImportRowParams(ListParams):
    action: RowAction = None
    ordering: Literal["row", "-row"] = "row"


class ApplyIn(Schema):
    approve: bool = Field(
        False, description="Approve the new registrations at once (seats, then waiting list)."
    )


def import_summary(job: ParticipantImport) -> dict:
    return {
        "id": job.pk,
        "status": job.status,
        "file_name": job.file_name,
        "sha256": job.sha256,
        "encoding": job.encoding,
        "uploaded_at": job.uploaded_at,
        "applied_at": job.applied_at,
        "rows": job.created_count + job.updated_count + job.unchanged_count,
        "created": job.created_count,
        "updated": job.updated_count,
        "unchanged": job.unchanged_count,
        "can_apply": job.status == ParticipantImport.Status.PREVIEW and not job.problems,
        "problem_count": len(job.problems),
    }


def import_out(job: ParticipantImport) -> dict:
    return {**import_summary(job), "problems": job.problems}


@router.get("/{activity_id}/participant-imports", response={200: ImportPage, **READ_ERRORS})
def list_imports(request, activity_id: int, filters: Query[ImportFilters]):
    """The lists uploaded for an activity the caller organises."""
    activity = access.get_activity_for_user(request.auth.user, activity_id, need=Need.TRIAGE)
    jobs = activity.imports.defer("rows")  # the summary counts them; a list can hold 10,000 rows
    if filters.status:
        jobs = jobs.filter(status=filters.status)
    jobs = order(jobs, filters.ordering, {"uploaded_at": "uploaded_at"})
    return paginate(request, jobs, filters, import_summary)


@router.post("/{activity_id}/participant-imports", response={201: ImportCreatedOut, **WRITE_ERRORS})
def create_import(
    request,
    activity_id: int,
    file: File[UploadedFile],
    consent: Form[bool] = False,
):
    """Upload a CSV or XLSX list and check it: nothing is imported yet. ``consent`` confirms that the
    people on the list agreed that the organisers use their details for this activity."""
    user = require_write(request).user
    activity = access.get_activity_for_user(user, activity_id, need=Need.TRIAGE)
    try:
        job = imports.import_preview(
            activity=activity, by=user, upload=file, consent_confirmed=consent, request=request
        )
    except UploadRejected as exc:
        raise bad_request("file", exc.message, location="file") from None
    except imports.ImportRefused as exc:
        raise bad_request("consent", exc.message, location="form") from None
    return Status(201, {**import_out(job), "ignored_columns": job.ignored_columns})


@router.get("/{activity_id}/participant-imports/{import_id}", response={200: ImportOut, **READ_ERRORS})
def get_import(request, activity_id: int, import_id: int):
    """One uploaded list: what importing it would do (or did), and its row problems."""
    _activity, job = access.get_import_for_user(request.auth.user, activity_id, import_id)
    return import_out(job)


@router.get(
    "/{activity_id}/participant-imports/{import_id}/rows", response={200: ImportRowPage, **READ_ERRORS}
)
def list_import_rows(request, activity_id: int, import_id: int, params: Query[ImportRowParams]):
    """The rows of an uploaded list as checked: who each row is and what importing it does."""
    _activity, job = access.get_import_for_user(request.auth.user, activity_id, import_id)
    rows = [row for row in job.rows if params.action is None or row.get("action") == params.action]
    rows.sort(key=lambda row: row.get("row") or 0, reverse=params.ordering == "-row")
    defaults = dict.fromkeys(imports.FIELDS, "")
    return paginate(request, rows, params, lambda row: {**defaults, "changes": [], **row})


def _job_for_write(request, activity_id: int, import_id: int):
    user = require_write(request).user
    activity, job = access.get_import_for_user(user, activity_id, import_id)
    return user, activity, job


@router.post(
    "/{activity_id}/participant-imports/{import_id}/apply", response={200: ImportAppliedOut, **WRITE_ERRORS}
)
def apply_import(request, activity_id: int, import_id: int, payload: ApplyIn | None = None):
    """Import every row of a checked list, or none (409 if it has problems or was applied or discarded)."""
    user, activity, job = _job_for_write(request, activity_id, import_id)
    try:
        job = imports.import_apply(
            job=job, by=user, approve=bool(payload and payload.approve), activity=activity, request=request
        )
    except InvalidTransition as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return {**import_out(job), "approved": job.approved_count, "waitlisted": job.waitlisted_count}


@router.post(
    "/{activity_id}/participant-imports/{import_id}/discard", response={200: ImportOut, **WRITE_ERRORS}
)
def discard_import(request, activity_id: int, import_id: int):
    """Drop a checked list without importing it; its rows are deleted (409 if already applied)."""
    user, _activity, job = _job_for_write(request, activity_id, import_id)
    try:
        job = imports.import_discard(job=job, by=user, request=request)
    except InvalidTransition as exc:
        raise ApiError(409, "conflict", str(exc)) from None
    return import_out(job)
