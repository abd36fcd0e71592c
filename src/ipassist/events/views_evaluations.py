"""Evaluation pages: the questionnaire, its custom questions, the results and the series comparison.

Views parse input, call one service or selector and render. A questionnaire that fails validation
re-renders with its errors (status 400), so nothing typed is lost and no JavaScript is needed.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from ipassist.core.access import Need
from ipassist.events import access, evaluations
from ipassist.events.evaluations import AlreadyAnswered, EvaluationRefused, question_field
from ipassist.events.models import Evaluation, Question, Scale

_RATING_ERRORS = {
    "required": gettext_lazy("Choose a rating from 1 to 5."),
    "invalid_choice": gettext_lazy("Choose a rating from 1 to 5."),
}
YES_NO = [("yes", gettext_lazy("Yes")), ("no", gettext_lazy("No"))]


def _rating_field(label, *, required: bool) -> forms.TypedChoiceField:
    return forms.TypedChoiceField(
        label=label,
        choices=Scale.choices,
        coerce=int,
        empty_value=None,
        required=required,
        widget=forms.RadioSelect,
        error_messages=_RATING_ERRORS,
    )


class EvaluationForm(forms.Form):
    """The standard questionnaire, then the activity's custom questions in their order."""

    def __init__(self, *args, questions, **kwargs):
        super().__init__(*args, **kwargs)
        for name in Evaluation.STANDARD_SCALES:
            label = Evaluation._meta.get_field(name).verbose_name
            self.fields[name] = _rating_field(capfirst(label), required=True)
        self.fields["improve"] = forms.CharField(
            label=_("What should be improved?"),
            required=False,
            max_length=evaluations.IMPROVE_MAX,
            widget=forms.Textarea(attrs={"rows": 4}),
        )
        self.questions = list(questions)
        for question in self.questions:
            name = question_field(question.pk)
            if question.kind == Question.Kind.SCALE:
                self.fields[name] = _rating_field(question.text, required=False)
            elif question.kind == Question.Kind.YES_NO:
                self.fields[name] = forms.ChoiceField(
                    label=question.text,
                    choices=YES_NO,
                    required=False,
                    widget=forms.RadioSelect,
                    error_messages={"invalid_choice": _("Answer yes or no.")},
                )
            else:
                self.fields[name] = forms.CharField(
                    label=question.text,
                    required=False,
                    max_length=evaluations.TEXT_ANSWER_MAX,
                    widget=forms.Textarea(attrs={"rows": 3}),
                )

    def standard_fields(self):
        return [self[name] for name in Evaluation.STANDARD_SCALES]

    def custom_fields(self):
        return [self[question_field(q.pk)] for q in self.questions]

    def data_for_service(self) -> tuple[dict, dict]:
        cleaned = self.cleaned_data
        data = {name: cleaned[name] for name in (*Evaluation.STANDARD_SCALES, "improve")}
        answers = {q.pk: cleaned.get(question_field(q.pk)) for q in self.questions}
        return data, answers

    def add_service_errors(self, error: ValidationError) -> None:
        for name, messages_ in error.message_dict.items():
            self.add_error(name if name in self.fields else None, messages_)


class QuestionForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Question"), max_length=300)
    kind = forms.ChoiceField(label=gettext_lazy("Kind of answer"), choices=Question.Kind.choices)


# --- answering ---------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_form(request, pk):
    activity = access.get_activity_for_user(request.user, pk)
    try:
        evaluations.require_can_answer(user=request.user, activity=activity)
    except AlreadyAnswered as exc:
        messages.info(request, str(exc))
        return redirect(activity)
    form = EvaluationForm(request.POST or None, questions=evaluations.questions(activity))
    if request.method == "POST" and form.is_valid():
        data, answers = form.data_for_service()
        try:
            evaluations.evaluation_submit(
                activity=activity, by=request.user, data=data, answers=answers, request=request
            )
        except AlreadyAnswered as exc:
            messages.info(request, str(exc))
            return redirect(activity)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Thank you for your evaluation."))
            return redirect(activity)
    return render(
        request,
        "events/evaluation_form.html",
        {"activity": activity, "form": form},
        status=400 if request.method == "POST" else 200,
    )


# --- for the organisers ------------------------------------------------------------------------


@login_required
@require_GET
def evaluation_results(request, pk):
    activity = access.get_activity_for_results(request.user, pk)
    return render(
        request,
        "events/evaluation_results.html",
        {"activity": activity, "summary": evaluations.summary(activity)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_questions(request, pk):
    activity = access.get_activity_for_user(request.user, pk, need=Need.EDIT)
    form = QuestionForm()
    status = 200
    if request.method == "POST":
        try:
            if "remove" in request.POST:
                _activity, question = access.get_part_for_organiser(
                    request.user, activity.pk, "questions", request.POST["remove"]
                )
                evaluations.question_remove(question=question, by=request.user, request=request)
                messages.success(request, _("Question removed."))
                return redirect("events:evaluation_questions", pk=activity.pk)
            form = QuestionForm(request.POST)
            if form.is_valid():
                evaluations.question_add(
                    activity=activity,
                    by=request.user,
                    text=form.cleaned_data["text"],
                    kind=form.cleaned_data["kind"],
                    request=request,
                )
                messages.success(request, _("Question added."))
                return redirect("events:evaluation_questions", pk=activity.pk)
        except EvaluationRefused as exc:
            messages.error(request, str(exc))
            return redirect("events:evaluation_questions", pk=activity.pk)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        status = 400
    return render(
        request,
        "events/evaluation_questions.html",
        {
            "activity": activity,
            "questions": evaluations.questions(activity),
            "answered": evaluations.has_answers(activity),
            "form": form,
        },
        status=status,
    )


@login_required
@require_GET
def series_evaluations(request, slug):
    series = access.get_series_for_comparison(request.user, slug)
    return render(
        request,
        "events/series_evaluations.html",
        {
            "series": series,
            "rows": evaluations.series_comparison(series, user=request.user),
        },
    )


urlpatterns = [
    path("<int:pk>/evaluation/", evaluation_form, name="evaluation"),
    path("<int:pk>/evaluation/results/", evaluation_results, name="evaluation_results"),
    path("<int:pk>/evaluation/questions/", evaluation_questions, name="evaluation_questions"),
    path("series/<slug:slug>/evaluations/", series_evaluations, name="series_evaluations"),
]
