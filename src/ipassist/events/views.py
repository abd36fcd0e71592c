"""Activity pages: the public register, planning, registration, participants, attendance.

Views parse input, call one service or selector and render. Forms that fail re-render with their
errors (status 400), so everything works without JavaScript and nothing typed is lost.
"""

from __future__ import annotations

from datetime import date
from itertools import islice

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipassist.casework.access import requests_visible_to
from ipassist.casework.uploads import UploadRejected
from ipassist.catalogue.models import Programme
from ipassist.core.access import Need, deny
from ipassist.core.concurrency import StaleEdit, describe
from ipassist.core.exports import table_response
from ipassist.core.storage import download
from ipassist.events import access, selectors, services
from ipassist.events.certificates import render_certificate
from ipassist.events.forms import (
    ActivityForm,
    DocumentForm,
    InvitationForm,
    ParticipantForm,
    ProviderForm,
    RegisterFilterForm,
    SessionForm,
    SpeakerForm,
)
from ipassist.events.models import WORKING_LANGUAGES, Activity, InvalidTransition, Participant, Series
from ipassist.events.services import RegistrationRefused

REGISTER_PAGE_SIZE = 25
PARTICIPANT_PAGE_SIZE = 100
ATTENDANCE_PAGE_SIZE = 50
ATTENDANCE_EXPORT_BATCH = 500


def _expected_revision(request) -> int:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return -1


# --- the register ----------------------------------------------------------------------------------


def _register_filters(request):
    form = RegisterFilterForm(request.GET, providers=selectors.register_providers())
    values = form.valid_values()
    return form, selectors.RegisterFilters(**values), values


@require_GET
def activity_list(request):
    user = request.user
    form, filters, values = _register_filters(request)
    qs = selectors.activity_list(user=user, filters=filters)
    page = Paginator(selectors.page_rows(qs), REGISTER_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/list.html",
        {
            "form": form,
            "page": page,
            "today": timezone.localdate(),
            "ignored": form.ignored,
            "active_filters": bool(values),
            "can_create": access.can_create(user),
        },
    )


@require_GET
def activity_export(request, fmt="csv"):
    """The register as the user sees it, with the page's filters, as CSV or XLSX (streamed)."""
    _form, filters, _values = _register_filters(request)
    rows = selectors.page_rows(selectors.activity_list(user=request.user, filters=filters))
    levels = {value: str(label) for value, label in Activity.Level.choices}
    statuses = {value: str(label) for value, label in Activity.Status.choices}
    yes, no = _("Yes"), _("No")
    separator = pgettext("list separator", ", ")
    header = [
        capfirst(_("title")),
        _("Type"),
        _("Level"),
        capfirst(Activity._meta.get_field("start_date").verbose_name),
        capfirst(Activity._meta.get_field("end_date").verbose_name),
        _("Place"),
        _("Status"),
        _("Public"),
        _("Organised by"),
        _("Co-organisers"),
        capfirst(Activity._meta.get_field("series").verbose_name),
    ]
    lines = (
        (
            activity.title,
            activity.kind.label,
            levels[activity.level],
            activity.start_date,
            activity.end_date,
            activity.place,
            statuses[activity.status],
            yes if activity.is_public else no,
            activity.provider.display_name,
            separator.join(org.display_name for org in activity.co_organisers.all()),
            activity.series.title if activity.series else "",
        )
        for activity in rows.iterator(chunk_size=1000)
    )
    return table_response(
        fmt=fmt, filename="activities", header=header, rows=lines, title=_("Register of activities")
    )


@require_GET
def series_detail(request, slug):
    series = access.get_series_for_user(request.user, slug)
    editions = selectors.page_rows(
        access.activities_visible_to(request.user).filter(series=series).order_by("start_date")
    )
    manages = any(access.can_manage(request.user, a) for a in editions)
    return render(request, "events/series.html", {"series": series, "editions": editions, "manages": manages})


