"""Writes to activities, registrations, attendance and certificates.

Each service checks access through ``access.py``, runs in one transaction, and writes the audit
entry. Seats and nomination quotas are decided under a row lock (the activity for seats, the
invitation for its quota), so two people racing for the last place cannot both get it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ipassist.casework.access import requests_visible_to
from ipassist.casework.uploads import inspect_document
from ipassist.core import audit, versions
from ipassist.core.access import Need, deny
from ipassist.core.concurrency import check_revision
from ipassist.core.storage import files_removed_on_failure, stored_file
from ipassist.events import access
from ipassist.events.models import (
    Activity,
    ActivityDocument,
    AgendaSession,
    Attendance,
    Certificate,
    InvalidTransition,
    Invitation,
    Participant,
    Speaker,
)

#: What a person agrees to when registering or being registered; stored with the record.
CONSENT_TEXT = gettext_lazy(
    "I agree that the organisers of this activity store and use the details above to run the "
    "activity (registration, attendance, certificate and evaluation) and, without my name, for "
    "statistics on capacity building. I can see and correct them at any time."
)


class RegistrationRefused(Exception):
    """A registration that cannot be made: quota used, already registered, registration closed."""


def _norm(value: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", value or "").casefold().split())


def dedupe_key(
    *, email: str, given_name: str, family_name: str, country_id: str, organisation_name: str
) -> str:
    """Who a participant is within one activity: the e-mail address if given, else name + country +
    organisation. Case, width and spacing do not matter ("ÉVA  Kiss" is "éva kiss")."""
    if email and email.strip():
        return "email:" + _norm(email)
    return "name:" + "|".join(
        _norm(v) for v in (given_name, family_name, country_id or "", organisation_name)
    )


def _participant_values(data: dict) -> dict:
    values = {name: data[name] for name in Participant.PERSONAL_FIELDS if name in data}
    for name in ("given_name", "family_name", "organisation_name", "position", "email"):
        if name in values:
            values[name] = " ".join(str(values[name]).split())
    return values


def _key_of(values: dict) -> str:
    country = values.get("country")
    return dedupe_key(
        email=values.get("email", ""),
        given_name=values["given_name"],
        family_name=values["family_name"],
        country_id=getattr(country, "pk", country) or "",
        organisation_name=values.get("organisation_name", ""),
    )


# --- activities ----------------------------------------------------------------------------------


def _check_links(by, data: dict) -> None:
    """A linked request must be one the organiser can read; a programme one of the same provider."""
    if data.get("request") is not None and not requests_visible_to(by).filter(pk=data["request"].pk).exists():
        deny()
    programme = data.get("programme")
    if programme is not None and programme.provider_id != data["provider"].pk:
        raise ValueError(_("The programme belongs to another provider."))


@transaction.atomic
def activity_create(*, by, provider, data: dict, m2m: dict | None = None, request=None) -> Activity:
    access.require_can_create(by)
    if not access.lead_providers_for(by).filter(pk=provider.pk).exists():
        deny()
    _check_links(by, {**data, "provider": provider})
    activity = Activity.objects.create(
        provider=provider,
        created_by=by,
        **{name: data[name] for name in Activity.CONTENT_FIELDS if name in data},
    )
    for name, objects in (m2m or {}).items():
        getattr(activity, name).set(objects)
    versions.changed(versions.ACTIVITIES)
    audit.record(by, "activity.created", activity, request=request, revision=activity.revision)
    return activity


@transaction.atomic
def activity_update(
    *, activity: Activity, by, expected_revision: int, data: dict, m2m: dict | None = None, request=None
) -> Activity:
    access.get_activity_for_user(by, activity.pk, need=Need.EDIT)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    check_revision(locked, expected_revision, "activity.updated")
    _check_links(by, {**data, "provider": locked.provider})
    changed = [n for n in Activity.CONTENT_FIELDS if n in data and getattr(locked, n) != data[n]]
    for name in changed:
        setattr(locked, name, data[name])
    for name, objects in (m2m or {}).items():
        manager = getattr(locked, name)
        if set(manager.values_list("pk", flat=True)) != {o.pk for o in objects}:
            manager.set(objects)
            changed.append(name)
    if not changed:
        return locked
    locked.revision += 1
    locked.full_clean(exclude=["provider", "created_by", "series", "programme", "request", "kind", "country"])
    locked.save()
    versions.changed(versions.ACTIVITIES)
    audit.record(by, "activity.updated", locked, request=request, revision=locked.revision, changed=changed)
    return locked


# announce: draft → announced; cancel: announced → cancelled; reopen: cancelled → announced;
# unannounce: announced → draft (only while nobody is registered).
STATUS_MOVES = {
    "announce": ((Activity.Status.DRAFT,), Activity.Status.ANNOUNCED),
    "cancel": ((Activity.Status.DRAFT, Activity.Status.ANNOUNCED), Activity.Status.CANCELLED),
    "reopen": ((Activity.Status.CANCELLED,), Activity.Status.ANNOUNCED),
    "unannounce": ((Activity.Status.ANNOUNCED,), Activity.Status.DRAFT),
}


@transaction.atomic
def activity_move(*, activity: Activity, by, action: str, request=None) -> Activity:
    access.get_activity_for_user(by, activity.pk, need=Need.EDIT)
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    if action not in STATUS_MOVES:
        raise InvalidTransition(_("Unknown action."))
    sources, target = STATUS_MOVES[action]
    if locked.status not in sources:
        raise InvalidTransition(
            _("An activity that is “%(current)s” cannot become “%(target)s”.")
            % {"current": locked.get_status_display(), "target": Activity.Status(target).label}
        )
    if action == "unannounce" and locked.participants.exists():
        raise InvalidTransition(_("People have registered: cancel the activity instead."))
    previous = locked.status
    locked.status = target
    locked.revision += 1
    locked.save(update_fields=["status", "revision", "updated_at"])
    versions.changed(versions.ACTIVITIES)
    audit.record(
        by, f"activity.{action}", locked, request=request, revision=locked.revision, status=[previous, target]
    )
    return locked


@transaction.atomic
def invitation_set(*, activity: Activity, by, organisation, quota: int, request=None) -> Invitation:
    """Invite a state (or one of its institutions) to nominate up to ``quota`` people."""
    access.get_activity_for_user(by, activity.pk, need=Need.EDIT)
    invitation, created = Invitation.objects.select_for_update().get_or_create(
        activity=activity, organisation=organisation, defaults={"quota": quota}
    )
    if not created:
        used = invitation.nominations.filter(status__in=Participant.COUNTS_AGAINST_QUOTA).count()
        if quota < used:
            raise RegistrationRefused(
                _("%(organisation)s has already nominated %(used)d people; the quota cannot be lower.")
                % {"organisation": organisation, "used": used}
            )
        invitation.quota = quota
        invitation.save(update_fields=["quota"])
    audit.record(
        by, "activity.invitation_set", activity, request=request, organisation=organisation.pk, quota=quota
    )
    return invitation


@transaction.atomic
def invitation_remove(*, invitation: Invitation, by, request=None) -> None:
    access.get_activity_for_user(by, invitation.activity_id, need=Need.EDIT)
    if invitation.nominations.exists():
        raise RegistrationRefused(
            _("This state has nominated people; their nominations must stay traceable.")
        )
    audit.record(
        by,
        "activity.invitation_removed",
        invitation.activity,
        request=request,
        organisation=invitation.organisation_id,
    )
    invitation.delete()


@transaction.atomic
def speaker_add(*, activity: Activity, by, data: dict, request=None) -> Speaker:
    access.get_activity_for_user(by, activity.pk, need=Need.EDIT)
    speaker = Speaker.objects.create(activity=activity, **data)
    audit.record(by, "activity.speaker_added", activity, request=request, speaker=speaker.pk)
    return speaker


@transaction.atomic
def speaker_remove(*, speaker: Speaker, by, request=None) -> None:
    access.get_activity_for_user(by, speaker.activity_id, need=Need.EDIT)
    audit.record(by, "activity.speaker_removed", speaker.activity, request=request, speaker=speaker.pk)
    speaker.delete()


@transaction.atomic
def session_add(
    *, activity: Activity, by, data: dict, speakers: Iterable[Speaker] = (), request=None
) -> AgendaSession:
    access.get_activity_for_user(by, activity.pk, need=Need.EDIT)
    if not activity.start_date <= data["day"] <= activity.end_date:
        raise ValueError(_("The session must be on a day of the activity."))
    session = AgendaSession.objects.create(activity=activity, **data)
    session.speakers.set([s for s in speakers if s.activity_id == activity.pk])
    audit.record(by, "activity.session_added", activity, request=request, session=session.pk)
    return session


@transaction.atomic
def session_remove(*, session: AgendaSession, by, request=None) -> None:
    access.get_activity_for_user(by, session.activity_id, need=Need.EDIT)
    audit.record(by, "activity.session_removed", session.activity, request=request, session=session.pk)
    session.delete()


def document_add(
    *, activity: Activity, by, upload, audience: str, description: str = "", request=None
) -> ActivityDocument:
    """The same checks as case documents: the type from the bytes, size and archive limits."""
    access.get_activity_for_user(by, activity.pk, need=Need.EDIT)
    inspected = inspect_document(upload)
    document = ActivityDocument(
        activity=activity,
        audience=audience,
        uploaded_by=by,
        description=description.strip()[:300],
        **inspected.document_fields(),
    )
    with files_removed_on_failure(), transaction.atomic():
        stored_file(document.file, upload)
        document.save()
        audit.record(by, "activity.document_added", document, request=request, activity=activity.pk)
    return document


@transaction.atomic
def document_remove(*, document: ActivityDocument, by, request=None) -> None:
    access.get_activity_for_user(by, document.activity_id, need=Need.EDIT)
    audit.record(by, "activity.document_removed", document, request=request, activity=document.activity_id)
    name = document.file.name
    document.delete()
    transaction.on_commit(lambda: document.file.storage.delete(name))


# --- registration ----------------------------------------------------------------------------------


def _create_participant(*, activity: Activity, by, values: dict, **extra) -> Participant:
    participant = Participant(
        activity=activity,
        registered_by=by if getattr(by, "is_authenticated", False) else None,
        consent_at=timezone.now(),
        consent_text=str(CONSENT_TEXT),
        dedupe_key=_key_of(values),
        **values,
        **extra,
    )
    participant.full_clean(exclude=["activity", "user", "invitation", "country", "background"])
    try:
        with transaction.atomic():
            participant.save()
    except IntegrityError:
        raise RegistrationRefused(
            _("%(name)s is already registered for this activity.") % {"name": participant.full_name}
        ) from None
    versions.changed(versions.PARTICIPANTS)
    return participant


@transaction.atomic
def participant_nominate(
    *, activity: Activity, invitation: Invitation, by, data: dict, request=None
) -> Participant:
    """A focal point nominates someone for an invited state, within the state's quota."""
    access.get_activity_for_user(by, activity.pk)
    access.get_invitation_for_nomination(by, activity, invitation.pk)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    used = locked.nominations.filter(status__in=Participant.COUNTS_AGAINST_QUOTA).count()
    if used >= locked.quota:
        raise RegistrationRefused(
            _("%(organisation)s has used all %(quota)d of its nominations for this activity.")
            % {"organisation": locked.organisation, "quota": locked.quota}
        )
    participant = _create_participant(
        activity=activity, by=by, values=_participant_values(data), invitation=locked
    )
    audit.record(by, "participant.nominated", participant, request=request, activity=activity.pk)
    return participant


