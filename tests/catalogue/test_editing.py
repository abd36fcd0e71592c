"""Officers draft, edit, publish and archive programmes; bad input gives clear errors and saves nothing."""

import pytest
from django.urls import reverse

from ipassist.catalogue import services
from ipassist.catalogue.models import Programme
from ipassist.core.models import AuditEntry, Topic
from tests.factories import ProgrammeFactory

FIELDS = {
    "title": "Judicial workshop on IP enforcement",
    "summary": "Practical training for judges.",
    "target_beneficiaries": "Judges",
    "objectives": "Strengthen adjudication of IP cases.",
    "activities": "- National workshops\n- Study visits",
    "outcomes": "Better-reasoned judgments.",
}
FRENCH = {
    "title": "Atelier judiciaire sur le respect de la PI",
    "summary": "Formation pratique pour les juges.",
    "target_beneficiaries": "Juges",
    "objectives": "Renforcer le traitement des affaires de PI.",
    "activities": "- Ateliers nationaux\n- Visites d'étude",
    "outcomes": "Des jugements mieux motivés.",
}


def payload(provider, en=FIELDS, **versions):
    data = {"provider": provider.pk, "original_language": "en", "reference": "Test reference"}
    data.update({f"v_en-{k}": v for k, v in en.items()})
    for language, fields in versions.items():
        data.update({f"v_{language}-{k}": v for k, v in fields.items()})
    return data


def test_officer_drafts_and_publishes(client_as, officer, provider):
    client = client_as("officer")
    topic = Topic.objects.get(code="enforcement")
    data = payload(provider, fr=FRENCH)
    data["topics"] = [topic.pk]
    response = client.post(reverse("catalogue:create"), data)
    programme = Programme.objects.get()
    assert response.status_code == 302
    assert response["Location"] == programme.get_absolute_url()
    assert programme.status == Programme.Status.DRAFT
    assert programme.slug == "judicial-workshop-on-ip-enforcement"
    assert sorted(programme.versions.values_list("language", flat=True)) == ["en", "fr"]
    assert list(programme.topics.all()) == [topic]
    assert AuditEntry.objects.filter(action="programme.created", target_id=str(programme.pk)).exists()

    # Not public yet.
    anonymous = client_as("anonymous")
    assert anonymous.get(programme.get_absolute_url()).status_code == 404

    response = client.post(reverse("catalogue:transition", args=[programme.slug, "publish"]), follow=True)
    assert "Programme published" in response.content.decode()
    programme.refresh_from_db()
    assert programme.status == Programme.Status.PUBLISHED
    assert programme.published_at is not None
    page = anonymous.get(reverse("catalogue:detail", args=[programme.slug]) + "?version=fr").content.decode()
    assert "Atelier judiciaire sur le respect de la PI" in page
    assert "<li>Ateliers nationaux</li>" in page


