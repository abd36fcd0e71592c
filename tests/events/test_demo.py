"""The demo activities: the events of the seeds with their exact titles, places and dates, the
Interregional Workshop series with its editions, upcoming activities the personas can act on; and
loading again changes nothing."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from ipassist.core.demo import load_organisations_and_users
from ipassist.core.models import User
from ipassist.events import access
from ipassist.events.demo import load_activities
from ipassist.events.models import (
    Activity,
    AgendaSession,
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

pytestmark = pytest.mark.django_db

SERIES = "interregional-workshop-copyright"
INTERPOL_EVENTS = [
    (
        "First INTERPOL Intellectual Property (IP) Law Enforcement Regional Conference for the Middle "
        "East and North African Region",
        "Kuwait City",
        "KW",
        date(2015, 6, 1),
        date(2015, 6, 3),
    ),
    (
        "2014 International Law Enforcement IP Crime Conference",
        "Hanoi",
        "VN",
        date(2014, 9, 23),
        date(2014, 9, 25),
    ),
    (
        "INTERPOL Trafficking in Illicit Goods and Counterfeiting Capacity Building Seminar",
        "Hangzhou",
        "CN",
        date(2013, 9, 24),
        date(2013, 9, 27),
    ),
    (
        "INTERPOL Trafficking in Illicit Goods International Training and Capacity Building Seminar",
        "Mumbai",
        "IN",
        date(2012, 11, 27),
        date(2012, 11, 30),
    ),
]


@pytest.fixture
def demo():
    load_organisations_and_users()
    load_activities()


def state():
    return {
        "series": list(Series.objects.order_by("slug").values()),
        "activities": list(Activity.objects.order_by("pk").values()),
        "links": [
            (
                sorted(a.co_organisers.values_list("slug", flat=True)),
                sorted(a.topics.values_list("code", flat=True)),
                sorted(a.audiences.values_list("code", flat=True)),
            )
            for a in Activity.objects.order_by("pk")
        ],
        "invitations": list(Invitation.objects.order_by("pk").values()),
        "speakers": list(Speaker.objects.order_by("pk").values()),
        "sessions": list(AgendaSession.objects.order_by("pk").values()),
        "participants": list(Participant.objects.order_by("pk").values()),
        "attendance": list(Attendance.objects.order_by("pk").values("participant", "day")),
        "certificates": list(
            Certificate.objects.order_by("pk").values("participant", "number", "days_attended")
        ),
        "evaluations": Evaluation.objects.count(),
        "receipts": list(EvaluationReceipt.objects.order_by("pk").values()),
    }


def test_loading_twice_changes_nothing():
    load_organisations_and_users()
    assert load_activities() > 0
    first = state()
    assert load_activities() == 0
    assert state() == first


def test_upcoming_dates_follow_the_day_of_loading_and_history_stays(demo):
    today = timezone.localdate()
    history = list(Activity.objects.filter(end_date__lt=today).order_by("pk").values())
    upcoming = dict(Activity.objects.filter(start_date__gt=today).values_list("pk", "start_date"))
    assert load_activities(today=today + timedelta(days=10)) > 0
    assert list(Activity.objects.filter(end_date__lt=today).order_by("pk").values()) == history
    moved = dict(Activity.objects.filter(pk__in=upcoming).values_list("pk", "start_date"))
    assert moved == {pk: start + timedelta(days=10) for pk, start in upcoming.items()}
    assert load_activities(today=today + timedelta(days=10)) == 0


@pytest.mark.parametrize(("title", "city", "country", "start", "end"), INTERPOL_EVENTS)
def test_interpol_events_have_the_seeds_titles_places_and_dates(demo, title, city, country, start, end):
    activity = Activity.objects.get(title_en=title)
    assert activity.provider.slug == "interpol"
    assert (activity.city, activity.country_id, activity.start_date, activity.end_date) == (
        city,
        country,
        start,
        end,
    )
    assert activity.is_published() and activity in access.public_activities()
    assert activity.title_fr and activity.title_es and activity.title_ar


def test_kuwait_conference_is_regional_with_the_seeds_speaker(demo):
    kuwait = Activity.objects.get(city="Kuwait City")
    assert kuwait.level == Activity.Level.REGIONAL
    assert kuwait.kind.code == "conference"
    speaker = kuwait.speakers.get()
    assert speaker.name == "Dr. Hala DAOUD - RUMEAU-MAILLOT"
    assert speaker.affiliation == "Counsel, Office of Legal Affairs, INTERPOL"
    assert speaker.listed_publicly
    assert kuwait.sessions.filter(speakers=speaker).exists()
    assert Activity.objects.get(city="Hanoi").level == Activity.Level.INTERNATIONAL


def test_interregional_workshop_series_has_its_editions_2012_to_2017(demo):
    series = Series.objects.get(slug=SERIES)
    assert series.provider.slug == "wipo"
    assert series.since == 2012
    assert series.title_en == "Interregional Workshop for Building Respect for Copyright and Related Rights"
    editions = list(series.activities.order_by("start_date"))
    assert [a.start_date.year for a in editions] == [2012, 2013, 2014, 2015, 2016, 2017]
    for edition in editions:
        assert "kr-mcst" in edition.co_organisers.values_list("slug", flat=True)
        assert edition.level == Activity.Level.INTERREGIONAL
        assert edition.country_id == "KR"
        assert {"judiciary", "copyright_offices"} <= set(edition.audiences.values_list("code", flat=True))
        assert {"online_infringement", "piracy", "border_measures", "awareness_raising"} <= set(
            edition.topics.values_list("code", flat=True)
        )
    # Only the 2017 venue is in the seed; the others keep the country and no city.
    assert [a.city for a in editions] == ["", "", "", "", "", "Seoul"]


def test_seoul_2017_edition_is_co_organised_by_mcst_and_kcopa(demo):
    seoul = Activity.objects.get(series__slug=SERIES, start_date__year=2017)
    assert seoul.title_en == "Interregional Workshop on Copyright Enforcement"
    assert (seoul.city, seoul.country_id) == ("Seoul", "KR")
    assert set(seoul.co_organisers.values_list("slug", flat=True)) == {"kr-mcst", "kr-kcopa"}
    officer = User.objects.get(email="officer@wipo.example")
    assert access.can_manage(officer, seoul)


def test_past_events_have_attendance_certificates_and_evaluations(demo):
    past = Activity.objects.filter(end_date__lt=timezone.localdate())
    assert past.count() == 10
    for activity in past:
        approved = activity.participants.filter(status=Participant.Status.APPROVED)
        assert approved.exists()
        assert Attendance.objects.filter(participant__activity=activity).exists()
        assert Certificate.objects.filter(participant__activity=activity).exists()
        assert activity.evaluations.exists()
        # Certificates only where the attendance earns one (80% of the days).
        for certificate in Certificate.objects.filter(participant__activity=activity):
            assert certificate.days_attended == certificate.participant.attendance.count()
            assert certificate.days_attended >= activity.days_needed_for_certificate()
    # Anonymous evaluations: answers without names, a receipt per answer.
    assert not Evaluation.objects.filter(participant__isnull=False).exists()
    assert Evaluation.objects.count() == EvaluationReceipt.objects.count()
    for p in Participant.objects.all():
        assert p.dedupe_key == dedupe_key(
            email=p.email,
            given_name=p.given_name,
            family_name=p.family_name,
            country_id=p.country_id,
            organisation_name=p.organisation_name,
        )


def test_demo_participant_has_a_certificate_from_seoul(demo):
    luis = User.objects.get(email="participant@peru.example")
    registration = Participant.objects.get(user=luis)
    assert registration.activity.city == "Seoul"
    assert registration.certificate.days_attended == 3
    assert registration.activity in access.activities_visible_to(luis)


def test_upcoming_activities_the_personas_can_act_on(demo):
    today = timezone.localdate()
    upcoming = Activity.objects.filter(start_date__gt=today)
    assert upcoming.count() == 3
    nomination = upcoming.get(registration=Activity.Registration.NOMINATION)
    assert set(nomination.invitations.values_list("organisation__slug", flat=True)) == {
        "ke-government",
        "vn-government",
        "ma-government",
    }
    for email in ("focal.point@kenya.example", "focal.point@vietnam.example", "focal.point@morocco.example"):
        assert access.can_nominate(User.objects.get(email=email), nomination)
    moroccan = nomination.participants.get()
    assert moroccan.invitation.organisation.slug == "ma-government"
    assert moroccan.registered_by.email == "focal.point@morocco.example"

    open_one = upcoming.get(registration=Activity.Registration.OPEN)
    assert access.can_self_register(User.objects.get(email="participant@peru.example"), open_one)
    assert open_one in access.public_activities()

    private = upcoming.get(is_public=False)
    assert private not in access.public_activities()
    assert private not in access.activities_visible_to(User.objects.get(email="officer@wipo.example"))
    assert private in access.activities_visible_to(User.objects.get(email="officer@interpol.example"))


@override_settings(DEBUG=True)
def test_demo_command_loads_the_activities():
    call_command("demo", stdout=StringIO())
    assert Activity.objects.count() == 13
    again = StringIO()
    call_command("demo", stdout=again)
    assert "Demo data: 0 change(s)." in again.getvalue()