@transaction.atomic
def participant_register(*, activity: Activity, by, data: dict, request=None) -> Participant:
    """A signed-in person registers themself for an activity with open registration."""
    access.get_activity_for_user(by, activity.pk)
    if not access.can_self_register(by, activity):
        raise RegistrationRefused(_("Registration for this activity is not open to you."))
    participant = _create_participant(activity=activity, by=by, values=_participant_values(data), user=by)
    audit.record(by, "participant.registered", participant, request=request, activity=activity.pk)
    return participant


@transaction.atomic
def participant_add(*, activity: Activity, by, data: dict, request=None) -> Participant:
    """An organiser enters a participant directly (a late confirmation by letter, say): pending."""
    access.get_activity_for_user(by, activity.pk, need=Need.TRIAGE)
    participant = _create_participant(activity=activity, by=by, values=_participant_values(data))
    audit.record(by, "participant.added", participant, request=request, activity=activity.pk)
    return participant


@transaction.atomic
def participant_update(
    *, participant: Participant, by, expected_revision: int, data: dict, request=None
) -> Participant:
    """The person, their nominating focal point or an organiser corrects the personal details."""
    access.get_participant_for_user(by, participant.activity_id, participant.pk, need=Need.EDIT)
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    check_revision(locked, expected_revision, "participant.updated")
    values = _participant_values(data)
    changed = [n for n, v in values.items() if getattr(locked, n) != v]
    if not changed:
        return locked
    for name in changed:
        setattr(locked, name, values[name])
    locked.dedupe_key = _key_of({n: getattr(locked, n) for n in Participant.PERSONAL_FIELDS})
    locked.revision += 1
    try:
        with transaction.atomic():
            locked.save()
    except IntegrityError:
        raise RegistrationRefused(
            _("Another registration for this activity already has these details.")
        ) from None
    versions.changed(versions.PARTICIPANTS)
    # Field names only: the audit log must not become a second copy of personal data.
    audit.record(
        by, "participant.updated", locked, request=request, revision=locked.revision, changed=changed
    )
    return locked


