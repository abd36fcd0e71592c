"""Evaluations: answering once, anonymity, the summary's figures, who reads them, series comparison.

The questionnaire is answered only by an approved participant while the evaluation is open;
everyone else gets 404 and a denied answer writes nothing. Results are read by the organisers only,
and never show a name.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ipassist.core.models import AuditEntry
from ipassist.events import evaluations
from ipassist.events.evaluations import AlreadyAnswered, EvaluationRefused, question_field
from ipassist.events.models import Evaluation, EvaluationReceipt, Participant, Question, Series
from tests.factories import ActivityFactory, ParticipantFactory, UserFactory

OTHERS = [
    "officer",
    "other_officer",
    "focal_point",
    "other_focal_point",
    "expert",
    "unassigned_expert",
    "partner",
]


def answers_of(satisfaction, relevance, before, after, improve=""):
    return {
        "satisfaction": satisfaction,
        "relevance": relevance,
        "knowledge_before": before,
        "knowledge_after": after,
        "improve": improve,
    }


def post_data(satisfaction=4, relevance=4, before=2, after=4, improve="", **custom):
    return {
        "satisfaction": str(satisfaction),
        "relevance": str(relevance),
        "knowledge_before": str(before),
        "knowledge_after": str(after),
        "improve": improve,
        **custom,
    }


def snapshot():
    return (
        Evaluation.objects.count(),
        EvaluationReceipt.objects.count(),
        AuditEntry.objects.count(),
        Question.objects.count(),
    )


def another_participant(activity, **kwargs):
    user = UserFactory()
    return ParticipantFactory(activity=activity, user=user, **kwargs)


@pytest.fixture
def open_activity(activity):
    activity.evaluation_open = True
    activity.save()
    return activity


@pytest.fixture
def named_activity(open_activity):
    open_activity.evaluation_anonymous = False
    open_activity.save()
    return open_activity


# --- answering ---------------------------------------------------------------------------------


def test_anonymous_answer_keeps_no_link_to_the_person(open_activity, participant):
    audit_before = AuditEntry.objects.count()
    evaluation = evaluations.evaluation_submit(
        activity=open_activity, by=participant, data=answers_of(4, 5, 2, 4, "More cases"), answers={}
    )
    evaluation.refresh_from_db()
    assert evaluation.participant is None
    assert (evaluation.satisfaction, evaluation.relevance) == (4, 5)
    assert (evaluation.knowledge_before, evaluation.knowledge_after) == (2, 4)
    assert evaluation.improve == "More cases"
    receipt = EvaluationReceipt.objects.get()
    assert receipt.participant.user == participant
    assert not hasattr(receipt, "evaluation")
    # No audit entry: one naming the person, with its time, would re-link them to the answers.
    assert AuditEntry.objects.count() == audit_before


def test_named_answer_is_stored_with_the_registration(named_activity, participant):
    evaluation = evaluations.evaluation_submit(
        activity=named_activity, by=participant, data=answers_of(3, 3, 3, 3), answers={}
    )
    registration = named_activity.participants.get(user=participant)
    assert Evaluation.objects.get(pk=evaluation.pk).participant == registration
    assert AuditEntry.objects.filter(action="evaluation.submitted", actor=participant).count() == 1


@pytest.mark.parametrize("anonymous", [True, False])
def test_second_answer_is_refused_and_nothing_written(open_activity, participant, anonymous):
    open_activity.evaluation_anonymous = anonymous
    open_activity.save()
    evaluations.evaluation_submit(
        activity=open_activity, by=participant, data=answers_of(4, 4, 2, 4), answers={}
    )
    before = snapshot()
    with pytest.raises(AlreadyAnswered, match="already answered"):
        evaluations.evaluation_submit(
            activity=open_activity, by=participant, data=answers_of(1, 1, 1, 1), answers={}
        )
    assert snapshot() == before
    assert Evaluation.objects.get().satisfaction == 4


def test_second_answer_through_the_page_is_refused_with_a_message(client_as, open_activity, participant):
    url = reverse("events:evaluation", args=[open_activity.pk])
    client = client_as("participant")
    assert client.post(url, post_data(satisfaction=5)).status_code == 302
    before = snapshot()
    response = client.post(url, post_data(satisfaction=1), follow=True)
    assert response.redirect_chain[-1][0] == open_activity.get_absolute_url()
    assert "already answered" in response.content.decode()
    assert snapshot() == before
    assert Evaluation.objects.get().satisfaction == 5
    # The form itself is not offered again either.
    response = client.get(url, follow=True)
    assert "already answered" in response.content.decode()
    assert 'name="satisfaction"' not in response.content.decode()


def test_answer_through_the_page(client_as, open_activity):
    question = Question.objects.create(activity=open_activity, text="Were the materials useful?")
    response = client_as("participant").post(
        reverse("events:evaluation", args=[open_activity.pk]),
        post_data(5, 4, 1, 4, "Shorter lunch", **{question_field(question.pk): "5"}),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == open_activity.get_absolute_url()
    assert "Thank you for your evaluation." in response.content.decode()
    evaluation = Evaluation.objects.get()
    assert (evaluation.satisfaction, evaluation.relevance, evaluation.knowledge_before) == (5, 4, 1)
    assert evaluation.improve == "Shorter lunch"
    assert evaluation.answers == {str(question.pk): 5}


def test_form_groups_each_rating_in_a_fieldset_with_the_scale_labels(client_as, open_activity):
    Question.objects.create(activity=open_activity, text="Would you recommend it?", kind=Question.Kind.YES_NO)
    Question.objects.create(activity=open_activity, text="Which topic next?", kind=Question.Kind.TEXT)
    response = client_as("participant").get(reverse("events:evaluation", args=[open_activity.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<fieldset") == 5  # four standard ratings and the yes/no question
    assert "<legend>Overall satisfaction" in html
    assert "5 — excellent / very high" in html
    assert "Would you recommend it?" in html
    assert 'type="radio"' in html
    assert "<script" not in html and "style=" not in html


def test_closed_evaluation_is_404_and_writes_nothing(client_as, activity, participant):
    assert not activity.evaluation_open
    url = reverse("events:evaluation", args=[activity.pk])
    before = snapshot()
    assert client_as("participant").get(url).status_code == 404
    assert client_as("participant").post(url, post_data()).status_code == 404
    with pytest.raises(Http404):
        evaluations.evaluation_submit(
            activity=activity, by=participant, data=answers_of(4, 4, 4, 4), answers={}
        )
    assert snapshot() == before


@pytest.mark.parametrize("status", ["pending", "waitlisted", "rejected", "withdrawn"])
def test_participant_not_approved_cannot_answer(client_as, open_activity, participant, status):
    open_activity.participants.filter(user=participant).update(status=status)
    url = reverse("events:evaluation", args=[open_activity.pk])
    before = snapshot()
    assert client_as("participant").get(url).status_code == 404
    assert client_as("participant").post(url, post_data()).status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize("persona", [*OTHERS, "anonymous"])
def test_only_the_approved_participant_reaches_the_questionnaire(client_as, open_activity, persona):
    url = reverse("events:evaluation", args=[open_activity.pk])
    expected = 302 if persona == "anonymous" else 404
    before = snapshot()
    assert client_as(persona).get(url).status_code == expected
    response = client_as(persona).post(url, post_data())
    assert response.status_code == expected
    if persona == "anonymous":
        assert response["Location"].startswith(reverse("core:login"))
    assert snapshot() == before
    assert client_as("participant").get(url).status_code == 200


# --- validation --------------------------------------------------------------------------------


def test_out_of_range_rating_is_refused_with_a_message(client_as, open_activity):
    question = Question.objects.create(activity=open_activity, text="Were the materials useful?")
    before = snapshot()
    response = client_as("participant").post(
        reverse("events:evaluation", args=[open_activity.pk]),
        post_data(**{question_field(question.pk): "6"}),
    )
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in response.content.decode()
    response = client_as("participant").post(
        reverse("events:evaluation", args=[open_activity.pk]), post_data(satisfaction=0)
    )
    assert response.status_code == 400
    assert "Choose a rating from 1 to 5." in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        (Question.Kind.SCALE, 6, "Choose a rating from 1 to 5."),
        (Question.Kind.SCALE, 0, "Choose a rating from 1 to 5."),
        (Question.Kind.SCALE, "lots", "Choose a rating from 1 to 5."),
        (Question.Kind.SCALE, True, "Choose a rating from 1 to 5."),
        (Question.Kind.YES_NO, "maybe", "Answer yes or no."),
        (Question.Kind.TEXT, "x" * 2001, "Write at most 2000 characters."),
    ],
)
def test_custom_answers_are_checked_by_the_service(open_activity, participant, kind, value, message):
    question = Question.objects.create(activity=open_activity, text="Q", kind=kind)
    before = snapshot()
    with pytest.raises(ValidationError) as error:
        evaluations.evaluation_submit(
            activity=open_activity, by=participant, data=answers_of(4, 4, 2, 4), answers={question.pk: value}
        )
    assert error.value.message_dict == {question_field(question.pk): [message]}
    assert snapshot() == before


def test_standard_ratings_are_required_and_checked(open_activity, participant):
    with pytest.raises(ValidationError) as error:
        evaluations.evaluation_submit(
            activity=open_activity,
            by=participant,
            data={"satisfaction": 9, "relevance": "", "knowledge_before": 2, "knowledge_after": 3},
            answers={},
        )
    assert set(error.value.message_dict) == {"satisfaction", "relevance"}
    assert not Evaluation.objects.exists()


def test_unknown_questions_are_ignored_and_answers_kept_by_id(open_activity, participant, provider):
    scale = Question.objects.create(activity=open_activity, text="Useful?", kind=Question.Kind.SCALE)
    yes_no = Question.objects.create(activity=open_activity, text="Recommend?", kind=Question.Kind.YES_NO)
    text = Question.objects.create(activity=open_activity, text="Next topic?", kind=Question.Kind.TEXT)
    elsewhere = Question.objects.create(activity=ActivityFactory(provider=provider), text="Other")
    evaluation = evaluations.evaluation_submit(
        activity=open_activity,
        by=participant,
        data=answers_of(4, 4, 2, 4),
        answers={
            str(scale.pk): "3",
            yes_no.pk: "no",
            text.pk: "  Border measures ",
            elsewhere.pk: 5,
            "999999": 5,
            "not-an-id": "x",
        },
    )
    evaluation.refresh_from_db()
    assert evaluation.answers == {str(scale.pk): 3, str(yes_no.pk): False, str(text.pk): "Border measures"}


# --- summary -----------------------------------------------------------------------------------


@pytest.fixture
def answered(open_activity, participant):
    """Three answers of four approved participants (a pending registration does not count).

    satisfaction 5 4 2, relevance 4 5 4, knowledge before 2 1 3 and after 4 4 3.
    """
    useful = Question.objects.create(activity=open_activity, text="Were the materials useful?")
    recommend = Question.objects.create(
        activity=open_activity, text="Would you recommend it?", kind=Question.Kind.YES_NO
    )
    topic = Question.objects.create(activity=open_activity, text="Which topic next?", kind=Question.Kind.TEXT)
    second, third = another_participant(open_activity), another_participant(open_activity)
    another_participant(open_activity)  # approved, does not answer
    another_participant(open_activity, status=Participant.Status.PENDING)
    for user, data, custom in [
        (
            participant,
            answers_of(5, 4, 2, 4, "More case studies"),
            {useful.pk: 5, recommend.pk: "yes", topic.pk: "Border measures"},
        ),
        (second.user, answers_of(4, 5, 1, 4, "  "), {useful.pk: 4, recommend.pk: "no", topic.pk: ""}),
        (third.user, answers_of(2, 4, 3, 3, "Longer sessions"), {recommend.pk: "yes", topic.pk: "Sanctions"}),
    ]:
        evaluations.evaluation_submit(activity=open_activity, by=user, data=data, answers=custom)
    return open_activity, useful, recommend, topic


def counts(result):
    return [step["count"] for step in result["distribution"]]


def test_summary_figures(answered):
    activity, useful, recommend, topic = answered
    result = evaluations.summary(activity)
    assert result["responses"] == 3
    assert (result["approved"], result["answered"], result["response_rate"]) == (4, 3, 75)
    scales = {scale["name"]: scale for scale in result["scales"]}
    assert scales["satisfaction"]["mean"] == 3.7  # 11 / 3
    assert counts(scales["satisfaction"]) == [0, 1, 0, 1, 1]
    assert scales["relevance"]["mean"] == 4.3  # 13 / 3
    assert counts(scales["relevance"]) == [0, 0, 0, 2, 1]
    assert scales["knowledge_before"]["mean"] == 2.0
    assert counts(scales["knowledge_before"]) == [1, 1, 1, 0, 0]
    assert scales["knowledge_after"]["mean"] == 3.7  # 11 / 3
    assert counts(scales["knowledge_after"]) == [0, 0, 1, 2, 0]
    assert result["gain"] == 1.7  # (2 + 3 + 0) / 3
    assert result["satisfied_share"] == 67  # 2 of 3 rate satisfaction 4 or more
    assert result["improvements"] == ["Longer sessions", "More case studies"]
    custom = {item["question"].pk: item for item in result["questions"]}
    assert custom[useful.pk]["mean"] == 4.5
    assert counts(custom[useful.pk]) == [0, 0, 0, 1, 1]
    assert (custom[recommend.pk]["yes"], custom[recommend.pk]["no"]) == (2, 1)
    assert custom[topic.pk]["texts"] == ["Border measures", "Sanctions"]


def test_summary_ratings_come_from_one_aggregate_query(answered):
    activity = answered[0]
    with CaptureQueriesContext(connection) as three:
        evaluations.summary(activity)
    for _ in range(5):
        evaluations.evaluation_submit(
            activity=activity,
            by=another_participant(activity).user,
            data=answers_of(3, 3, 3, 3),
            answers={},
        )
    with CaptureQueriesContext(connection) as eight:
        result = evaluations.summary(activity)
    assert result["responses"] == 8
    assert len(eight.captured_queries) == len(three.captured_queries) <= 6


def test_summary_without_answers(activity):
    result = evaluations.summary(activity)
    assert result["responses"] == 0
    assert result["gain"] is None and result["satisfied_share"] is None
    assert all(scale["mean"] is None for scale in result["scales"])
    assert result["response_rate"] == 0  # one approved participant, no answer


# --- results page ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "persona", ["officer", "other_officer", "focal_point", "participant", "expert", "partner", "anonymous"]
)
def test_results_are_for_the_organisers_only(client_as, answered, persona):
    activity = answered[0]
    response = client_as(persona).get(reverse("events:evaluation_results", args=[activity.pk]))
    expected = {"officer": 200, "anonymous": 302}.get(persona, 404)
    assert response.status_code == expected
    assert ("More case studies" in response.content.decode()) == (expected == 200)


def test_results_never_show_names(client_as, named_activity, participant):
    evaluations.evaluation_submit(
        activity=named_activity, by=participant, data=answers_of(4, 4, 2, 4, "More case studies"), answers={}
    )
    response = client_as("officer").get(reverse("events:evaluation_results", args=[named_activity.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "More case studies" in html
    for name in ("Amina", "Odhiambo", participant.email, participant.full_name):
        assert name not in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html


# --- custom questions --------------------------------------------------------------------------


def test_organiser_adds_and_removes_questions(client_as, activity, officer):
    url = reverse("events:evaluation_questions", args=[activity.pk])
    client = client_as("officer")
    response = client.post(url, {"text": "  Were the   materials useful? ", "kind": "scale"})
    assert response.status_code == 302
    question = Question.objects.get()
    assert (question.text, question.kind, question.activity) == (
        "Were the materials useful?",
        "scale",
        activity,
    )
    second = evaluations.question_add(activity=activity, by=officer, text="Recommend?", kind="yes_no")
    assert second.position == question.position + 1
    assert "Were the materials useful?" in client.get(url).content.decode()
    assert client.post(url, {"remove": question.pk}).status_code == 302
    assert list(Question.objects.all()) == [second]
    assert client.post(url, {"text": "", "kind": "scale"}).status_code == 400
    assert client.post(url, {"remove": "999999"}).status_code == 404
    assert AuditEntry.objects.filter(action__startswith="evaluation.question_").count() == 3


@pytest.mark.parametrize("persona", [p for p in OTHERS if p != "officer"] + ["participant"])
def test_others_cannot_change_questions(client_as, activity, persona):
    question = Question.objects.create(activity=activity, text="Useful?")
    url = reverse("events:evaluation_questions", args=[activity.pk])
    before = snapshot()
    assert client_as(persona).get(url).status_code == 404
    assert client_as(persona).post(url, {"text": "Mine", "kind": "text"}).status_code == 404
    assert client_as(persona).post(url, {"remove": question.pk}).status_code == 404
    assert snapshot() == before


def test_questions_are_fixed_once_answered(client_as, open_activity, officer, participant):
    question = Question.objects.create(activity=open_activity, text="Useful?")
    evaluations.evaluation_submit(
        activity=open_activity, by=participant, data=answers_of(4, 4, 2, 4), answers={question.pk: 4}
    )
    before = snapshot()
    with pytest.raises(EvaluationRefused, match="already answered"):
        evaluations.question_add(activity=open_activity, by=officer, text="Late", kind="text")
    with pytest.raises(EvaluationRefused, match="already answered"):
        evaluations.question_remove(question=question, by=officer)
    url = reverse("events:evaluation_questions", args=[open_activity.pk])
    response = client_as("officer").post(url, {"remove": question.pk}, follow=True)
    assert "can no longer change" in response.content.decode()
    response = client_as("officer").post(url, {"text": "Late", "kind": "text"}, follow=True)
    assert "can no longer change" in response.content.decode()
    assert snapshot() == before


# --- series ------------------------------------------------------------------------------------


@pytest.fixture
def series(provider):
    return Series.objects.create(slug="interregional", provider=provider, title_en="Interregional Workshop")


def edition(series, provider, year, ratings, approved=None):
    """An edition held in ``year`` whose answers are ``ratings`` (satisfaction, relevance, before,
    after); ``approved`` participants (default: one per answer) of whom the first len(ratings) answered."""
    activity = ActivityFactory(
        provider=provider,
        series=series,
        start_date=date(year, 5, 10),
        end_date=date(year, 5, 12),
        title_en=f"Interregional Workshop {year}",
        evaluation_open=True,
    )
    people = [another_participant(activity) for _ in range(approved or len(ratings))]
    for person, (sat, rel, before, after) in zip(people, ratings, strict=False):
        evaluations.evaluation_submit(
            activity=activity, by=person.user, data=answers_of(sat, rel, before, after), answers={}
        )
    return activity


def test_series_comparison_across_editions(series, provider, officer):
    # Created out of order: rows come oldest first.
    third = edition(series, provider, 2024, [(5, 5, 2, 5), (4, 5, 3, 4)])
    first = edition(series, provider, 2022, [(3, 4, 1, 3), (4, 4, 2, 3), (2, 3, 2, 2)], approved=4)
    second = edition(series, provider, 2023, [], approved=2)
    rows = evaluations.series_comparison(series, user=officer)
    assert [(row["activity"], row["year"]) for row in rows] == [(first, 2022), (second, 2023), (third, 2024)]
    assert rows[0]["responses"] == 3 and rows[0]["response_rate"] == 75
    assert rows[0]["satisfaction"] == 3.0 and rows[0]["relevance"] == 3.7  # 11 / 3
    assert (rows[0]["knowledge_before"], rows[0]["knowledge_after"]) == (1.7, 2.7)  # 5 / 3, 8 / 3
    assert rows[0]["gain"] == 1.0
    assert rows[1]["responses"] == 0 and rows[1]["response_rate"] == 0 and rows[1]["satisfaction"] is None
    assert (rows[2]["satisfaction"], rows[2]["relevance"], rows[2]["gain"]) == (4.5, 5.0, 2.0)
    assert rows[2]["response_rate"] == 100


def test_series_comparison_costs_the_same_for_more_editions(series, provider, officer):
    edition(series, provider, 2021, [(4, 4, 2, 4)])
    evaluations.series_comparison(series, user=officer)  # the officer's memberships are now cached
    with CaptureQueriesContext(connection) as one:
        assert len(evaluations.series_comparison(series, user=officer)) == 1
    edition(series, provider, 2022, [(3, 4, 1, 3)])
    edition(series, provider, 2023, [(5, 5, 2, 5), (4, 4, 3, 4)])
    with CaptureQueriesContext(connection) as three:
        assert len(evaluations.series_comparison(series, user=officer)) == 3
    assert len(three.captured_queries) == len(one.captured_queries) == 2  # the editions, their figures


def test_series_rows_only_for_editions_the_user_may_read(
    client_as, series, provider, other_provider, officer
):
    ours = edition(series, provider, 2023, [(4, 4, 2, 4)])
    theirs = ActivityFactory(
        provider=other_provider, series=series, is_public=True, title_en="Edition by another provider"
    )
    rows = evaluations.series_comparison(series, user=officer)
    assert [row["activity"] for row in rows] == [ours]
    response = client_as("officer").get(reverse("events:series_evaluations", args=[series.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert ours.title in html and theirs.title not in html
    assert "<caption" in html


@pytest.mark.parametrize("persona", [p for p in OTHERS if p != "officer"] + ["participant", "anonymous"])
def test_series_comparison_page_is_for_organisers_of_an_edition(
    client_as, series, provider, participant, persona
):
    activity = edition(series, provider, 2023, [(4, 4, 2, 4)])
    ParticipantFactory(activity=activity, user=participant)  # sees the edition, organises none
    response = client_as(persona).get(reverse("events:series_evaluations", args=[series.slug]))
    assert response.status_code == (302 if persona == "anonymous" else 404)
    assert (
        client_as("officer").get(reverse("events:series_evaluations", args=[series.slug])).status_code == 200
    )
