"""Who may see and act on activities and their participants. The only place these rules live.

An activity is seen by:
- everyone, once it is public and announced (or cancelled): the public register;
- its organisers, always: the officers of the lead provider and of each co-organiser;
- once announced, the focal points of the states invited to nominate, the people registered for
  it (whatever their status) and the speakers with an account.
Nobody else: a private activity is as closed as a request for assistance.

Participant records are personal data. The organisers see and manage all of them. A participant
sees and corrects their own record; the focal point who nominates for an invited state sees and
corrects that state's nominations (they entered them, and follow the quota). No one else sees a
participant, and nothing personal appears on public pages or in exports for others. Anything
denied is 404, the same as what does not exist.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ipassist.casework.access import requests_visible_to
from ipassist.core.access import Need, as_id, deny, officer_organisations, organisations_where
from ipassist.core.models import Membership, Organisation
from ipassist.events.models import (
    Activity,
    ActivityDocument,
    Invitation,
    Participant,
    ParticipantImport,
    Series,
    Speaker,
)


def _focal_organisations(user) -> frozenset[int]:
    return organisations_where(user, Membership.Role.FOCAL_POINT)


def organised_by_any(organisation_ids) -> Q:
    """Activities led or co-organised by one of ``organisation_ids`` (an EXISTS, so no duplicates)."""
    co_organised = Activity.co_organisers.through.objects.filter(
        activity_id=OuterRef("pk"), organisation_id__in=organisation_ids
    )
    return Q(provider_id__in=organisation_ids) | Q(Exists(co_organised))


_PUBLISHED = ~Q(status=Activity.Status.DRAFT)


def activities_visible_to(user) -> QuerySet[Activity]:
    visible = Q(is_public=True) & _PUBLISHED
    if getattr(user, "is_authenticated", False):
        officer_orgs = officer_organisations(user)
        if officer_orgs:
            visible |= organised_by_any(officer_orgs)
        involved = Q(Exists(Participant.objects.filter(activity_id=OuterRef("pk"), user=user)))
        involved |= Q(Exists(Speaker.objects.filter(activity_id=OuterRef("pk"), user=user)))
        focal_orgs = _focal_organisations(user)
        if focal_orgs:
            involved |= Q(
                Exists(Invitation.objects.filter(activity_id=OuterRef("pk"), organisation_id__in=focal_orgs))
            )
        visible |= involved & _PUBLISHED
    return Activity.objects.filter(visible)


def public_activities() -> QuerySet[Activity]:
    """The public register: what anyone, signed in or not, may see."""
    return Activity.objects.filter(Q(is_public=True) & _PUBLISHED)


def organised_by(user) -> QuerySet[Activity]:
    """The activities ``user`` organises (as an officer of the lead provider or a co-organiser)."""
    officer_orgs = officer_organisations(user)
    if not officer_orgs:
        return Activity.objects.none()
    return Activity.objects.filter(organised_by_any(officer_orgs))


def can_manage(user, activity: Activity) -> bool:
    """Organisers plan the activity, decide on registrations, mark attendance, issue certificates."""
    officer_orgs = officer_organisations(user)
    if not officer_orgs:
        return False
    if activity.provider_id in officer_orgs:
        return True
    return activity.co_organisers.filter(pk__in=officer_orgs).exists()


def can_create(user) -> bool:
    return bool(officer_organisations(user))


def require_can_create(user) -> None:
    if not can_create(user):
        deny()


def lead_providers_for(user):
    """The providers ``user`` may create activities for: those where they are an officer."""
    return Organisation.objects.filter(
        pk__in=officer_organisations(user), kind=Organisation.Kind.PROVIDER, is_active=True
    )


_NEED_CHECKS = {
    Need.VIEW: lambda user, activity: True,
    Need.EDIT: can_manage,
    Need.TRIAGE: can_manage,
}


def get_activity_for_user(user, pk, need: Need = Need.VIEW) -> Activity:
    activity = (
        activities_visible_to(user)
        .filter(pk=as_id(pk))
        .select_related("kind", "country", "provider", "series", "programme")
        .first()
    )
    if activity is None or not _NEED_CHECKS[need](user, activity):
        deny()
    return activity


def get_part_for_organiser(user, pk, related: str, part_pk):
    """One row of the activity's ``related`` set (invitations, speakers, sessions, documents), for
    an organiser about to change it; with the activity. Anything else is 404."""
    activity = get_activity_for_user(user, pk, need=Need.EDIT)
    part = getattr(activity, related).filter(pk=as_id(part_pk)).first()
    if part is None:
        deny()
    return activity, part


def series_visible_to(user) -> QuerySet[Series]:
    """A series is seen by whoever sees one of its editions."""
    return Series.objects.filter(pk__in=activities_visible_to(user).values("series_id"))


def get_series_for_user(user, slug: str) -> Series:
    series = series_visible_to(user).filter(slug=str(slug)[:100]).first()
    if series is None:
        deny()
    return series


# --- registration ----------------------------------------------------------------------------------


def registration_is_open(activity: Activity, today=None) -> bool:
    today = today or timezone.localdate()
    if activity.status != Activity.Status.ANNOUNCED or activity.registration == Activity.Registration.CLOSED:
        return False
    deadline = activity.registration_deadline or activity.start_date
    return today <= deadline


def invitations_for(user, activity: Activity) -> QuerySet[Invitation]:
    """The invitations through which ``user`` may nominate for ``activity`` (as a focal point)."""
    if activity.registration != Activity.Registration.NOMINATION:
        return Invitation.objects.none()
    return Invitation.objects.filter(activity=activity, organisation_id__in=_focal_organisations(user))


def can_nominate(user, activity: Activity) -> bool:
    return registration_is_open(activity) and invitations_for(user, activity).exists()


def get_invitation_for_nomination(user, activity: Activity, pk) -> Invitation:
    invitation = invitations_for(user, activity).filter(pk=as_id(pk)).select_related("organisation").first()
    if invitation is None or not registration_is_open(activity):
        deny()
    return invitation


def own_registration(user, activity: Activity) -> Participant | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return activity.participants.filter(user=user).first()


def can_self_register(user, activity: Activity) -> bool:
    """Open registration: a signed-in person who is not registered yet, while registration is open."""
    return (
        getattr(user, "is_authenticated", False)
        and activity.registration == Activity.Registration.OPEN
        and registration_is_open(activity)
        and not activity.participants.filter(user=user).exists()
    )


# --- participants ----------------------------------------------------------------------------------


def participants_visible_to(user, activity: Activity) -> QuerySet[Participant]:
    """The participant records of ``activity`` that ``user`` may read (``activity`` is visible)."""
    if not getattr(user, "is_authenticated", False):
        return Participant.objects.none()
    if can_manage(user, activity):
        return activity.participants.all()
    return activity.participants.filter(
        Q(user=user) | Q(invitation__organisation_id__in=_focal_organisations(user))
    )


def get_participant_for_user(
    user, pk, participant_pk, need: Need = Need.VIEW
) -> tuple[Activity, Participant]:
    """``Need.VIEW`` and ``Need.EDIT`` (correcting personal data) for the person, their nominating
    focal point and the organisers; ``Need.TRIAGE`` (decisions, attendance) for organisers only."""
    activity = get_activity_for_user(user, pk)
    participant = (
        participants_visible_to(user, activity)
        .filter(pk=as_id(participant_pk))
        .select_related("country", "background", "invitation__organisation", "user")
        .first()
    )
    if participant is None or (need == Need.TRIAGE and not can_manage(user, activity)):
        deny()
    return activity, participant


# --- documents -------------------------------------------------------------------------------------


def _takes_part(user, activity: Activity) -> bool:
    """An approved participant or a speaker with an account."""
    if not getattr(user, "is_authenticated", False):
        return False
    return (
        activity.participants.filter(user=user, status=Participant.Status.APPROVED).exists()
        or activity.speakers.filter(user=user).exists()
    )


def documents_visible_to(user, activity: Activity) -> QuerySet[ActivityDocument]:
    if can_manage(user, activity):
        return activity.documents.all()
    audiences = [ActivityDocument.Audience.PUBLIC]
    if _takes_part(user, activity):
        audiences.append(ActivityDocument.Audience.PARTICIPANTS)
    return activity.documents.filter(audience__in=audiences)


def public_documents() -> QuerySet[ActivityDocument]:
    """The documents anyone may download: those for everyone, of the activities of the public
    register (open data lists them; the download view applies the same rule one at a time)."""
    return ActivityDocument.objects.filter(
        audience=ActivityDocument.Audience.PUBLIC, activity__in=public_activities()
    )


def get_document_for_user(user, pk, document_pk) -> tuple[Activity, ActivityDocument]:
    activity = get_activity_for_user(user, pk)
    document = documents_visible_to(user, activity).filter(pk=as_id(document_pk)).first()
    if document is None:
        deny()
    return activity, document


# --- evaluations and certificates ------------------------------------------------------------------


def evaluation_for(user, activity: Activity) -> Participant | None:
    """The approved registration through which ``user`` may answer the evaluation now, if any."""
    if not activity.evaluation_open or not getattr(user, "is_authenticated", False):
        return None
    return (
        activity.participants.filter(user=user, status=Participant.Status.APPROVED)
        .exclude(evaluation_receipt__isnull=False)
        .first()
    )


def can_read_evaluations(user, activity: Activity) -> bool:
    return can_manage(user, activity)


def get_activity_for_results(user, pk) -> Activity:
    """An activity whose evaluation results ``user`` may read, else 404."""
    activity = get_activity_for_user(user, pk)
    if not can_read_evaluations(user, activity):
        deny()
    return activity


def get_series_for_comparison(user, slug) -> Series:
    """A series whose evaluations ``user`` may compare: they organise at least one of its editions."""
    series = get_series_for_user(user, slug)
    if not organised_by(user).filter(series=series).exists():
        deny()
    return series


def get_certificate_for_user(user, pk, participant_pk):
    activity, participant = get_participant_for_user(user, pk, participant_pk)
    if participant.user_id != getattr(user, "pk", None) and not can_manage(user, activity):
        deny()  # a nominating focal point sees the status, not the certificate
    certificate = getattr(participant, "certificate", None)
    if certificate is None:
        deny()
    return activity, participant, certificate


def get_import_for_user(user, pk, job_pk) -> tuple[Activity, ParticipantImport]:
    """A participant import of an activity that ``user`` organises; anything else is 404."""
    activity = get_activity_for_user(user, pk, need=Need.TRIAGE)
    job = activity.imports.filter(pk=as_id(job_pk)).first()
    if job is None:
        deny()
    return activity, job


def linked_request_visible(user, activity: Activity) -> bool:
    """Whether to show the link to the request behind an activity: only to those who can read it."""
    if activity.request_id is None:
        return False
    return requests_visible_to(user).filter(pk=activity.request_id).exists()