def _approved_count(activity: Activity) -> int:
    return activity.participants.filter(status=Participant.Status.APPROVED).count()


def _promote_waitlisted(activity: Activity, by) -> Participant | None:
    """Give a freed seat to the first person on the waiting list."""
    if activity.capacity is not None and _approved_count(activity) >= activity.capacity:
        return None
    first = (
        activity.participants.select_for_update()
        .filter(status=Participant.Status.WAITLISTED)
        .order_by("decided_at", "id")
        .first()
    )
    if first is not None:
        first.status = Participant.Status.APPROVED
        first.decided_at = timezone.now()
        first.decided_by = by
        first.save(update_fields=["status", "decided_at", "decided_by"])
        audit.record(by, "participant.promoted", first, activity=activity.pk)
    return first


@transaction.atomic
def participant_decide(*, participant: Participant, by, action: str, request=None) -> Participant:
    """Approve (a seat, or the waiting list when full), reject, or withdraw a registration.

    The activity row is locked first, so the count of approved people is exact: of two approvals
    for the last seat one gets the seat and the other goes on the waiting list.
    """
    activity = Activity.objects.select_for_update().get(pk=participant.activity_id)
    if action == "withdraw":
        _activity, participant = access.get_participant_for_user(
            by, activity.pk, participant.pk, need=Need.EDIT
        )
    else:
        _activity, participant = access.get_participant_for_user(
            by, activity.pk, participant.pk, need=Need.TRIAGE
        )
    locked = Participant.objects.select_for_update().get(pk=participant.pk)
    if action not in Participant.TRANSITIONS:
        raise InvalidTransition(_("Unknown action."))
    if locked.status not in Participant.TRANSITIONS[action]:
        raise InvalidTransition(
            _("A registration that is “%(status)s” cannot be changed that way.")
            % {"status": locked.get_status_display()}
        )
    previous = locked.status
    if action == "approve":
        full = activity.capacity is not None and _approved_count(activity) >= activity.capacity
        locked.status = Participant.Status.WAITLISTED if full else Participant.Status.APPROVED
    elif action == "reject":
        locked.status = Participant.Status.REJECTED
    else:
        locked.status = Participant.Status.WITHDRAWN
    locked.decided_at = timezone.now()
    locked.decided_by = by
    locked.save(update_fields=["status", "decided_at", "decided_by"])
    versions.changed(versions.PARTICIPANTS)
    audit.record(
        by,
        f"participant.{action}",
        locked,
        request=request,
        activity=activity.pk,
        status=[previous, locked.status],
    )
    if previous == Participant.Status.APPROVED:
        _promote_waitlisted(activity, by)
    return locked


