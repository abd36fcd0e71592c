"""Catalogue pages: parse input, call one selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from ipassist.catalogue import access, selectors, services
from ipassist.catalogue.forms import CatalogueFilterForm, ProgrammeEditor
from ipassist.catalogue.models import LANGUAGE_CHOICES, InvalidTransition, Programme, ProgrammeVersion
from ipassist.core.access import Need
from ipassist.core.concurrency import StaleEdit
from ipassist.core.exports import table_response
from ipassist.core.i18n import active_language

PAGE_SIZE = 20


def _list_filters(request, *, can_create: bool):
    """The page's filters; the status filter is for officers (who see drafts) only."""
    providers = selectors.providers_with_programmes(user=request.user)
    form = CatalogueFilterForm(request.GET, providers=providers, show_status=can_create)
    values = form.valid_values()
    return form, selectors.CatalogueFilters(**values), values


@require_GET
def catalogue_list(request):
    user = request.user
    can_create = access.can_create_programme(user)
    form, filters, values = _list_filters(request, can_create=can_create)
    programmes = selectors.programme_list(user=user, filters=filters)
    page = Paginator(programmes, PAGE_SIZE).get_page(request.GET.get("page"))
    language = active_language()
    rows = [{"programme": p, "version": p.version_for(language)} for p in page.object_list]
    return render(
        request,
        "catalogue/list.html",
        {
            "form": form,
            "rows": rows,
            "page": page,
            "total": page.paginator.count,
            "facet_fields": _facets(form, values, selectors.facet_counts(programmes=programmes)),
            "ignored": form.ignored,
            "q": values.get("q", ""),
            "status": values.get("status", ""),
            "active_filters": bool(values),
            "can_create": can_create,
        },
    )


@require_GET
def catalogue_export(request, fmt="csv"):
    """The programmes the user sees, with the page's filters, as CSV or XLSX (streamed): each in
    the interface language where it has that version, else in its original language, as listed."""
    can_create = access.can_create_programme(request.user)
    _form, filters, _values = _list_filters(request, can_create=can_create)
    programmes = selectors.programme_list(user=request.user, filters=filters)
    language = active_language()
    languages = {code: str(name) for code, name in LANGUAGE_CHOICES}
    statuses = {value: str(label) for value, label in Programme.Status.choices}
    separator = pgettext("list separator", ", ")
    header = [
        capfirst(ProgrammeVersion._meta.get_field("title").verbose_name),
        _("Language"),
        _("Provider"),
        _("Status"),
        capfirst(ProgrammeVersion._meta.get_field("summary").verbose_name),
        _("Target beneficiaries"),
        _("Topics"),
        _("Types of activities"),
    ]

    def lines():
        for programme in programmes.iterator(chunk_size=500):
            version = programme.version_for(language)
            yield (
                version.title if version else programme.slug,
                languages.get(version.language, version.language) if version else "",
                programme.provider.display_name,
                statuses[programme.status],
                version.summary if version else "",
                separator.join(term.label for term in programme.audiences.all()),
                separator.join(term.label for term in programme.topics.all()),
                separator.join(term.label for term in programme.activity_types.all()),
            )

    return table_response(
        fmt=fmt, filename="programmes", header=header, rows=lines(), title=_("Programme catalogue")
    )


@require_GET
def programme_detail(request, slug):
    programme = selectors.programme_detail(user=request.user, slug=slug)
    services.record_internal_read(programme=programme, by=request.user, request=request)
    wanted = request.GET.get("version") or active_language()
    versions = {v.language: v for v in programme.versions.all()}
    version = versions.get(wanted) or programme.version_for(active_language())
    can_manage = access.can_manage(request.user, programme)
    return render(
        request,
        "catalogue/detail.html",
        {
            "programme": programme,
            "version": version,
            "is_fallback": version is not None and version.language != active_language(),
            "available": [(code, name) for code, name in LANGUAGE_CHOICES if code in versions],
            "missing": [(code, name) for code, name in LANGUAGE_CHOICES if code not in versions],
            "outdated": _outdated_languages(programme, versions),
            "can_manage": can_manage,
            "history": selectors.programme_history(programme=programme) if can_manage else [],
        },
    )


def _facets(form, values: dict, counts: dict[str, dict[int, int]]) -> list[dict]:
    """Each filter with its options and how many listed programmes carry each."""
    facets = []
    for name in ("provider", "audience", "topic", "activity_type"):
        field = form.fields[name]
        key = field.to_field_name
        selected = values.get(name)
        facets.append(
            {
                "name": name,
                "label": field.label,
                "options": [
                    {
                        "value": getattr(item, key),
                        "label": item.display_name if name == "provider" else item.label,
                        "count": counts[name].get(item.pk, 0),
                        "selected": selected is not None and selected.pk == item.pk,
                    }
                    for item in field.queryset
                ],
            }
        )
    return facets


def _outdated_languages(programme, versions) -> set[str]:
    """Translations last saved before the original was: they may be out of step with it."""
    original = versions.get(programme.original_language)
    if original is None:
        return set()
    return {
        code
        for code, v in versions.items()
        if code != original.language and v.updated_at < original.updated_at
    }


@login_required
@require_http_methods(["GET", "POST"])
def programme_create(request):
    access.require_can_create(request.user)
    providers = access.providers_for(request.user)
    editor = ProgrammeEditor(request.POST or None, providers=providers)
    if request.method == "POST" and editor.is_valid():
        data, versions = editor.cleaned()
        programme = services.programme_create(by=request.user, data=data, versions=versions, request=request)
        messages.success(
            request,
            _("Draft saved. Only officers of %(provider)s can see it until it is published.")
            % {"provider": programme.provider.name},
        )
        return redirect(programme)
    return render(request, "catalogue/edit.html", {"editor": editor, "programme": None})


@login_required
@require_http_methods(["GET", "POST"])
def programme_edit(request, slug):
    programme = access.get_programme_for_user(request.user, slug, need=Need.EDIT)
    providers = access.providers_for(request.user)
    editor = ProgrammeEditor(request.POST or None, providers=providers, instance=programme)
    revision = programme.revision
    conflict = None
    if request.method == "POST":
        try:
            expected = int(request.POST.get("revision", ""))
        except ValueError:
            expected = -1
        if editor.is_valid():
            data, versions = editor.cleaned()
            try:
                programme = services.programme_update(
                    programme=programme,
                    by=request.user,
                    expected_revision=expected,
                    data=data,
                    versions=versions,
                    request=request,
                )
            except StaleEdit as stale:
                conflict = stale
                revision = stale.current_revision
            else:
                messages.success(request, _("Changes saved."))
                return redirect(programme)
        else:
            revision = expected
    return render(
        request,
        "catalogue/edit.html",
        {"editor": editor, "programme": programme, "revision": revision, "conflict": conflict},
    )


TRANSITIONS = {
    "publish": (
        services.programme_publish,
        gettext_lazy("Programme published: it is now in the public catalogue."),
    ),
    "unpublish": (
        services.programme_unpublish,
        gettext_lazy("Programme returned to draft: it is no longer public."),
    ),
    "archive": (services.programme_archive, gettext_lazy("Programme archived: it is no longer offered.")),
}


@login_required
@require_POST
def programme_transition(request, slug, action):
    programme = access.get_programme_for_user(request.user, slug, need=Need.PUBLISH)
    if action not in TRANSITIONS:
        return redirect(programme)
    service, message = TRANSITIONS[action]
    try:
        programme = service(programme=programme, by=request.user, request=request)
    except InvalidTransition as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, str(message))
    return redirect(programme)
