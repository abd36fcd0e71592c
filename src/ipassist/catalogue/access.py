"""Who may see and change programmes. The only place these rules live.

- A published programme is public.
- Drafts and archived programmes are internal to the provider: only its officers see them.
- Only officers of the provider create, edit, publish, unpublish or archive its programmes.
Anything else is 404, the same answer as for a programme that does not exist.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from ipassist.catalogue.models import Programme
from ipassist.core.access import Need, deny, is_officer, officer_organisations


def programmes_visible_to(user) -> QuerySet[Programme]:
    visible = Q(status=Programme.Status.PUBLISHED)
    orgs = officer_organisations(user)
    if orgs:
        visible |= Q(provider_id__in=orgs)
    return Programme.objects.filter(visible)


def can_create_programme(user) -> bool:
    return is_officer(user)


def can_manage(user, programme: Programme) -> bool:
    return is_officer(user, programme.provider_id)


def get_programme_for_user(user, slug: str, need: Need = Need.VIEW) -> Programme:
    programme = programmes_visible_to(user).filter(slug=slug).select_related("provider").first()
    if programme is None:
        deny()
    if need is not Need.VIEW and not can_manage(user, programme):
        deny()
    return programme


def require_can_create(user) -> None:
    if not can_create_programme(user):
        deny()


def providers_for(user):
    """The provider organisations the user may create programmes for."""
    from ipassist.core.models import Organisation

    return Organisation.objects.filter(pk__in=officer_organisations(user), kind=Organisation.Kind.PROVIDER)
