"""Importing participants from a CSV or XLSX list: upload, check on a preview page, then import or
discard. Organisers only; everyone else gets 404, as for anything they may not see.

Views parse input, call one service and render; a rejected file re-renders the form with the
reason next to the file field (status 400), so everything works without JavaScript.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from ipassist.casework.uploads import UploadRejected
from ipassist.core.access import Need, deny
from ipassist.events import access, imports
from ipassist.events.models import InvalidTransition, ParticipantImport

PREVIEW_PAGE_SIZE = 100

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("List of participants (CSV or XLSX)"),
        help_text=gettext_lazy(
            "An Excel workbook (.xlsx) or a CSV file, in any encoding, at most %(size)s MB and "
            "%(rows)s rows. The first row names the columns."
        ),
        error_messages={"required": gettext_lazy("Choose the file with the list.")},
    )
    consent = forms.BooleanField(
        label=gettext_lazy(
            "I confirm that the people on this list agreed that the organisers store and use their "
            "details to run this activity (registration, attendance, certificate and evaluation) and, "
            "without their names, for statistics."
        ),
        error_messages={
            "required": gettext_lazy("The list can be imported only with the agreement of the people on it.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        file_field = self.fields["file"]
        file_field.help_text = file_field.help_text % {
            "size": settings.CASEWORK_MAX_UPLOAD_BYTES // (1024 * 1024),
            "rows": f"{imports.MAX_ROWS:,}",
        }
        file_field.widget.attrs["accept"] = f".csv,.xlsx,.txt,text/csv,{XLSX_CONTENT_TYPE}"

    def describe_errors(self) -> None:
        """Tie each error message (rendered by core/field.html) to its field for screen readers."""
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                ids = [f"{bound.auto_id}_error"]
                if self.fields[name].help_text:
                    ids.insert(0, f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(ids)


@login_required
@require_http_methods(["GET", "POST"])
def import_form(request, pk):
    activity = access.get_activity_for_user(request.user, pk, need=Need.TRIAGE)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if request.method == "POST" and form.is_valid():
        try:
            job = imports.import_preview(
                activity=activity,
                by=request.user,
                upload=form.cleaned_data["file"],
                consent_confirmed=form.cleaned_data["consent"],
                request=request,
            )
        except UploadRejected as exc:
            form.add_error("file", exc.message)
        except imports.ImportRefused as exc:
            form.add_error("consent", exc.message)
        else:
            if job.ignored_columns:
                messages.info(
                    request,
                    _("These columns were not recognised and are ignored: %(columns)s.")
                    % {"columns": ", ".join(f"“{c}”" for c in job.ignored_columns)},
                )
            return redirect("events:import_preview", pk=activity.pk, job=job.pk)
    form.describe_errors()
    return render(
        request,
        "events/import_form.html",
        {"activity": activity, "form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_GET
def import_template(request, pk, fmt):
    access.get_activity_for_user(request.user, pk, need=Need.TRIAGE)
    if fmt == "xlsx":
        content, content_type = imports.template_xlsx(), XLSX_CONTENT_TYPE
    elif fmt == "csv":
        content, content_type = imports.template_csv(), "text/csv; charset=utf-8"
    else:
        deny()
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="participants.{fmt}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def import_preview(request, pk, job):
    activity, job = access.get_import_for_user(request.user, pk, job)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "apply":
                job = imports.import_apply(
                    job=job,
                    by=request.user,
                    approve=request.POST.get("approve") == "1",
                    activity=activity,
                    request=request,
                )
                messages.success(request, _imported_message(job))
                return redirect("events:participants", pk=activity.pk)
            if action == "discard":
                imports.import_discard(job=job, by=request.user, request=request)
                messages.success(request, _("The list was discarded. Nothing was imported."))
                return redirect("events:participants", pk=activity.pk)
            error, status = _("Choose whether to import the list or to discard it."), 400
        except InvalidTransition as exc:
            error, status = str(exc), 409
        job.refresh_from_db()
    page = Paginator(job.rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/import_preview.html",
        {
            "activity": activity,
            "job": job,
            "page": page,
            "rows": imports.display_rows(list(page.object_list)),
            "can_apply": job.status == ParticipantImport.Status.PREVIEW and not job.problems,
            "is_preview": job.status == ParticipantImport.Status.PREVIEW,
            "error": error,
        },
        status=status,
    )


def _imported_message(job: ParticipantImport) -> str:
    parts = {
        "created": ngettext("%(count)d new registration", "%(count)d new registrations", job.created_count)
        % {"count": job.created_count},
        "updated": ngettext(
            "%(count)d with corrected details", "%(count)d with corrected details", job.updated_count
        )
        % {"count": job.updated_count},
        "unchanged": ngettext(
            "%(count)d already registered and unchanged",
            "%(count)d already registered and unchanged",
            job.unchanged_count,
        )
        % {"count": job.unchanged_count},
    }
    message = _("The list was imported: %(created)s, %(updated)s, %(unchanged)s.") % parts
    if job.approved_count or job.waitlisted_count:
        decisions = {
            "approved": ngettext(
                "%(count)d new registration approved",
                "%(count)d new registrations approved",
                job.approved_count,
            )
            % {"count": job.approved_count},
            "waitlisted": ngettext(
                "%(count)d put on the waiting list", "%(count)d put on the waiting list", job.waitlisted_count
            )
            % {"count": job.waitlisted_count},
        }
        message += " " + _("%(approved)s, %(waitlisted)s.") % decisions
    return message


urlpatterns = [
    path("<int:pk>/import/", import_form, name="import"),
    path("<int:pk>/import/template.<str:fmt>", import_template, name="import_template"),
    path("<int:pk>/import/<int:job>/", import_preview, name="import_preview"),
]
