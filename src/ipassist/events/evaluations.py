"""Evaluations: the post-activity questionnaire, its custom questions, and what the answers say.

Every questionnaire has the same standard questions (satisfaction, relevance, knowledge before and
after, what to improve), stored as columns so that they compare across the editions of a series;
organisers may add custom questions to one activity, answered in ``Evaluation.answers``.

Anonymity. When the activity's evaluation is anonymous the evaluation row has no participant and
only the day it was given; the receipt says that the participant answered, and nothing links the
two. For the same reason an anonymous answer writes no audit entry: an entry naming the person,
with its timestamp, would re-link them to the answers. The pages that read the answers show
aggregates and comments only, never a name, whether the evaluation is anonymous or not.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, NotSupportedError, transaction
from django.db.models import Avg, Count, F, Func, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.db.models.lookups import Exact
from django.utils import timezone
from django.utils.translation import gettext as _

from ipassist.core import audit
from ipassist.core.access import Need, deny
from ipassist.events import access
from ipassist.events.models import (
    Activity,
    Evaluation,
    EvaluationReceipt,
    Participant,
    Question,
    Scale,
    Series,
)

TEXT_ANSWER_MAX = 2000
IMPROVE_MAX = 3000
SCALE_VALUES = tuple(Scale.values)  # 1 … 5


class EvaluationRefused(Exception):
    """A change the evaluation's state does not allow; the message says why."""


class AlreadyAnswered(EvaluationRefused):
    """The participant has answered this activity's evaluation already: one answer per person."""


def question_field(question_id: int) -> str:
    """The name under which the answer to a custom question travels in forms and errors."""
    return f"question_{question_id}"


# --- custom questions --------------------------------------------------------------------------


def questions(activity: Activity):
    return activity.questions.all()


def has_answers(activity: Activity) -> bool:
    """Whether anyone has answered: from then on the questions are fixed."""
    return Evaluation.objects.filter(activity=activity).exists()


def _refuse_if_answered(activity: Activity) -> None:
    if has_answers(activity):
        raise EvaluationRefused(
            _(
                "Participants have already answered this evaluation: its questions can no longer "
                "change, or the answers would not compare."
            )
        )


@transaction.atomic
def question_add(*, activity: Activity, by, text: str, kind: str, request=None) -> Question:
    access.get_activity_for_user(by, activity.pk, need=Need.EDIT)
    # The activity row is locked, as by a submission, so no answer slips in while we check.
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    _refuse_if_answered(locked)
    text = " ".join(str(text or "").split())
    errors = {}
    if not text:
        errors["text"] = _("Write the question.")
    elif len(text) > Question._meta.get_field("text").max_length:
        errors["text"] = _("A question has at most 300 characters.")
    if kind not in Question.Kind.values:
        errors["kind"] = _("Choose the kind of answer.")
    if errors:
        raise ValidationError(errors)
    last = locked.questions.order_by("-position").values_list("position", flat=True).first()
    question = Question.objects.create(
        activity=locked, text=text, kind=kind, position=0 if last is None else last + 1
    )
    audit.record(by, "evaluation.question_added", locked, request=request, question=question.pk, kind=kind)
    return question


@transaction.atomic
def question_remove(*, question: Question, by, request=None) -> None:
    access.get_activity_for_user(by, question.activity_id, need=Need.EDIT)
    locked = Activity.objects.select_for_update().get(pk=question.activity_id)
    _refuse_if_answered(locked)
    audit.record(by, "evaluation.question_removed", locked, request=request, question=question.pk)
    question.delete()


# --- answering ---------------------------------------------------------------------------------


def has_answered(*, user, activity: Activity) -> bool:
    """Whether ``user`` already answered the open evaluation of ``activity`` (their own receipt)."""
    if not activity.evaluation_open or not getattr(user, "is_authenticated", False):
        return False
    return EvaluationReceipt.objects.filter(activity=activity, participant__user=user).exists()


def require_can_answer(*, user, activity: Activity) -> Participant:
    """The registration through which ``user`` answers now. Someone who has answered already is
    told so (:class:`AlreadyAnswered`); anyone else who may not answer gets 404."""
    participant = access.evaluation_for(user, activity)
    if participant is None:
        if has_answered(user=user, activity=activity):
            raise AlreadyAnswered(_("You have already answered the evaluation of this activity. Thank you."))
        deny()
    return participant


def _rating(value) -> int | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number in SCALE_VALUES else None


def _yes_no(value) -> bool | None:
    if isinstance(value, bool):
        return value
    return {"yes": True, "no": False}.get(str(value).strip().lower())


def _clean_standard(data: dict, errors: dict) -> dict:
    values = {}
    for name in Evaluation.STANDARD_SCALES:
        rating = _rating(data.get(name))
        if rating is None:
            errors[name] = _("Choose a rating from 1 to 5.")
        values[name] = rating
    improve = str(data.get("improve") or "").strip()
    if len(improve) > IMPROVE_MAX:
        errors["improve"] = _("Write at most %(count)d characters.") % {"count": IMPROVE_MAX}
    values["improve"] = improve
    return values