# --- one activity ----------------------------------------------------------------------------------


def _detail_context(request, activity: Activity, **forms) -> dict:
    user = request.user
    manages = access.can_manage(user, activity)
    own = access.own_registration(user, activity)
    context = {
        "activity": activity,
        "manages": manages,
        "co_organisers": pgettext("list separator", ", ").join(
            o.display_name for o in activity.co_organisers.order_by("name_en")
        ),
        "topics": list(activity.topics.all()),
        "audiences": list(activity.audiences.all()),
        "working_languages": [
            str(label) for code, label in WORKING_LANGUAGES if code in activity.working_languages
        ],
        "agenda": selectors.agenda(activity),
        "speakers": selectors.speakers(activity),
        "documents": list(access.documents_visible_to(user, activity)),
        "own": own,
        "certificate": getattr(own, "certificate", None) if own else None,
        "can_register": access.can_self_register(user, activity),
        "registration_open": access.registration_is_open(activity),
        "nominations": selectors.invitations(activity, within=access.invitations_for(user, activity)),
        "can_nominate": access.can_nominate(user, activity),
        "can_evaluate": access.evaluation_for(user, activity) is not None,
        "show_request": access.linked_request_visible(user, activity),
        "sees_participants": manages or access.participants_visible_to(user, activity).exists(),
        "today": timezone.localdate(),
    }
    # Speakers' names are public only with their agreement; those involved in the activity see them.
    context["insider"] = bool(
        manages
        or own
        or context["nominations"]
        or (user.is_authenticated and activity.speakers.filter(user=user).exists())
    )
    if manages:
        context.update(
            invitations=selectors.invitations(activity),
            counts=selectors.status_counts(user=user, activity=activity),
            invitation_form=forms.get("invitation_form") or InvitationForm(),
            speaker_form=forms.get("speaker_form") or SpeakerForm(prefix="speaker"),
            session_form=forms.get("session_form") or SessionForm(activity=activity, prefix="session"),
            document_form=forms.get("document_form") or DocumentForm(prefix="document"),
            moves=[a for a, (sources, _t) in services.STATUS_MOVES.items() if activity.status in sources],
        )
    return context


def _render_detail(request, activity, status=200, **forms):
    return render(request, "events/detail.html", _detail_context(request, activity, **forms), status=status)


@require_GET
def activity_detail(request, pk):
    activity = access.get_activity_for_user(request.user, pk)
    return _render_detail(request, activity)


def _activity_form_kwargs(request, provider_id):
    return {
        "programmes": Programme.objects.filter(provider_id=provider_id),
        "requests": requests_visible_to(request.user).filter(provider_id=provider_id),
        "series": Series.objects.filter(provider_id=provider_id),
    }


