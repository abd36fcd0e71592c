"""Case-file pages: parse input, call one service or selector, render.

Forms posted from the request page that fail validation re-render that page with the errors
(status 400), so everything works without JavaScript and nothing typed is lost.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipassist.casework import access, selectors, services
from ipassist.casework.forms import (
    AssignForm,
    InboxFilterForm,
    LeadForm,
    MessageForm,
    NewDocumentsForm,
    RequestForm,
    TransitionForm,
    published_programmes,
)
from ipassist.casework.models import (
    WORKING_LANGUAGES,
    AssistanceRequest,
    InvalidTransition,
    Side,
    TextRequired,
)
from ipassist.casework.uploads import UploadRejected
from ipassist.core.access import Need
from ipassist.core.concurrency import StaleEdit, describe
from ipassist.core.exports import table_response
from ipassist.core.storage import download
from ipassist.events.access import activities_visible_to

PAGE_SIZE = 50


def _max_mb() -> int:
    return settings.CASEWORK_MAX_UPLOAD_BYTES // (1024 * 1024)


# --- lists -----------------------------------------------------------------------------------------


def _filters(request):
    choices = selectors.filter_choices(user=request.user)
    form = InboxFilterForm(request.GET, **choices)
    values = form.valid_values()
    return form, selectors.InboxFilters(**values), values


@login_required
@require_GET
def request_list(request):
    user = request.user
    form, filters, values = _filters(request)
    qs = selectors.request_list(user=user, filters=filters)
    counts = selectors.state_counts(user=user, filters=filters)
    paginator = Paginator(selectors.page_rows(qs), PAGE_SIZE)
    # The counts per state already say how many rows match: no second COUNT over the inbox.
    paginator.count = counts[filters.state] if filters.state else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "casework/list.html",
        {
            "form": form,
            "page": page,
            "now": timezone.now(),
            "state_counts": [
                {
                    "value": value,
                    "label": label,
                    "count": counts[value],
                    "selected": value == values.get("state"),
                }
                for value, label in AssistanceRequest.State.choices
            ],
            "total": sum(counts.values()),
            "ignored": form.ignored,
            "active_filters": bool(values),
            "is_secretariat": access.is_secretariat(user),
            "can_file": access.can_file_requests(user),
            "pending_assignments": selectors.my_pending_assignments(user=user),
        },
    )


@login_required
@require_GET
def request_export(request, fmt="csv"):
    """The filtered list as CSV or XLSX: the same visibility as the page; the export is audited."""
    _form, filters, _values = _filters(request)
    rows = selectors.requests_for_export(user=request.user, filters=filters)
    services.record_export(by=request.user, count=rows.count(), request=request)
    # One lookup table each, translated now, rather than a translation per cell.
    states = {value: str(label) for value, label in AssistanceRequest.State.choices}
    kinds = {value: str(label) for value, label in AssistanceRequest.Kind.choices}
    now = timezone.now()
    header = [
        _("Reference"),
        _("Subject"),
        _("State"),
        _("Kind"),
        _("Country"),
        _("Requesting organisation"),
        _("Addressed to"),
        _("Submitted"),
        _("Days in this state"),
        _("Lead officer"),
        _("Experts"),
    ]
    lines = (
        (
            case.reference,
            case.title,
            states[case.state],
            kinds[case.kind],
            case.country.name if case.country else "",
            case.requester.name,
            case.provider.display_name,
            timezone.localdate(case.submitted_at) if case.submitted_at else None,
            max((now - case.state_changed_at).days, 0),
            case.lead_officer.full_name if case.lead_officer else "",
            "; ".join(a.expert.full_name for a in case.live_assignments),
        )
        for case in rows.iterator(chunk_size=2000)
    )
    return table_response(
        fmt=fmt, filename="requests", header=header, rows=lines, title=_("Requests for assistance")
    )


# --- one request -----------------------------------------------------------------------------------


def _detail_context(request, case: AssistanceRequest, **forms) -> dict:
    user = request.user
    user_sides = access.sides(user, case)
    is_provider = Side.PROVIDER in user_sides
    actions = [
        {
            "action": action,
            "label": AssistanceRequest.ACTION_LABELS[action],
            "needs_text": action in AssistanceRequest.NEEDS_TEXT,
        }
        for side in (Side.REQUESTER, Side.PROVIDER)
        if side in user_sides
        for action in case.allowed_actions(side)
    ]
    context = {
        "case": case,
        "is_provider": is_provider,
        "actions": actions,
        "can_edit": access.can_edit(user, case),
        "can_write": access.can_write(user, case),
        "can_add_documents": access.can_add_documents(user, case),
        "thread": selectors.thread(case=case, user=user),
        "timeline": selectors.timeline(case=case, user=user),
        "documents": selectors.documents(case=case),
        "assignments": selectors.assignments(case=case) if is_provider else [],
        # The activities that answer this request, as far as the reader may see them.
        "activities": activities_visible_to(user).filter(request=case).select_related("kind", "country"),
        "days_in_state": (timezone.now() - case.state_changed_at).days,
        "working_languages": pgettext("list separator", ", ").join(
            str(label) for code, label in WORKING_LANGUAGES if code in case.working_languages
        ),
        "transition_form": forms.get("transition_form") or TransitionForm(),
        "failed_action": forms.get("failed_action"),
        "message_form": forms.get("message_form") or MessageForm(allow_internal=is_provider),
        "documents_form": forms.get("documents_form") or NewDocumentsForm(max_mb=_max_mb(), required=True),
    }
    if is_provider:
        context["lead_form"] = LeadForm(
            initial={"lead": case.lead_officer_id}, officers=access.eligible_leads(case)
        )
        context["assign_form"] = forms.get("assign_form") or AssignForm(experts=access.eligible_experts(case))
    return context


def _render_detail(request, case, status=200, **forms):
    return render(request, "casework/detail.html", _detail_context(request, case, **forms), status=status)


@login_required
@require_GET
def request_detail(request, pk):
    case = access.get_request_for_user(request.user, pk)
    services.record_read(case=case, by=request.user, request=request)
    return _render_detail(request, case)


def _form_kwargs(request, case=None):
    return {
        "requesters": access.requesters_for(request.user),
        "providers": access.providers(),
        "programmes": published_programmes(),
        "fixed_provider": case is not None and case.submitted_at is not None,
    }


def _upload_error(form, exc: UploadRejected) -> None:
    name = getattr(exc, "file_name", "") or _("the file")
    form.add_error("files", _("%(name)s: %(problem)s") % {"name": name, "problem": exc.message})


@login_required
@require_http_methods(["GET", "POST"])
def request_create(request):
    access.require_can_file(request.user)
    form = RequestForm(request.POST or None, **_form_kwargs(request))
    files_form = NewDocumentsForm(request.POST or None, request.FILES or None, max_mb=_max_mb())
    if request.method == "POST" and form.is_valid() and files_form.is_valid():
        data = form.cleaned_data
        description = files_form.cleaned_data["files_description"]
        uploads = [(upload, description) for upload in files_form.cleaned_data["files"]]
        try:
            case = services.request_create(by=request.user, data=data, uploads=uploads, request=request)
        except UploadRejected as exc:
            _upload_error(files_form, exc)
        else:
            messages.success(
                request,
                _("Draft saved. Nobody outside your organisation sees it until you submit it."),
            )
            return redirect(case)
    return render(
        request,
        "casework/edit.html",
        {"form": form, "files_form": files_form, "case": None},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_edit(request, pk):
    case = access.get_request_for_user(request.user, pk, need=Need.EDIT)
    form = RequestForm(request.POST or None, instance=case, **_form_kwargs(request, case))
    revision, conflict = case.revision, None
    if request.method == "POST":
        try:
            expected = int(request.POST.get("revision", ""))
        except ValueError:
            expected = -1
        revision = expected
        if form.is_valid():
            # The bound form has written its values onto ``case``; the service compares them with
            # the locked row, so pass plain values.
            data = {name: form.cleaned_data[name] for name in form.fields}
            try:
                case = services.request_update(
                    case=case, by=request.user, expected_revision=expected, data=data, request=request
                )
            except StaleEdit as stale:
                conflict, revision = describe(stale, AssistanceRequest), stale.current_revision
            else:
                messages.success(request, _("Changes saved."))
                return redirect(case)
    return render(
        request,
        "casework/edit.html",
        {"form": form, "case": case, "revision": revision, "conflict": conflict},
        status=409 if conflict else (400 if request.method == "POST" else 200),
    )


@login_required
@require_POST
def request_transition(request, pk, action):
    case = access.get_request_for_user(request.user, pk)
    form = TransitionForm(request.POST)
    text = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        case = services.request_transition(
            case=case, by=request.user, action=action, text=text, request=request
        )
    except TextRequired as exc:
        form.add_error("text", str(exc))
        return _render_detail(request, case, status=400, transition_form=form, failed_action=action)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("Done: the request is now “%(state)s”.") % {"state": case.get_state_display()}
        )
    return redirect(case)


@login_required
@require_POST
def message_create(request, pk):
    case = access.get_request_for_user(request.user, pk)
    form = MessageForm(request.POST, allow_internal=access.sees_internal_notes(request.user, case))
    if not form.is_valid():
        return _render_detail(request, case, status=400, message_form=form)
    internal = form.cleaned_data.get("internal", False)
    try:
        services.message_post(
            case=case, by=request.user, body=form.cleaned_data["body"], internal=internal, request=request
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Internal note saved.") if internal else _("Message sent."))
    return redirect(f"{case.get_absolute_url()}#thread")


@login_required
@require_POST
def document_upload(request, pk):
    case = access.get_request_for_user(request.user, pk, need=Need.CREATE)
    form = NewDocumentsForm(request.POST, request.FILES, max_mb=_max_mb(), required=True)
    if not form.is_valid():
        return _render_detail(request, case, status=400, documents_form=form)
    added = 0
    for upload in form.cleaned_data["files"]:
        try:
            services.document_add(
                case=case,
                by=request.user,
                upload=upload,
                description=form.cleaned_data["files_description"],
                request=request,
            )
        except UploadRejected as exc:
            _upload_error(form, exc)
        else:
            added += 1
    if form.errors:
        if added:
            messages.success(request, _("%(count)s document(s) added.") % {"count": added})
        return _render_detail(request, case, status=400, documents_form=form)
    messages.success(request, _("%(count)s document(s) added.") % {"count": added})
    return redirect(f"{case.get_absolute_url()}#documents")


@login_required
@require_GET
def document_download(request, pk, document):
    _case, doc = access.get_document_for_user(request.user, pk, document)
    services.record_document_read(document=doc, by=request.user, request=request)
    return download(doc.file.name, doc.name, doc.content_type)


# --- people on the file ------------------------------------------------------------------------------


@login_required
@require_POST
def lead_update(request, pk):
    case = access.get_request_for_user(request.user, pk, need=Need.TRIAGE)
    form = LeadForm(request.POST, officers=access.eligible_leads(case))
    if form.is_valid():
        services.lead_set(case=case, by=request.user, lead=form.cleaned_data["lead"], request=request)
        messages.success(request, _("Lead officer updated."))
    else:
        messages.error(request, _("Choose one of the provider's officers."))
    return redirect(f"{case.get_absolute_url()}#people")


@login_required
@require_POST
def expert_assign(request, pk):
    case = access.get_request_for_user(request.user, pk, need=Need.TRIAGE)
    form = AssignForm(request.POST, experts=access.eligible_experts(case))
    if not form.is_valid():
        return _render_detail(request, case, status=400, assign_form=form)
    try:
        services.expert_assign(
            case=case, by=request.user, expert=form.cleaned_data["expert"], request=request
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Expert assigned. They will see the file once they accept its confidentiality undertaking."),
        )
    return redirect(f"{case.get_absolute_url()}#people")


@login_required
@require_POST
def assignment_remove(request, pk, assignment):
    case = access.get_request_for_user(request.user, pk, need=Need.TRIAGE)
    services.assignment_remove(case=case, by=request.user, assignment_pk=assignment, request=request)
    messages.success(request, _("Expert removed from the request: they no longer see it."))
    return redirect(f"{case.get_absolute_url()}#people")


@login_required
@require_http_methods(["GET", "POST"])
def undertaking(request, pk):
    """The confidentiality undertaking an assigned expert accepts before seeing the file."""
    assignment = access.get_pending_assignment_for_user(request.user, pk)
    context = {"assignment": assignment, "case_reference": assignment.request.reference}
    if request.method == "POST":
        if request.POST.get("decision") == "decline":
            services.assignment_decline(assignment=assignment, by=request.user, request=request)
            messages.success(request, _("You declined the assignment. The secretariat has been told."))
            return redirect("casework:list")
        if request.POST.get("accept") != "yes":
            context["error"] = _("Tick the box to confirm that you accept the undertaking.")
            return render(request, "casework/undertaking.html", context, status=400)
        text = render_to_string("casework/undertaking_text.txt", context, request=request).strip()
        services.undertaking_accept(assignment=assignment, by=request.user, text=text, request=request)
        messages.success(request, _("Undertaking accepted. You can now open the request."))
        return redirect(assignment.request)
    return render(request, "casework/undertaking.html", context)