def _clean_answers(activity: Activity, answers: dict, errors: dict) -> dict:
    """Answers to the activity's custom questions, keyed by question id as a string. Unanswered
    questions are left out; ids of questions the activity does not have are ignored."""
    given = {}
    for key, value in (answers or {}).items():
        try:
            given[int(key)] = value
        except (TypeError, ValueError):
            continue
    cleaned = {}
    for question in activity.questions.all():
        value = given.get(question.pk)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        field = question_field(question.pk)
        if question.kind == Question.Kind.SCALE:
            rating = _rating(value)
            if rating is None:
                errors[field] = _("Choose a rating from 1 to 5.")
            else:
                cleaned[str(question.pk)] = rating
        elif question.kind == Question.Kind.YES_NO:
            answer = _yes_no(value)
            if answer is None:
                errors[field] = _("Answer yes or no.")
            else:
                cleaned[str(question.pk)] = answer
        else:
            text = str(value).strip()
            if len(text) > TEXT_ANSWER_MAX:
                errors[field] = _("Write at most %(count)d characters.") % {"count": TEXT_ANSWER_MAX}
            else:
                cleaned[str(question.pk)] = text
    return cleaned


@transaction.atomic
def evaluation_submit(*, activity: Activity, by, data: dict, answers: dict, request=None) -> Evaluation:
    """Record one participant's answers: once per person, without their name when anonymous.

    ``data`` holds the standard answers (the four ratings from 1 to 5 and ``improve``); ``answers`` the
    custom ones keyed by question id. Invalid answers raise ``ValidationError`` (keyed by field,
    custom questions as :func:`question_field`) and nothing is written.
    """
    access.get_activity_for_user(by, activity.pk)
    # Fresh and locked: whether the evaluation is open and anonymous is read under the lock.
    locked = Activity.objects.select_for_update().get(pk=activity.pk)
    participant = require_can_answer(user=by, activity=locked)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if EvaluationReceipt.objects.filter(participant=participant).exists():
        raise AlreadyAnswered(_("You have already answered the evaluation of this activity. Thank you."))
    errors: dict[str, str] = {}
    values = _clean_standard(data, errors)
    custom = _clean_answers(locked, answers, errors)
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            EvaluationReceipt.objects.create(participant=participant, activity=locked)
    except IntegrityError:
        raise AlreadyAnswered(
            _("You have already answered the evaluation of this activity. Thank you.")
        ) from None
    anonymous = locked.evaluation_anonymous
    evaluation = Evaluation.objects.create(
        activity=locked,
        participant=None if anonymous else participant,
        submitted_on=timezone.localdate(),
        answers=custom,
        **values,
    )
    if not anonymous:
        audit.record(by, "evaluation.submitted", evaluation, request=request, activity=locked.pk)
    return evaluation


# --- results -----------------------------------------------------------------------------------


def _one_decimal(value) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _percent(part: int, whole: int) -> int | None:
    if not whole:
        return None
    return int((Decimal(100) * part / whole).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


class _Answer(Func):
    """The answer to one custom question as a number: the rating, or 1 for yes and 0 for no.

    Django's JSON key lookups take a key that looks like a number for an array index, and answers
    are keyed by question id; so the key is addressed as an object key here, per database.
    """

    output_field = IntegerField()

    def __init__(self, question_id: int):
        self.key = str(int(question_id))
        super().__init__(F("answers"))

    def as_sql(self, compiler, connection, **extra):
        raise NotSupportedError("Custom evaluation answers are summarised on SQLite and PostgreSQL.")

    def as_sqlite(self, compiler, connection, **extra):
        lhs, params = compiler.compile(self.source_expressions[0])
        return f"CAST(JSON_EXTRACT({lhs}, %s) AS INTEGER)", (*params, f'$."{self.key}"')

    def as_postgresql(self, compiler, connection, **extra):
        lhs, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"(CASE jsonb_typeof({lhs} -> %s) "
            f"WHEN 'number' THEN ({lhs} ->> %s)::integer "
            f"WHEN 'boolean' THEN (({lhs} ->> %s)::boolean)::integer END)"
        )
        return sql, (*params, self.key, *params, self.key, *params, self.key)


def _scale_aggregates(name: str, value=None) -> dict:
    """Mean and count per rating of one scale (a column, or ``value``), as aggregates named ``name…``."""
    value = F(name) if value is None else value
    return {
        f"{name}__mean": Avg(value),
        **{f"{name}__{n}": Count("pk", filter=Exact(value, n)) for n in SCALE_VALUES},
    }


def _scale_result(row: dict, prefix: str) -> dict:
    labels = dict(Scale.choices)
    return {
        "mean": _one_decimal(row[f"{prefix}__mean"]),
        "distribution": [
            {"value": n, "label": labels[n], "count": row[f"{prefix}__{n}"]} for n in SCALE_VALUES
        ],
    }