# --- attendance and certificates -------------------------------------------------------------------


@transaction.atomic
def attendance_save(
    *, activity: Activity, by, participant_ids: Iterable[int], present: set[tuple[int, date]], request=None
) -> int:
    """Set attendance for the participants shown on one page of the sheet: ``present`` holds the
    (participant id, day) boxes that were ticked; every other box of those rows is absent.

    Only approved participants and days of the activity count; anything else in the form is
    ignored. Returns how many boxes changed.
    """
    access.get_activity_for_user(by, activity.pk, need=Need.TRIAGE)
    ids = set(
        activity.participants.filter(
            pk__in=list(participant_ids), status=Participant.Status.APPROVED
        ).values_list("pk", flat=True)
    )
    days = set(activity.days)
    wanted = {(pid, day) for pid, day in present if pid in ids and day in days}
    existing = set(Attendance.objects.filter(participant_id__in=ids).values_list("participant_id", "day"))
    to_remove = existing - wanted
    to_add = wanted - existing
    if to_remove:
        removal = Attendance.objects.none()
        for pid, day in to_remove:
            removal |= Attendance.objects.filter(participant_id=pid, day=day)
        removal.delete()
    Attendance.objects.bulk_create(
        [Attendance(participant_id=pid, day=day, recorded_by=by) for pid, day in sorted(to_add)],
        ignore_conflicts=True,
    )
    changed = len(to_add) + len(to_remove)
    if changed:
        audit.record(
            by,
            "activity.attendance_saved",
            activity,
            request=request,
            added=len(to_add),
            removed=len(to_remove),
        )
    return changed


