"""Who may see and act on requests for assistance. The only place these rules live.

A request is confidential. It is visible to:
- the officers of the provider it is addressed to, once it has been submitted (a draft, or a
  draft withdrawn before submission, is the requesting state's own work);
- the focal points of the requesting organisation, always;
- experts assigned to it who accepted its confidentiality undertaking, while the assignment
  lasts and while they remain on the provider's roster.
Nobody else: not other states, not partner agencies, not other providers, not a superuser.
Everything that reads requests (lists, counts, exports, e-mails, tasks) starts from
:func:`requests_visible_to` or :func:`get_request_for_user`. Anything denied is 404.

Within a visible request, a person acts for a *side*: officers for the provider, focal points
for the requesting state. Experts act for neither; they read, write messages and add documents.
Internal notes are for the provider side only.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from ipassist.casework.models import Assignment, AssistanceRequest, Document, Side
from ipassist.core.access import Need, as_id, deny, officer_organisations, organisations_where
from ipassist.core.models import Membership, Organisation, User


def _focal_organisations(user) -> frozenset[int]:
    return organisations_where(user, Membership.Role.FOCAL_POINT)


def _expert_organisations(user) -> frozenset[int]:
    return organisations_where(user, Membership.Role.EXPERT)


def _active_assignment(user) -> Exists:
    return Exists(Assignment.objects.accepted().filter(request=OuterRef("pk"), expert=user))


def _roster(organisation_id: int, role: str) -> Q:
    """Users with an active ``role`` membership of the organisation."""
    return Q(
        memberships__organisation_id=organisation_id,
        memberships__role=role,
        memberships__is_active=True,
    )


def requests_visible_to(user) -> QuerySet[AssistanceRequest]:
    if not getattr(user, "is_authenticated", False):
        return AssistanceRequest.objects.none()
    visible = Q(pk__in=[])
    officer_orgs = officer_organisations(user)
    if officer_orgs:
        visible |= Q(provider_id__in=officer_orgs, submitted_at__isnull=False)
    focal_orgs = _focal_organisations(user)
    if focal_orgs:
        visible |= Q(requester_id__in=focal_orgs)
    expert_orgs = _expert_organisations(user)
    if expert_orgs:
        visible |= Q(provider_id__in=expert_orgs, submitted_at__isnull=False) & _active_assignment(user)
    return AssistanceRequest.objects.filter(visible)


def sides(user, case: AssistanceRequest) -> frozenset[str]:
    """The sides ``user`` acts for on a request they can see."""
    result = set()
    if case.submitted_at is not None and case.provider_id in officer_organisations(user):
        result.add(Side.PROVIDER)
    if case.requester_id in _focal_organisations(user):
        result.add(Side.REQUESTER)
    return frozenset(result)


def can_edit(user, case: AssistanceRequest) -> bool:
    user_sides = sides(user, case)
    if Side.REQUESTER in user_sides and case.state in AssistanceRequest.REQUESTER_EDITABLE:
        return True
    return Side.PROVIDER in user_sides and case.state not in AssistanceRequest.FINAL_STATES


def can_triage(user, case: AssistanceRequest) -> bool:
    return Side.PROVIDER in sides(user, case)


def can_add_documents(user, case: AssistanceRequest) -> bool:
    """Anyone on the file may add documents while it is not finished; a draft is the state's own."""
    if case.state in AssistanceRequest.FINAL_STATES:
        return False
    if case.submitted_at is None:
        return Side.REQUESTER in sides(user, case)
    return True


def can_write(user, case: AssistanceRequest) -> bool:
    """The thread opens when the request is submitted; it stays open for a last word after the end."""
    return case.submitted_at is not None


def sees_internal_notes(user, case: AssistanceRequest) -> bool:
    return Side.PROVIDER in sides(user, case)


_NEED_CHECKS = {
    Need.VIEW: lambda user, case: True,
    Need.EDIT: can_edit,
    Need.TRIAGE: can_triage,
    Need.CREATE: can_add_documents,
}