def summary(activity: Activity) -> dict:
    """What the answers to ``activity``'s evaluation say, as aggregates and comments, never names.

    The caller has checked that the user may read evaluations (``access.can_read_evaluations``).
    Ratings are summarised by the database (one aggregate query for every scale, standard and
    custom); the response rate is the share of approved participants who answered. Comments are
    sorted alphabetically, so their order says nothing about who answered when.
    """
    custom = list(activity.questions.all())
    numeric = [q for q in custom if q.kind in (Question.Kind.SCALE, Question.Kind.YES_NO)]
    evaluations = Evaluation.objects.filter(activity=activity)
    aggregates = {
        "responses": Count("pk"),
        "gain": Avg(F("knowledge_after") - F("knowledge_before")),
        "satisfied": Count("pk", filter=Q(satisfaction__gte=4)),
    }
    for name in Evaluation.STANDARD_SCALES:
        aggregates.update(_scale_aggregates(name))
    for question in numeric:
        answer = _Answer(question.pk)
        if question.kind == Question.Kind.SCALE:
            aggregates.update(_scale_aggregates(f"q{question.pk}", answer))
        else:
            aggregates[f"q{question.pk}__yes"] = Count("pk", filter=Exact(answer, 1))
            aggregates[f"q{question.pk}__no"] = Count("pk", filter=Exact(answer, 0))
    row = evaluations.aggregate(**aggregates)
    people = activity.participants.aggregate(
        approved=Count("pk", filter=Q(status=Participant.Status.APPROVED)),
        answered=Count(
            "pk",
            filter=Q(status=Participant.Status.APPROVED, evaluation_receipt__isnull=False),
        ),
    )
    responses = row["responses"]
    improvements = list(
        Evaluation.objects.filter(activity=activity).exclude(improve="").values_list("improve", flat=True)
    )
    text_ids = {str(q.pk) for q in custom if q.kind == Question.Kind.TEXT}
    texts: dict[str, list[str]] = {key: [] for key in text_ids}
    if text_ids:
        for answers in Evaluation.objects.filter(activity=activity).values_list("answers", flat=True):
            for key in text_ids.intersection(answers or {}):
                if str(answers[key]).strip():
                    texts[key].append(str(answers[key]))
    labels = {name: Evaluation._meta.get_field(name).verbose_name for name in Evaluation.STANDARD_SCALES}
    result_questions = []
    for question in custom:
        item = {"question": question, "kind": question.kind}
        if question.kind == Question.Kind.SCALE:
            item.update(_scale_result(row, f"q{question.pk}"))
        elif question.kind == Question.Kind.YES_NO:
            item.update(yes=row[f"q{question.pk}__yes"], no=row[f"q{question.pk}__no"])
        else:
            item["texts"] = sorted(texts[str(question.pk)], key=str.casefold)
        result_questions.append(item)
    return {
        "anonymous": activity.evaluation_anonymous,
        "responses": responses,
        "approved": people["approved"],
        "answered": people["answered"],
        "response_rate": _percent(people["answered"], people["approved"]),
        "scales": [
            {"name": name, "label": labels[name], **_scale_result(row, name)}
            for name in Evaluation.STANDARD_SCALES
        ],
        "gain": _one_decimal(row["gain"]),
        "satisfied_share": _percent(row["satisfied"], responses),
        "improvements": sorted((t.strip() for t in improvements if t.strip()), key=str.casefold),
        "questions": result_questions,
    }


def _count_of(queryset) -> Coalesce:
    counted = queryset.order_by().values("activity").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def series_comparison(series: Series, *, user) -> list[dict]:
    """One row per edition of ``series`` that ``user`` sees and may read the evaluations of,
    oldest first, with the standard ratings' means. The figures of every edition come from one
    grouped query, however many editions there are."""
    editions = [
        activity
        for activity in access.activities_visible_to(user).filter(series=series).order_by("start_date", "pk")
        if access.can_read_evaluations(user, activity)
    ]
    if not editions:
        return []
    approved = Participant.objects.filter(activity=OuterRef("pk"), status=Participant.Status.APPROVED)
    figures = (
        Activity.objects.filter(pk__in=[a.pk for a in editions])
        .annotate(
            responses=Count("evaluations"),
            satisfaction=Avg("evaluations__satisfaction"),
            relevance=Avg("evaluations__relevance"),
            knowledge_before=Avg("evaluations__knowledge_before"),
            knowledge_after=Avg("evaluations__knowledge_after"),
            gain=Avg(F("evaluations__knowledge_after") - F("evaluations__knowledge_before")),
            approved=_count_of(approved),
            answered=_count_of(approved.filter(evaluation_receipt__isnull=False)),
        )
        .values(
            "pk",
            "responses",
            "satisfaction",
            "relevance",
            "knowledge_before",
            "knowledge_after",
            "gain",
            "approved",
            "answered",
        )
    )
    by_id = {row["pk"]: row for row in figures}
    rows = []
    for activity in editions:
        row = by_id[activity.pk]
        rows.append(
            {
                "activity": activity,
                "year": activity.start_date.year,
                "responses": row["responses"],
                "approved": row["approved"],
                "response_rate": _percent(row["answered"], row["approved"]),
                **{
                    name: _one_decimal(row[name])
                    for name in ("satisfaction", "relevance", "knowledge_before", "knowledge_after", "gain")
                },
            }
        )
    return rows