def eligible_for_certificate(activity: Activity):
    """Approved participants present on enough days, with the number of days they attended."""
    from django.db.models import Count

    return (
        activity.participants.filter(status=Participant.Status.APPROVED)
        .annotate(days_present=Count("attendance"))
        .filter(days_present__gte=activity.days_needed_for_certificate())
    )


@transaction.atomic
def certificates_issue(*, activity: Activity, by, request=None) -> int:
    """Issue a certificate of attendance to every eligible participant who has none yet."""
    activity = access.get_activity_for_user(by, activity.pk, need=Need.TRIAGE)
    Activity.objects.select_for_update().filter(pk=activity.pk).first()
    if timezone.localdate() < activity.start_date:
        raise InvalidTransition(_("Certificates can be issued once the activity has started."))
    pending = list(eligible_for_certificate(activity).filter(certificate__isnull=True).order_by("id"))
    issued = Certificate.objects.filter(participant__activity=activity).count()
    Certificate.objects.bulk_create(
        [
            Certificate(
                participant=p,
                number=f"{activity.start_date:%Y}-{activity.pk:05d}-{issued + n:04d}",
                days_attended=p.days_present,
                issued_by=by,
            )
            for n, p in enumerate(pending, start=1)
        ]
    )
    if pending:
        audit.record(by, "activity.certificates_issued", activity, request=request, count=len(pending))
    return len(pending)


def record_participants_read(*, activity: Activity, by, request=None, **data):
    """Reading the participant list (personal data) is written to the audit log."""
    return audit.record(by, "activity.participants_viewed", activity, request=request, **data)
