"""The persona matrix for every catalogue URL and action. Denied means 404; a denied write changes nothing."""

import pytest
from django.urls import reverse

from ipassist.catalogue import access
from ipassist.catalogue.models import Programme
from ipassist.core.access import Need
from ipassist.core.models import AuditEntry
from tests.conftest import PERSONAS
from tests.factories import ProgrammeFactory

NON_OFFICERS = [p for p in PERSONAS if p != "officer"]
SIGNED_IN_NON_OFFICERS = [p for p in NON_OFFICERS if p != "anonymous"]


@pytest.fixture
def draft(provider):
    return ProgrammeFactory(
        slug="draft-programme", provider=provider, status=Programme.Status.DRAFT, languages=["en", "fr"]
    )


@pytest.fixture
def published(provider):
    return ProgrammeFactory(slug="public-programme", provider=provider, languages=["en"])


def snapshot(programme):
    programme.refresh_from_db()
    return (
        programme.status,
        programme.revision,
        sorted(programme.versions.values_list("language", "title")),
        AuditEntry.objects.count(),
    )


@pytest.mark.parametrize(("persona", "status"), [("officer", 200)] + [(p, 404) for p in NON_OFFICERS])
def test_draft_detail(client_as, draft, persona, status):
    assert client_as(persona).get(reverse("catalogue:detail", args=[draft.slug])).status_code == status


@pytest.mark.parametrize("persona", ["officer", *NON_OFFICERS])
def test_published_detail_is_public(client_as, published, persona):
    response = client_as(persona).get(reverse("catalogue:detail", args=[published.slug]))
    assert response.status_code == 200
    assert "public-programme title [en]" in response.content.decode()


@pytest.mark.parametrize(("persona", "listed"), [("officer", True)] + [(p, False) for p in NON_OFFICERS])
def test_draft_in_list_only_for_its_officers(client_as, draft, published, persona, listed):
    body = client_as(persona).get(reverse("catalogue:list")).content.decode()
    assert "public-programme title [en]" in body
    assert ("draft-programme title [en]" in body) is listed


# Any provider's officer may open the form; it offers only their own providers.
@pytest.mark.parametrize(
    ("persona", "status"),
    [("officer", 200), ("other_officer", 200), ("anonymous", 302)]
    + [(p, 404) for p in SIGNED_IN_NON_OFFICERS if p != "other_officer"],
)
def test_create_page(client_as, provider, persona, status):
    assert client_as(persona).get(reverse("catalogue:create")).status_code == status


@pytest.mark.parametrize(
    ("persona", "status"), [("officer", 200), ("anonymous", 302)] + [(p, 404) for p in SIGNED_IN_NON_OFFICERS]
)
@pytest.mark.parametrize("which", ["draft", "published"])
def test_edit_page(client_as, request, persona, status, which):
    programme = request.getfixturevalue(which)
    assert client_as(persona).get(reverse("catalogue:edit", args=[programme.slug])).status_code == status


def edit_payload(programme, **overrides):
    data = {
        "revision": programme.revision,
        "provider": programme.provider_id,
        "original_language": "en",
        "reference": "changed",
        "v_en-title": "Hijacked title",
        "v_en-target_beneficiaries": "x",
        "v_en-objectives": "x",
        "v_en-activities": "x",
        "v_en-outcomes": "x",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 302)] + [(p, 404) for p in SIGNED_IN_NON_OFFICERS]
)
@pytest.mark.parametrize("which", ["draft", "published"])
def test_denied_edit_changes_nothing(client_as, request, persona, status, which):
    programme = request.getfixturevalue(which)
    before = snapshot(programme)
    response = client_as(persona).post(
        reverse("catalogue:edit", args=[programme.slug]), edit_payload(programme)
    )
    assert response.status_code == status
    assert snapshot(programme) == before


@pytest.mark.parametrize(
    ("persona", "status"), [("anonymous", 302)] + [(p, 404) for p in SIGNED_IN_NON_OFFICERS]
)
@pytest.mark.parametrize(
    ("which", "action"), [("draft", "publish"), ("published", "unpublish"), ("published", "archive")]
)
def test_denied_transition_changes_nothing(client_as, request, persona, status, which, action):
    programme = request.getfixturevalue(which)
    before = snapshot(programme)
    response = client_as(persona).post(reverse("catalogue:transition", args=[programme.slug, action]))
    assert response.status_code == status
    assert snapshot(programme) == before


@pytest.mark.parametrize(
    ("persona", "status"),
    [("anonymous", 302), ("other_officer", 200)]
    + [(p, 404) for p in SIGNED_IN_NON_OFFICERS if p != "other_officer"],
)
def test_denied_create_saves_nothing(client_as, provider, persona, status):
    count = Programme.objects.count()
    response = client_as(persona).post(
        reverse("catalogue:create"),
        {
            "provider": provider.pk,
            "original_language": "en",
            "v_en-title": "Sneaky",
            "v_en-target_beneficiaries": "x",
            "v_en-objectives": "x",
            "v_en-activities": "x",
        },
    )
    assert response.status_code == status
    assert Programme.objects.count() == count


def test_officer_cannot_create_for_another_provider(client_as, officer, other_provider):
    response = client_as("officer").post(
        reverse("catalogue:create"),
        {
            "provider": other_provider.pk,
            "original_language": "en",
            "v_en-title": "For someone else",
            "v_en-target_beneficiaries": "x",
            "v_en-objectives": "x",
            "v_en-activities": "x",
        },
    )
    assert response.status_code == 200  # the provider choice is refused as a form error
    assert not Programme.objects.filter(provider=other_provider).exists()


def test_officer_of_other_provider_cannot_manage(other_officer, draft, published):
    assert draft not in access.programmes_visible_to(other_officer)
    with pytest.raises(Exception) as excinfo:
        access.get_programme_for_user(other_officer, published.slug, need=Need.EDIT)
    assert excinfo.typename == "Http404"


def test_inactive_membership_grants_nothing(officer, draft):
    officer.memberships.update(is_active=False)
    assert draft not in access.programmes_visible_to(officer)


def test_unknown_programme_is_the_same_404(client_as, officer):
    assert (
        client_as("officer").get(reverse("catalogue:detail", args=["no-such-programme"])).status_code == 404
    )


def test_reading_a_draft_is_audited(client_as, draft):
    client_as("officer").get(reverse("catalogue:detail", args=[draft.slug]))
    entry = AuditEntry.objects.filter(action="programme.viewed", target_id=str(draft.pk)).get()
    assert entry.actor_label == "officer@example.org"
