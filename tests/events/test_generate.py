"""`ipassist generate`: reproducible generated activities and participants, spread over regions,
types and levels, with correct identities; `--clear` removes them and nothing else."""

import unicodedata
from collections import Counter
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ipassist.core.demo import load_organisations_and_users
from ipassist.core.models import Organisation
from ipassist.events.demo import load_activities
from ipassist.events.generate import GENERATOR_EMAIL, REFERENCE_DATE, SLUG_PREFIX, generated_activities
from ipassist.events.models import (
    EVENT_TYPE_CODES,
    Activity,
    Attendance,
    Certificate,
    Evaluation,
    EvaluationReceipt,
    Invitation,
    Participant,
    Series,
    Speaker,
)
from ipassist.events.services import dedupe_key
from tests.factories import ActivityFactory, ParticipantFactory

pytestmark = pytest.mark.django_db


def generate(*args) -> str:
    out = StringIO()
    call_command("generate", *map(str, args), stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    """Everything generated, without database ids (they depend on what the database held before)."""
    activities = list(generated_activities().order_by("pk"))
    position = {a.pk: n for n, a in enumerate(activities)}
    skip = {"id", "created_at", "updated_at", "series", "kind", "provider", "country", "created_by"}
    participants = list(Participant.objects.filter(activity__in=activities).order_by("pk"))
    key = {p.pk: (position[p.activity_id], p.dedupe_key) for p in participants}
    return {
        "activities": [
            (
                {
                    f.name: f.value_from_object(a)
                    for f in Activity._meta.concrete_fields
                    if f.name not in skip
                },
                a.kind.code,
                a.provider.slug,
                a.country_id,
                a.series.slug if a.series else None,
                sorted(a.topics.values_list("code", flat=True)),
                sorted(a.audiences.values_list("code", flat=True)),
                sorted(a.co_organisers.values_list("slug", flat=True)),
            )
            for a in activities
        ],
        "participants": [
            (
                position[p.activity_id],
                p.given_name,
                p.family_name,
                p.email,
                p.organisation_name,
                p.country_id,
                p.background.code,
                p.position,
                p.gender,
                p.status,
                p.dedupe_key,
                p.consent_at,
                p.registered_at,
                p.decided_at,
                p.invitation.organisation.slug if p.invitation else None,
            )
            for p in participants
        ],
        "speakers": sorted(
            (position[s.activity_id], s.name, s.affiliation, s.country_id, s.is_expert, s.listed_publicly)
            for s in Speaker.objects.filter(activity__in=activities)
        ),
        "invitations": sorted(
            (position[i.activity_id], i.organisation.slug, i.quota)
            for i in Invitation.objects.filter(activity__in=activities)
        ),
        "attendance": sorted(
            (key[a.participant_id], a.day, a.recorded_at)
            for a in Attendance.objects.filter(participant__in=participants)
        ),
        "certificates": sorted(
            (key[c.participant_id], c.number.rsplit("-", 1)[1], c.days_attended, c.issued_at)
            for c in Certificate.objects.filter(participant__in=participants)
        ),
        "evaluations": sorted(
            (
                position[e.activity_id],
                e.submitted_on,
                e.satisfaction,
                e.relevance,
                e.knowledge_before,
                e.knowledge_after,
                e.improve,
            )
            for e in Evaluation.objects.filter(activity__in=activities)
        ),
        "receipts": sorted(
            key[r.participant_id] for r in EvaluationReceipt.objects.filter(activity__in=activities)
        ),
    }


def test_the_same_seed_gives_the_same_data():
    generate("--activities", 60, "--participants", 900, "--seed", 5)
    first = snapshot()
    generate("--clear", "--activities", 60, "--participants", 900, "--seed", 5)
    assert snapshot() == first
    assert first["attendance"] and first["certificates"] and first["evaluations"] and first["speakers"]


def test_another_seed_gives_other_data():
    generate("--activities", 60, "--participants", 900, "--seed", 5)
    first = snapshot()
    generate("--clear", "--activities", 60, "--participants", 900, "--seed", 6)
    second = snapshot()
    assert len(second["activities"]) == len(first["activities"]) == 60
    assert second["activities"] != first["activities"]
    assert {p[3] for p in second["participants"]} != {p[3] for p in first["participants"]}


def test_counts_match_the_arguments_and_the_report():
    out = generate("--activities", 120, "--participants", 2500, "--seed", 2)
    assert generated_activities().count() == 120
    assert Participant.objects.filter(activity__in=generated_activities()).count() == 2500
    assert "Generated 120 activities" in out and "2,500 participants" in out and "seed 2" in out
    # Nobody registers for an activity in preparation; every activity is of the events register.
    drafts = generated_activities().filter(status=Activity.Status.DRAFT)
    assert not Participant.objects.filter(activity__in=drafts).exists()
    assert set(generated_activities().values_list("kind__code", flat=True)) <= set(EVENT_TYPE_CODES)


def test_every_participant_has_the_identity_the_services_would_give():
    generate("--activities", 80, "--participants", 3000, "--seed", 3)
    participants = Participant.objects.filter(activity__in=generated_activities())
    for p in participants:
        assert p.dedupe_key == dedupe_key(
            email=p.email,
            given_name=p.given_name,
            family_name=p.family_name,
            country_id=p.country_id,
            organisation_name=p.organisation_name,
        )
    per_activity = Counter(participants.values_list("activity_id", "dedupe_key"))
    assert max(per_activity.values()) == 1
    assert participants.filter(email="").exists()  # some have no address: the key is their name


def test_data_spreads_over_regions_types_levels_and_scripts():
    generate("--activities", 400, "--participants", 4000, "--seed", 1)
    activities = generated_activities()
    regions = Counter(activities.exclude(country=None).values_list("country__region_id", flat=True))
    assert set(regions) == {"002", "019", "142", "150", "009"}  # every UN M49 region hosts some
    assert regions["009"] < regions["142"]  # weighted: Oceania far less than Asia
    assert set(activities.values_list("kind__code", flat=True)) == set(EVENT_TYPE_CODES)
    assert set(activities.values_list("level", flat=True)) == set(Activity.Level.values)
    years = set(activities.values_list("start_date__year", flat=True))
    assert min(years) == 2012 and max(years) == REFERENCE_DATE.year + 1
    assert activities.filter(start_date__gt=REFERENCE_DATE).exists()
    assert set(activities.values_list("status", flat=True)) == set(Activity.Status.values)
    assert activities.filter(is_public=False).exists() and activities.filter(is_public=True).exists()
    assert activities.exclude(title_ar="").count() == activities.count()

    participants = Participant.objects.filter(activity__in=activities)
    assert participants.values("country").distinct().count() > 100
    assert participants.values("background").distinct().count() >= 12
    assert set(participants.values_list("gender", flat=True)) >= {"female", "male", ""}
    assert set(participants.values_list("status", flat=True)) == set(Participant.Status.values)
    scripts = Counter(unicodedata.name(p.family_name[0]).split()[0] for p in participants.only("family_name"))
    assert {"LATIN", "ARABIC", "CYRILLIC", "CJK"} <= set(scripts)

    # Attendance and certificates only where the activity is over, and as earned.
    past = activities.filter(end_date__lt=REFERENCE_DATE)
    assert not Attendance.objects.filter(participant__activity__in=activities.exclude(pk__in=past)).exists()
    assert Attendance.objects.filter(participant__activity__in=past).exists()
    for certificate in Certificate.objects.filter(participant__activity__in=activities).select_related(
        "participant__activity"
    ):
        activity = certificate.participant.activity
        assert certificate.participant.status == Participant.Status.APPROVED
        assert certificate.days_attended == certificate.participant.attendance.count()
        assert certificate.days_attended >= activity.days_needed_for_certificate()
    assert Evaluation.objects.filter(activity__in=activities).count() == EvaluationReceipt.objects.count()


def test_clear_removes_only_generated_rows():
    load_organisations_and_users()
    load_activities()
    own = ActivityFactory(provider=Organisation.objects.get(slug="wipo"), title_en="Kept")
    ParticipantFactory(activity=own)
    before = {
        "activities": set(Activity.objects.values_list("pk", flat=True)),
        "participants": set(Participant.objects.values_list("pk", flat=True)),
        "certificates": Certificate.objects.count(),
        "series": set(Series.objects.values_list("slug", flat=True)),
        "organisations": set(Organisation.objects.values_list("slug", flat=True)),
    }
    generate("--activities", 150, "--participants", 2000, "--seed", 4)
    generated = generated_activities()
    assert generated.count() == 150
    # The demo's providers run the generated activities; the demo governments are invited, and
    # their nominations fit their quota.
    assert set(generated.values_list("provider__slug", flat=True)) <= {"wipo", "interpol", "us-ipec"}
    for invitation in Invitation.objects.filter(activity__in=generated):
        used = invitation.nominations.filter(status__in=Participant.COUNTS_AGAINST_QUOTA).count()
        assert used <= invitation.quota
    assert Series.objects.filter(slug__startswith=SLUG_PREFIX).exists()

    out = generate("--clear")
    assert "Removed 150 generated activities" in out
    assert not generated_activities().exists()
    assert set(Activity.objects.values_list("pk", flat=True)) == before["activities"]
    assert set(Participant.objects.values_list("pk", flat=True)) == before["participants"]
    assert Certificate.objects.count() == before["certificates"]
    assert set(Series.objects.values_list("slug", flat=True)) == before["series"]
    assert set(Organisation.objects.values_list("slug", flat=True)) == before["organisations"]
    assert not Activity.objects.filter(created_by__email=GENERATOR_EMAIL).exists()


def test_generated_providers_when_there_are_none_go_with_clear():
    generate("--activities", 20, "--participants", 100, "--seed", 8)
    assert set(generated_activities().values_list("provider__slug", flat=True)) <= {
        f"{SLUG_PREFIX}provider-a",
        f"{SLUG_PREFIX}provider-b",
    }
    generate("--clear")
    assert not Organisation.objects.filter(slug__startswith=SLUG_PREFIX).exists()


def test_once_leaves_existing_generated_data_alone():
    generate("--activities", 10, "--participants", 50, "--seed", 1)
    first = snapshot()
    out = generate("--activities", 10, "--participants", 50, "--seed", 2, "--once")
    assert "nothing generated" in out
    assert snapshot() == first


def test_reference_date_today_puts_upcoming_activities_after_today():
    generate("--activities", 100, "--participants", 500, "--seed", 1, "--reference-date", "today")
    today = timezone.localdate()
    upcoming = generated_activities().filter(start_date__gt=today)
    assert upcoming.exists()
    assert not Attendance.objects.filter(participant__activity__in=upcoming).exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "Nothing to do"),
        (("--participants", 10), "need activities"),
        (("--activities", -1), "cannot be negative"),
        (("--activities", 5, "--reference-date", "yesterday"), "YYYY-MM-DD"),
    ],
)
def test_bad_arguments_are_refused_with_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        generate(*args)
    assert not Activity.objects.exists()