@login_required
@require_http_methods(["GET", "POST"])
def activity_create(request):
    access.require_can_create(request.user)
    providers = access.lead_providers_for(request.user)
    provider_form = ProviderForm(request.POST or request.GET or None, providers=providers)
    provider = provider_form.cleaned_data["provider"] if provider_form.is_valid() else providers.first()
    if provider is None:
        deny()
    form = ActivityForm(request.POST or None, **_activity_form_kwargs(request, provider.pk))
    if request.method == "POST" and provider_form.is_valid() and form.is_valid():
        data, m2m = form.content()
        try:
            activity = services.activity_create(
                by=request.user, provider=provider, data=data, m2m=m2m, request=request
            )
        except ValueError as exc:
            form.add_error("programme", str(exc))
        else:
            messages.success(request, _("Activity saved. It stays in preparation until you announce it."))
            return redirect(activity)
    return render(
        request,
        "events/edit.html",
        {"form": form, "provider_form": provider_form, "activity": None, "provider": provider},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def activity_edit(request, pk):
    activity = access.get_activity_for_user(request.user, pk, need=Need.EDIT)
    form = ActivityForm(
        request.POST or None, instance=activity, **_activity_form_kwargs(request, activity.provider_id)
    )
    revision, conflict = activity.revision, None
    if request.method == "POST":
        revision = _expected_revision(request)
        if form.is_valid():
            data, m2m = form.content()
            try:
                services.activity_update(
                    activity=activity,
                    by=request.user,
                    expected_revision=revision,
                    data=data,
                    m2m=m2m,
                    request=request,
                )
            except StaleEdit as exc:
                conflict, revision = describe(exc, Activity), exc.current_revision
            except ValueError as exc:
                form.add_error("programme", str(exc))
            else:
                messages.success(request, _("Activity updated."))
                return redirect(activity)
    return render(
        request,
        "events/edit.html",
        {
            "form": form,
            "activity": activity,
            "provider": activity.provider,
            "revision": revision,
            "conflict": conflict,
        },
        status=(409 if conflict else 400) if request.method == "POST" else 200,
    )


@login_required
@require_POST
def activity_move(request, pk, action):
    activity = access.get_activity_for_user(request.user, pk, need=Need.EDIT)
    try:
        moved = services.activity_move(activity=activity, by=request.user, action=action, request=request)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Activity status: %(status)s.") % {"status": moved.get_status_display()})
    return redirect(activity)


@login_required
@require_POST
def invitation_set(request, pk):
    activity = access.get_activity_for_user(request.user, pk, need=Need.EDIT)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_set(activity=activity, by=request.user, request=request, **form.cleaned_data)
        except RegistrationRefused as exc:
            form.add_error("quota", str(exc))
        else:
            messages.success(request, _("Invitation saved."))
            return redirect(activity)
    return _render_detail(request, activity, status=400, invitation_form=form)


@login_required
@require_POST
def invitation_remove(request, pk, invitation):
    activity, found = access.get_part_for_organiser(request.user, pk, "invitations", invitation)
    try:
        services.invitation_remove(invitation=found, by=request.user, request=request)
    except RegistrationRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Invitation removed."))
    return redirect(activity)


@login_required
@require_POST
def speaker_add(request, pk):
    activity = access.get_activity_for_user(request.user, pk, need=Need.EDIT)
    form = SpeakerForm(request.POST, prefix="speaker")
    if form.is_valid():
        services.speaker_add(activity=activity, by=request.user, data=form.cleaned_data, request=request)
        messages.success(request, _("Speaker added."))
        return redirect(activity)
    return _render_detail(request, activity, status=400, speaker_form=form)


@login_required
@require_POST
def speaker_remove(request, pk, speaker):
    activity, found = access.get_part_for_organiser(request.user, pk, "speakers", speaker)
    services.speaker_remove(speaker=found, by=request.user, request=request)
    messages.success(request, _("Speaker removed."))
    return redirect(activity)


@login_required
@require_POST
def session_add(request, pk):
    activity = access.get_activity_for_user(request.user, pk, need=Need.EDIT)
    form = SessionForm(request.POST, activity=activity, prefix="session")
    if form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "speakers"}
        try:
            services.session_add(
                activity=activity,
                by=request.user,
                data=data,
                speakers=form.cleaned_data["speakers"],
                request=request,
            )
        except ValueError as exc:
            form.add_error("day", str(exc))
        else:
            messages.success(request, _("Session added to the agenda."))
            return redirect(activity)
    return _render_detail(request, activity, status=400, session_form=form)


@login_required
@require_POST
def session_remove(request, pk, session):
    activity, found = access.get_part_for_organiser(request.user, pk, "sessions", session)
    services.session_remove(session=found, by=request.user, request=request)
    messages.success(request, _("Session removed from the agenda."))
    return redirect(activity)