def get_request_for_user(user, pk, need: Need = Need.VIEW) -> AssistanceRequest:
    """The request ``pk`` if ``user`` may see it and do ``need`` on it; otherwise 404.

    ``Need.CREATE`` on a request means adding a document to it.
    """
    case = (
        requests_visible_to(user)
        .filter(pk=as_id(pk))
        .select_related("provider", "requester", "country", "programme", "lead_officer")
        .first()
    )
    if case is None or not _NEED_CHECKS[need](user, case):
        deny()
    return case


def get_document_for_user(user, pk, document_pk) -> tuple[AssistanceRequest, Document]:
    case = get_request_for_user(user, pk)
    document = case.documents.filter(pk=as_id(document_pk)).first()
    if document is None:
        deny()
    return case, document


def pending_assignments_for(user) -> QuerySet[Assignment]:
    """Assignments waiting for ``user`` to accept or decline the confidentiality undertaking.

    Listing them shows the reference, the provider and who assigned: nothing of the file itself.
    """
    if not getattr(user, "is_authenticated", False):
        return Assignment.objects.none()
    return (
        Assignment.objects.live()
        .filter(
            expert=user,
            undertaking_accepted_at__isnull=True,
            request__provider_id__in=_expert_organisations(user),
        )
        .exclude(request__state__in=AssistanceRequest.FINAL_STATES)
    )


def get_pending_assignment_for_user(user, pk) -> Assignment:
    assignment = (
        pending_assignments_for(user)
        .select_related("request__provider", "assigned_by")
        .filter(pk=as_id(pk))
        .first()
    )
    if assignment is None:
        deny()
    return assignment


def eligible_experts(case: AssistanceRequest) -> QuerySet[User]:
    """Experts on the provider's roster who are not already on this request."""
    on_file = Assignment.objects.live().filter(request=case)
    return (
        User.objects.filter(_roster(case.provider_id, Membership.Role.EXPERT), is_active=True)
        .exclude(pk__in=on_file.values("expert_id"))
        .order_by("full_name", "email")
        .distinct()
    )


def eligible_leads(case: AssistanceRequest) -> QuerySet[User]:
    return (
        User.objects.filter(_roster(case.provider_id, Membership.Role.OFFICER), is_active=True)
        .order_by("full_name", "email")
        .distinct()
    )


def recipients(case: AssistanceRequest, *, internal: bool = False) -> QuerySet[User]:
    """Everyone who may read ``case`` now (only the provider's officers for internal matters):
    the people an e-mail about it may go to. The same rules as :func:`requests_visible_to`."""
    people = _roster(case.requester_id, Membership.Role.FOCAL_POINT)
    if case.submitted_at is not None:
        officers = _roster(case.provider_id, Membership.Role.OFFICER)
        experts = _roster(case.provider_id, Membership.Role.EXPERT) & Q(
            pk__in=Assignment.objects.accepted().filter(request=case).values("expert_id")
        )
        people = officers if internal else people | officers | experts
    elif internal:
        return User.objects.none()
    return User.objects.filter(people, is_active=True, memberships__organisation__is_active=True).distinct()


def requesters_for(user) -> QuerySet[Organisation]:
    """The organisations ``user`` may file requests for: those where they are a focal point."""
    return Organisation.objects.filter(pk__in=_focal_organisations(user), is_active=True)


def is_secretariat(user) -> bool:
    """Whether ``user`` is an officer of some provider (and so has an inbox to triage)."""
    return bool(officer_organisations(user))


def can_file_requests(user) -> bool:
    return bool(_focal_organisations(user))


def require_can_file(user) -> None:
    if not can_file_requests(user):
        deny()


def providers() -> QuerySet[Organisation]:
    """Where a request may be addressed: any active provider organisation."""
    return Organisation.objects.filter(kind=Organisation.Kind.PROVIDER, is_active=True)