def test_missing_original_version_is_refused(client_as, officer, provider):
    data = payload(provider, en=dict.fromkeys(FIELDS, ""), fr=FRENCH)
    response = client_as("officer").post(reverse("catalogue:create"), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "The English version is the original and is required." in body
    assert "The programme was not saved" in body
    assert Programme.objects.count() == 0


def test_partial_translation_is_refused(client_as, officer, provider):
    data = payload(provider, fr={"title": "Titre seul"})
    response = client_as("officer").post(reverse("catalogue:create"), data)
    assert response.status_code == 200
    assert "This field is required for the French version." in response.content.decode()
    assert Programme.objects.count() == 0


def test_over_long_fields_are_refused(client_as, officer, provider):
    data = payload(provider, en={**FIELDS, "title": "x" * 501})
    response = client_as("officer").post(reverse("catalogue:create"), data)
    assert response.status_code == 200
    assert "Ensure this value has at most 500 characters (it has 501)." in response.content.decode()
    assert Programme.objects.count() == 0


def test_original_in_arabic(client_as, officer, provider):
    arabic = {
        "title": "حلقة عمل وطنية بشأن إنفاذ حقوق الملكية الفكرية",
        "target_beneficiaries": "القضاة",
        "objectives": "تعزيز القدرات",
        "activities": "- حلقات عمل",
    }
    data = {"provider": provider.pk, "original_language": "ar"}
    data.update({f"v_ar-{k}": v for k, v in arabic.items()})
    response = client_as("officer").post(reverse("catalogue:create"), data)
    assert response.status_code == 302
    programme = Programme.objects.get()
    assert programme.slug == "programme"  # Arabic titles give no ASCII slug; a generic one is used
    assert programme.versions.get().title == arabic["title"]


def test_hostile_and_odd_text_is_kept_and_escaped(client_as, officer, provider):
    odd = {
        **FIELDS,
        "title": "<script>alert(1)</script> Ｆｕｌｌ‐width \u200f\u202eRTL override 🧑‍⚖️ e\u0301",  # noqa: RUF001 — odd Unicode on purpose
        "objectives": "Line with <b>markup</b> & entities &amp;",
    }
    client = client_as("officer")
    client.post(reverse("catalogue:create"), payload(provider, en=odd))
    programme = Programme.objects.get()
    assert programme.versions.get().title == odd["title"]
    body = client.get(programme.get_absolute_url()).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "&lt;b&gt;markup&lt;/b&gt; &amp; entities &amp;amp;" in body


def edit_data(programme, **changes):
    versions = {v.language: v for v in programme.versions.all()}
    data = {
        "revision": programme.revision,
        "provider": programme.provider_id,
        "original_language": programme.original_language,
        "reference": programme.reference,
    }
    for language, version in versions.items():
        for name in ("title", "summary", "target_beneficiaries", "objectives", "activities", "outcomes"):
            data[f"v_{language}-{name}"] = getattr(version, name)
    data.update(changes)
    return data


def test_edit_bumps_revision_and_records_changes(client_as, officer, provider):
    programme = ProgrammeFactory(provider=provider, languages=["en", "fr"])
    response = client_as("officer").post(
        reverse("catalogue:edit", args=[programme.slug]),
        edit_data(programme, **{"v_fr-title": "Nouveau titre"}),
    )
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.revision == 2
    assert programme.versions.get(language="fr").title == "Nouveau titre"
    entry = AuditEntry.objects.get(action="programme.updated")
    assert entry.data == {"revision": 2, "changed": ["fr:title"]}


def test_removing_a_translation(client_as, officer, provider):
    programme = ProgrammeFactory(provider=provider, languages=["en", "es"])
    blank = {
        f"v_es-{n}": ""
        for n in ("title", "summary", "target_beneficiaries", "objectives", "activities", "outcomes")
    }
    client_as("officer").post(reverse("catalogue:edit", args=[programme.slug]), edit_data(programme, **blank))
    assert list(programme.versions.values_list("language", flat=True)) == ["en"]


def test_stale_edit_is_refused_and_loses_nothing(client_as, officer, provider):
    programme = ProgrammeFactory(provider=provider, languages=["en"])
    mine = edit_data(programme, **{"v_en-objectives": "My careful rewrite of the objectives"})
    # Someone else saves first.
    services.programme_update(
        programme=programme,
        by=officer,
        expected_revision=1,
        data={"provider": provider, "original_language": "en", "reference": "theirs"},
        versions={
            "en": {**{n: getattr(programme.versions.get(), n) for n in FIELDS}, "title": "Their title"}
        },
    )
    response = client_as("officer").post(reverse("catalogue:edit", args=[programme.slug]), mine)
    assert response.status_code == 200
    body = response.content.decode()
    assert "someone else changed this programme after you opened it" in body
    assert "en:title" in body  # what they changed
    assert "My careful rewrite of the objectives" in body  # my text is still in the form
    assert 'name="revision" value="2"' in body
    programme.refresh_from_db()
    assert programme.versions.get().title == "Their title"
    assert programme.versions.get().objectives != "My careful rewrite of the objectives"

    # Saving again, now knowingly, applies my version.
    assert (
        client_as("officer")
        .post(reverse("catalogue:edit", args=[programme.slug]), {**mine, "revision": 2})
        .status_code
        == 302
    )
    assert programme.versions.get().objectives == "My careful rewrite of the objectives"


@pytest.mark.parametrize(
    ("status", "action", "message"),
    [
        (Programme.Status.PUBLISHED, "publish", "A programme that is published cannot become published."),
        (Programme.Status.DRAFT, "unpublish", "A programme that is draft cannot become draft."),
        (Programme.Status.ARCHIVED, "archive", "A programme that is archived cannot become archived."),
    ],
)
def test_invalid_transition_is_refused(client_as, officer, provider, status, action, message):
    programme = ProgrammeFactory(provider=provider, status=status)
    writes = AuditEntry.objects.exclude(action="programme.viewed")  # following the redirect reads the page
    before = (programme.status, programme.revision, writes.count())
    response = client_as("officer").post(
        reverse("catalogue:transition", args=[programme.slug, action]), follow=True
    )
    assert message in response.content.decode()
    programme.refresh_from_db()
    assert (programme.status, programme.revision, writes.count()) == before


def test_archive_hides_from_public(client_as, officer, provider):
    programme = ProgrammeFactory(provider=provider)
    client_as("officer").post(reverse("catalogue:transition", args=[programme.slug, "archive"]))
    assert client_as("anonymous").get(programme.get_absolute_url()).status_code == 404
    assert client_as("officer").get(programme.get_absolute_url()).status_code == 200


def test_unknown_action_changes_nothing(client_as, officer, provider):
    programme = ProgrammeFactory(provider=provider, status=Programme.Status.DRAFT)
    response = client_as("officer").post(reverse("catalogue:transition", args=[programme.slug, "delete"]))
    assert response.status_code == 302
    programme.refresh_from_db()
    assert programme.status == Programme.Status.DRAFT