@login_required
@require_POST
def document_upload(request, pk):
    activity = access.get_activity_for_user(request.user, pk, need=Need.EDIT)
    form = DocumentForm(request.POST, request.FILES, prefix="document")
    if form.is_valid():
        try:
            services.document_add(
                activity=activity,
                by=request.user,
                upload=form.cleaned_data["file"],
                audience=form.cleaned_data["audience"],
                description=form.cleaned_data["description"],
                request=request,
            )
        except UploadRejected as exc:
            form.add_error("file", exc.message)
        else:
            messages.success(request, _("Document added."))
            return redirect(activity)
    return _render_detail(request, activity, status=400, document_form=form)


@require_GET
def document_download(request, pk, document):
    _activity, doc = access.get_document_for_user(request.user, pk, document)
    return download(doc.file.name, doc.name, doc.content_type)


@login_required
@require_POST
def document_remove(request, pk, document):
    activity, found = access.get_part_for_organiser(request.user, pk, "documents", document)
    services.document_remove(document=found, by=request.user, request=request)
    messages.success(request, _("Document removed."))
    return redirect(activity)


# --- registration ----------------------------------------------------------------------------------


def _registration_page(request, activity, form, *, invitation=None, status=200):
    return render(
        request,
        "events/register.html",
        {"activity": activity, "form": form, "invitation": invitation},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def register(request, pk):
    activity = access.get_activity_for_user(request.user, pk)
    if not access.can_self_register(request.user, activity):
        deny()
    initial = {"email": request.user.email}
    if request.user.full_name:
        given, _sep, family = request.user.full_name.rpartition(" ")
        initial.update(given_name=given or family, family_name=family if given else "")
    form = ParticipantForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_register(
                activity=activity, by=request.user, data=form.personal_data(), request=request
            )
        except RegistrationRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("You are registered. The organisers will confirm your place."))
            return redirect(activity)
    return _registration_page(request, activity, form, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def nominate(request, pk, invitation):
    activity = access.get_activity_for_user(request.user, pk)
    found = access.get_invitation_for_nomination(request.user, activity, invitation)
    form = ParticipantForm(request.POST or None, initial={"country": found.organisation.country_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.participant_nominate(
                activity=activity,
                invitation=found,
                by=request.user,
                data=form.personal_data(),
                request=request,
            )
        except RegistrationRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Nomination sent to the organisers."))
            return redirect(activity)
    return _registration_page(
        request, activity, form, invitation=found, status=400 if request.method == "POST" else 200
    )


# --- participants ----------------------------------------------------------------------------------


def _participant_filters(request) -> tuple[str, str]:
    """The status and the words of the participant list; an unknown status is ignored."""
    status = request.GET.get("status", "")
    return (status if status in Participant.Status.values else ""), request.GET.get("q", "")[:200]


@login_required
@require_GET
def participant_list(request, pk):
    user = request.user
    activity = access.get_activity_for_user(user, pk)
    manages = access.can_manage(user, activity)
    status, q = _participant_filters(request)
    rows = selectors.participant_rows(user=user, activity=activity, status=status, q=q)
    counts = selectors.status_counts(user=user, activity=activity)
    if not (manages or sum(counts.values()) or access.invitations_for(user, activity).exists()):
        deny()
    paginator = Paginator(rows, PARTICIPANT_PAGE_SIZE)
    if not q:  # the counts per status already say how many rows match: no second COUNT
        paginator.count = counts[status] if status else sum(counts.values())
    page = paginator.get_page(request.GET.get("page"))
    services.record_participants_read(activity=activity, by=user, request=request, page=page.number)
    return render(
        request,
        "events/participants.html",
        {
            "activity": activity,
            "manages": manages,
            "page": page,
            "status": status,
            "q": q,
            "counts": [
                {"value": v, "label": label, "count": counts[v], "selected": v == status}
                for v, label in Participant.Status.choices
            ],
            "total": sum(counts.values()),
            "eligible": services.eligible_for_certificate(activity).filter(certificate__isnull=True).count()
            if manages
            else 0,
            "needed_days": activity.days_needed_for_certificate(),
            "day_count": len(activity.days),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_GET
def participant_export(request, pk, fmt="csv"):
    """The organisers' participant list, with the page's filters, as CSV or XLSX; the read is audited."""
    activity = access.get_activity_for_user(request.user, pk, need=Need.TRIAGE)
    status, q = _participant_filters(request)
    rows = selectors.participants_for_export(user=request.user, activity=activity, status=status, q=q)
    services.record_participants_read(
        activity=activity, by=request.user, request=request, export=rows.count()
    )
    statuses = dict(Participant.Status.choices)
    genders = dict(Participant.Gender.choices)
    header = [
        _("Family name"),
        _("Given name"),
        _("E-mail address"),
        _("Organisation"),
        _("Country"),
        _("Professional background"),
        _("Position"),
        _("Gender"),
        _("Status"),
        _("Nominated by"),
        _("Days present"),
        _("Certificate"),
    ]
    lines = (
        (
            p.family_name,
            p.given_name,
            p.email,
            p.organisation_name,
            p.country.name,
            p.background.label,
            p.position,
            genders.get(p.gender, ""),
            statuses[p.status],
            p.invitation.organisation.name if p.invitation_id else "",
            p.days_present,
            p.certificate.number if hasattr(p, "certificate") else "",
        )
        for p in rows.iterator(chunk_size=2000)
    )
    return table_response(
        fmt=fmt, filename=f"participants-{activity.pk}", header=header, rows=lines, title=_("Participants")
    )


@login_required
@require_http_methods(["GET", "POST"])
def participant_add(request, pk):
    activity = access.get_activity_for_user(request.user, pk, need=Need.TRIAGE)
    form = ParticipantForm(request.POST or None)
    form.fields["consent"].label = _(
        "The person has agreed to the use of these details, as stated in the consent text."
    )
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_add(
                activity=activity, by=request.user, data=form.personal_data(), request=request
            )
        except RegistrationRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Participant added; decide on the registration below."))
            return redirect(participant)
    return _registration_page(request, activity, form, status=400 if request.method == "POST" else 200)


@login_required
@require_http_methods(["GET", "POST"])
def participant_detail(request, pk, participant):
    """One registration: its details (which the person, their focal point or an organiser may
    correct), its status, attendance and certificate."""
    activity, found = access.get_participant_for_user(request.user, pk, participant)
    form = ParticipantForm(request.POST or None, instance=found, ask_consent=False)
    revision, conflict = found.revision, None
    if request.method == "POST":
        revision = _expected_revision(request)
        if form.is_valid():
            try:
                services.participant_update(
                    participant=found,
                    by=request.user,
                    expected_revision=revision,
                    data=form.personal_data(),
                    request=request,
                )
            except StaleEdit as exc:
                conflict, revision = describe(exc, Participant), exc.current_revision
            except RegistrationRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("Details corrected."))
                return redirect(found)
        found.refresh_from_db()
    manages = access.can_manage(request.user, activity)
    return render(
        request,
        "events/participant.html",
        {
            "activity": activity,
            "participant": found,
            "form": form,
            "revision": revision,
            "conflict": conflict,
            "manages": manages,
            "days": sorted(found.attendance.values_list("day", flat=True)),
            "certificate": getattr(found, "certificate", None),
            "own": found.user_id == request.user.pk,
            "actions": [
                a
                for a, sources in Participant.TRANSITIONS.items()
                if found.status in sources and (manages or a == "withdraw")
            ],
        },
        status=(409 if conflict else 400) if request.method == "POST" else 200,
    )


@login_required
@require_POST
def participant_decide(request, pk, participant, action):
    need = Need.EDIT if action == "withdraw" else Need.TRIAGE
    activity, found = access.get_participant_for_user(request.user, pk, participant, need=need)
    if action not in Participant.TRANSITIONS:
        deny()
    try:
        decided = services.participant_decide(
            participant=found, by=request.user, action=action, request=request
        )
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("%(name)s: %(status)s.") % {"name": decided.full_name, "status": decided.get_status_display()},
        )
    target = request.POST.get("next", "")
    if target.startswith(reverse("events:participants", kwargs={"pk": activity.pk})):
        return redirect(target)
    return redirect(found)


@login_required
@require_GET
def certificate_download(request, pk, participant):
    _activity, _participant, certificate = access.get_certificate_for_user(request.user, pk, participant)
    pdf = render_certificate(certificate)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="certificate-{certificate.number}.pdf"'
    response["Cache-Control"] = "private, no-store"
    return response


# --- attendance and certificates -------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def attendance_sheet(request, pk):
    """A page of approved participants by the days of the activity, as checkboxes."""
    activity = access.get_activity_for_user(request.user, pk, need=Need.TRIAGE)
    days = activity.days
    page = Paginator(selectors.attendance_rows(activity=activity), ATTENDANCE_PAGE_SIZE).get_page(
        request.POST.get("page") or request.GET.get("page")
    )
    ids = [p.pk for p in page.object_list]
    if request.method == "POST":
        present = set()
        for value in request.POST.getlist("present"):
            pid, _sep, day = value.partition(":")
            try:
                present.add((int(pid), date.fromisoformat(day)))
            except ValueError:
                continue  # a tampered box is ignored, never an error page
        changed = services.attendance_save(
            activity=activity, by=request.user, participant_ids=ids, present=present, request=request
        )
        messages.success(
            request,
            ngettext("Attendance saved (%(count)d change).", "Attendance saved (%(count)d changes).", changed)
            % {"count": changed},
        )
        return redirect(f"{reverse('events:attendance', kwargs={'pk': activity.pk})}?page={page.number}")
    marked = selectors.presence(ids)
    rows = [
        {
            "participant": p,
            "boxes": [
                {"day": d, "value": f"{p.pk}:{d.isoformat()}", "checked": (p.pk, d) in marked} for d in days
            ],
        }
        for p in page.object_list
    ]
    return render(
        request, "events/attendance.html", {"activity": activity, "days": days, "page": page, "rows": rows}
    )


@login_required
@require_GET
def attendance_export(request, pk, fmt="csv"):
    """The attendance sheet, every page at once: one column per day, 1 present and 0 absent; the
    read is audited like the participant list."""
    activity = access.get_activity_for_user(request.user, pk, need=Need.TRIAGE)
    rows = selectors.attendance_rows(activity=activity)
    services.record_participants_read(
        activity=activity, by=request.user, request=request, export=rows.count(), sheet="attendance"
    )
    days = activity.days
    header = [
        _("Family name"),
        _("Given name"),
        _("Organisation"),
        _("Country"),
        *(day.isoformat() for day in days),
        _("Days present"),
    ]

    def lines():
        participants = rows.iterator(chunk_size=ATTENDANCE_EXPORT_BATCH)
        while batch := list(islice(participants, ATTENDANCE_EXPORT_BATCH)):
            marked = selectors.presence([p.pk for p in batch])
            for p in batch:
                present = [int((p.pk, day) in marked) for day in days]
                yield (
                    p.family_name,
                    p.given_name,
                    p.organisation_name,
                    p.country.name,
                    *present,
                    sum(present),
                )

    return table_response(
        fmt=fmt,
        filename=f"attendance-{activity.pk}",
        header=header,
        rows=lines(),
        title=_("Attendance sheet"),
    )


@login_required
@require_POST
def certificates_issue(request, pk):
    activity = access.get_activity_for_user(request.user, pk, need=Need.TRIAGE)
    try:
        count = services.certificates_issue(activity=activity, by=request.user, request=request)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)d certificate of attendance issued.",
                "%(count)d certificates of attendance issued.",
                count,
            )
            % {"count": count},
        )
    return redirect("events:participants", pk=activity.pk)
