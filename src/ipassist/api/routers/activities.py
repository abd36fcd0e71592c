"""Activities: the public register for everyone, and for organisers their own activities, which they
create and update here as on the web (the same form rules, the same services, the same 409 on a
stale revision)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.db.models import Q
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from pydantic import ConfigDict

from ipassist.api.auth import PUBLIC, PUBLIC_SECURITY, require_write
from ipassist.api.errors import READ_ERRORS, WRITE_ERRORS, ApiError, bad_request
from ipassist.api.ordering import order
from ipassist.api.pagination import ListParams, Page, paginate
from ipassist.api.schemas import (
    CountryOut,
    OrganisationOut,
    TermOut,
    Text,
    TranslatedOut,
    country,
    lookup,
    lookup_country,
    lookup_many,
    lookup_organisation,
    lookup_region,
    organisation,
    term,
    translated,
)
from ipassist.casework.access import requests_visible_to
from ipassist.catalogue.access import programmes_visible_to
from ipassist.catalogue.models import Programme
from ipassist.core.access import Need
from ipassist.core.models import ActivityType, AudienceType, Organisation, Region, Topic
from ipassist.events import access, selectors, services
from ipassist.events.forms import ActivityForm
from ipassist.events.models import EVENT_TYPE_CODES, WORKING_LANGUAGES, Activity, Series

router = Router(tags=["Activities"])

# The enumerations follow the models' choices, so that the schema says what the data holds.
Level = Literal[tuple(Activity.Level.values)]  # type: ignore[valid-type]
ActivityStatus = Literal[tuple(Activity.Status.values)]  # type: ignore[valid-type]
RegistrationMode = Literal[tuple(Activity.Registration.values)]  # type: ignore[valid-type]
WorkingLanguage = Literal[tuple(code for code, _label in WORKING_LANGUAGES)]  # type: ignore[valid-type]

ORDERING = {
    "start_date": "start_date",
    "end_date": "end_date",
    "title": "title_en",
    "updated_at": "updated_at",
}


# --- output ------------------------------------------------------------------------------------


class ActivityOut(Schema):
    id: int
    url: str = Field(description="The activity's page on the web.")
    title: TranslatedOut
    description: TranslatedOut
    type: TermOut
    level: Level
    status: ActivityStatus
    is_public: bool
    start_date: date
    end_date: date
    city: str
    country: CountryOut | None
    venue: str
    online: bool
    provider: OrganisationOut
    co_organisers: list[OrganisationOut]
    series: str | None = Field(description="The series the activity is an edition of (slug).")
    topics: list[TermOut]
    audiences: list[TermOut]
    working_languages: list[str]
    registration: RegistrationMode
    registration_deadline: date | None
    capacity: int | None
    updated_at: datetime


class ActivityDetailOut(ActivityOut):
    revision: int = Field(description="Send it back with an update; a stale one answers 409.")
    can_edit: bool = Field(description="Whether the caller organises the activity.")
    programme: str | None = Field(description="The catalogue programme (slug), if the caller may see it.")
    request: int | None = Field(description="The request for assistance (id), if the caller may see it.")


class ActivityPage(Page):
    results: list[ActivityOut]


def activity_out(activity: Activity) -> dict:
    return {
        "id": activity.pk,
        "url": activity.get_absolute_url(),
        "title": translated(activity, "title"),
        "description": translated(activity, "description"),
        "type": term(activity.kind),
        "level": activity.level,
        "status": activity.status,
        "is_public": activity.is_public,
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "city": activity.city,
        "country": country(activity.country),
        "venue": activity.venue,
        "online": activity.online,
        "provider": organisation(activity.provider),
        "co_organisers": [organisation(o) for o in activity.co_organisers.all()],
        "series": activity.series.slug if activity.series_id else None,
        "topics": [term(t) for t in activity.topics.all()],
        "audiences": [term(t) for t in activity.audiences.all()],
        "working_languages": list(activity.working_languages or []),
        "registration": activity.registration,
        "registration_deadline": activity.registration_deadline,
        "capacity": activity.capacity,
        "updated_at": activity.updated_at,
    }


def activity_detail_out(user, activity: Activity) -> dict:
    programme = None
    if activity.programme_id and programmes_visible_to(user).filter(pk=activity.programme_id).exists():
        programme = Programme.objects.only("slug").get(pk=activity.programme_id).slug
    return {
        **activity_out(activity),
        "revision": activity.revision,
        "can_edit": access.can_manage(user, activity),
        "programme": programme,
        "request": activity.request_id if access.linked_request_visible(user, activity) else None,
    }


# --- reading -----------------------------------------------------------------------------------


class ActivityFilters(ListParams):
    q: Text = Field(None, max_length=200, description="Words in the title (any language) or city.")
    type: Text = Field(None, max_length=64, description="Activity type (term code), e.g. workshop.")
    level: Level = None
    topic: Text = Field(None, max_length=64, description="Topic (term code).")
    country: Text = Field(None, max_length=2, description="Venue country (ISO 3166-1 alpha-2).")
    region: Text = Field(None, max_length=3, description="UN M49 region of the venue country.")
    provider: Text = Field(None, max_length=80, description="Lead provider or co-organiser (slug).")
    year: int = Field(None, ge=1990, le=2100, description="Year the activity starts.")
    date_from: date = Field(None, alias="from", description="Activities ending on or after this day.")
    date_to: date = Field(None, alias="to", description="Activities starting on or before this day.")
    when: Literal["upcoming", "past"] = Field(None, description="Not ended yet, or ended.")
    status: ActivityStatus = Field(None, description="Only organisers see activities in preparation.")
    ordering: Literal[
        "start_date", "-start_date", "end_date", "-end_date", "title", "-title", "updated_at", "-updated_at"
    ] = "-start_date"


def _register_filters(filters: ActivityFilters) -> selectors.RegisterFilters:
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise bad_request("from", _("“from” must not be after “to”."))
    return selectors.RegisterFilters(
        q=(filters.q or "").strip(),
        when=filters.when or "",
        kind=lookup(
            ActivityType.objects.filter(code__in=EVENT_TYPE_CODES), "code", filters.type, param="type"
        )
        if filters.type
        else None,
        level=filters.level or "",
        topic=lookup(Topic.objects.all(), "code", filters.topic, param="topic") if filters.topic else None,
        country=lookup_country(filters.country) if filters.country else None,
        provider=lookup_organisation(filters.provider, param="provider") if filters.provider else None,
        year=filters.year,
    )


def _with_rows(qs):
    return selectors.page_rows(qs).prefetch_related("topics", "audiences")


@router.get("", response={200: ActivityPage, **READ_ERRORS}, auth=PUBLIC, openapi_extra=PUBLIC_SECURITY)
def list_activities(request, filters: Query[ActivityFilters]):
    """The activities the caller may see: the public register, and what they organise or take part in."""
    user = request.auth.user
    qs = selectors.activity_list(user=user, filters=_register_filters(filters))
    if filters.region:
        region = lookup_region(filters.region)
        if region.level != Region.Level.WORLD:
            qs = qs.filter(
                Q(country__region_id=region.code)
                | Q(country__subregion_id=region.code)
                | Q(country__intermediate_region_id=region.code)
            )
    if filters.date_from:
        qs = qs.filter(end_date__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(start_date__lte=filters.date_to)
    if filters.status:
        qs = qs.filter(status=filters.status)
    return paginate(request, _with_rows(order(qs, filters.ordering, ORDERING)), filters, activity_out)


@router.get(
    "/{activity_id}",
    response={200: ActivityDetailOut, **READ_ERRORS},
    auth=PUBLIC,
    openapi_extra=PUBLIC_SECURITY,
)
def get_activity(request, activity_id: int):
    """One activity the caller may see (else 404)."""
    user = request.auth.user
    activity = access.get_activity_for_user(user, activity_id)
    return activity_detail_out(user, activity)


# --- writing -----------------------------------------------------------------------------------


class TextsIn(Schema):
    en: Text | None = None
    fr: Text | None = None
    es: Text | None = None
    ar: Text | None = None


class ActivityChanges(Schema):
    """The fields of an activity; on update, only those sent change."""

    title: TextsIn | None = Field(None, description="Titles; English is required.")
    description: TextsIn | None = None
    type: Text | None = Field(None, description="Activity type (term code), e.g. workshop.")
    level: Level | None = None
    is_public: bool | None = Field(None, description="Listed in the public register once announced.")
    start_date: date | None = None
    end_date: date | None = None
    city: Text | None = None
    country: Text | None = Field(None, description="Venue country (ISO 3166-1 alpha-2).")
    venue: Text | None = None
    online: bool | None = None
    series: Text | None = Field(None, description="A series of the lead provider (slug).")
    programme: Text | None = Field(None, description="A catalogue programme of the lead provider (slug).")
    request: int | None = Field(None, description="A request for assistance to the lead provider (id).")
    topics: list[Text] | None = Field(None, max_length=50, description="Topic codes.")
    audiences: list[Text] | None = Field(None, max_length=50, description="Target audience codes.")
    co_organisers: list[Text] | None = Field(
        None, max_length=50, description="Co-organising organisations (slugs)."
    )
    working_languages: list[WorkingLanguage] | None = Field(None, max_length=10)
    registration: RegistrationMode | None = None
    registration_deadline: date | None = None
    capacity: int | None = Field(None, ge=0, le=1_000_000, description="Seats; null means no limit.")
    certificate_min_percent: int | None = Field(None, ge=1, le=100)
    evaluation_open: bool | None = None
    evaluation_anonymous: bool | None = None


class ActivityCreate(ActivityChanges):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "title": {"en": "National Workshop on Border Measures"},
                    "type": "workshop",
                    "level": "national",
                    "start_date": "2030-03-04",
                    "end_date": "2030-03-06",
                    "city": "Nairobi",
                    "country": "KE",
                    "topics": [],
                    "working_languages": ["en"],
                }
            ]
        }
    )
    provider: Text | None = Field(
        None, description="Lead provider (slug); needed when the caller is an officer of several."
    )
    title: TextsIn = Field(description="Titles; English is required.")
    type: Text = Field(description="Activity type (term code), e.g. workshop.")
    level: Level
    start_date: date
    end_date: date


class ActivityUpdate(ActivityChanges):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"revision": 1, "capacity": 40, "registration_deadline": None}]}
    )
    revision: int = Field(description="The revision the change is based on (from the last read).")


# Fields sent in the API's terms, and the activity form's names for them.
_SIMPLE = (
    "level",
    "is_public",
    "start_date",
    "end_date",
    "city",
    "venue",
    "online",
    "working_languages",
    "registration",
    "registration_deadline",
    "capacity",
    "certificate_min_percent",
    "evaluation_open",
    "evaluation_anonymous",
)
_FLAGS = {"is_public", "online", "evaluation_open", "evaluation_anonymous"}
_FORM_TO_API = {
    "kind": "type",
    **{f"{n}_{lang}": f"{n}.{lang}" for n in ("title", "description") for lang in ("en", "fr", "es", "ar")},
}


def _form_values(payload: ActivityChanges, sent: set[str]) -> dict:
    """What was sent, as the activity form's data (codes and slugs turned into row ids)."""
    values: dict = {}
    for name in ("title", "description"):
        texts = getattr(payload, name)
        if name in sent and texts is not None:
            for lang in texts.model_fields_set:
                values[f"{name}_{lang}"] = getattr(texts, lang) or ""
    for name in _SIMPLE:
        if name in sent:
            value = getattr(payload, name)
            if value is None and name in _FLAGS:
                continue  # null on a yes/no field leaves it as it is
            values[name] = "" if value is None else value
    if "type" in sent and payload.type is not None:
        values["kind"] = lookup(
            ActivityType.objects.filter(code__in=EVENT_TYPE_CODES),
            "code",
            payload.type,
            param="type",
            location="body",
        ).pk
    if "country" in sent:
        values["country"] = lookup_country(payload.country, location="body").pk if payload.country else ""
    if "series" in sent:
        values["series"] = (
            lookup(Series.objects.all(), "slug", payload.series, param="series", location="body").pk
            if payload.series
            else ""
        )
    if "programme" in sent:
        values["programme"] = (
            lookup(Programme.objects.all(), "slug", payload.programme, param="programme", location="body").pk
            if payload.programme
            else ""
        )
    if "request" in sent:
        values["request"] = payload.request if payload.request is not None else ""
    for name, model, field in (
        ("topics", Topic, "code"),
        ("audiences", AudienceType, "code"),
        ("co_organisers", Organisation, "slug"),
    ):
        if name in sent:
            values[name] = [
                row.pk
                for row in lookup_many(model.objects.all(), field, getattr(payload, name) or [], param=name)
            ]
    return values


def _current_values(form: ActivityForm) -> dict:
    """The activity's values as the form would show them, as the base of a partial update."""
    values = {}
    for name in form.fields:
        value = form[name].value()
        values[name] = "" if value is None else value
    return values


def _form_kwargs(user, provider_id: int) -> dict:
    return {
        "programmes": Programme.objects.filter(provider_id=provider_id),
        "requests": requests_visible_to(user).filter(provider_id=provider_id),
        "series": Series.objects.filter(provider_id=provider_id),
    }


def _form_errors(form: ActivityForm) -> ApiError:
    details = []
    for name, errors in form.errors.items():
        field = _FORM_TO_API.get(name, name) if name != "__all__" else None
        details.extend({"location": "body", "field": field, "message": str(message)} for message in errors)
    first = details[0]
    message = (
        _("Invalid value for “%(field)s”: %(message)s")
        % {"field": first["field"], "message": first["message"]}
        if first["field"]
        else first["message"]
    )
    return ApiError(400, "invalid_request", message, details)


def _lead_provider(user, slug: str | None) -> Organisation:
    providers = access.lead_providers_for(user)
    if slug:
        provider = providers.filter(slug=slug).first()
        if provider is None:
            raise bad_request(
                "provider", _("You do not organise activities for this provider."), location="body"
            )
        return provider
    choices = list(providers[:2])
    if len(choices) != 1:
        raise bad_request(
            "provider", _("Name the lead provider: you organise activities for several."), location="body"
        )
    return choices[0]


@router.post("", response={201: ActivityDetailOut, **WRITE_ERRORS})
def create_activity(request, payload: ActivityCreate):
    """Create an activity (in preparation) as an officer of the lead provider. Needs a write token."""
    user = require_write(request).user
    if not access.can_create(user):
        raise ApiError(403, "forbidden", _("Only officers of a provider create activities."))
    provider = _lead_provider(user, payload.provider)
    kwargs = _form_kwargs(user, provider.pk)
    values = _current_values(ActivityForm(**kwargs))  # the defaults of a new activity
    values.update(_form_values(payload, payload.model_fields_set - {"provider"}))
    form = ActivityForm(values, **kwargs)
    if not form.is_valid():
        raise _form_errors(form)
    data, m2m = form.content()
    try:
        activity = services.activity_create(by=user, provider=provider, data=data, m2m=m2m, request=request)
    except ValueError as exc:
        raise bad_request("programme", str(exc), location="body") from None
    return Status(201, activity_detail_out(user, access.get_activity_for_user(user, activity.pk)))


@router.patch("/{activity_id}", response={200: ActivityDetailOut, **WRITE_ERRORS})
def update_activity(request, activity_id: int, payload: ActivityUpdate):
    """Change the fields sent, if ``revision`` is still the activity's (else 409). Organisers only."""
    user = require_write(request).user
    activity = access.get_activity_for_user(user, activity_id, need=Need.EDIT)
    kwargs = _form_kwargs(user, activity.provider_id)
    values = _current_values(ActivityForm(instance=activity, **kwargs))
    values.update(_form_values(payload, payload.model_fields_set - {"revision"}))
    form = ActivityForm(values, instance=Activity.objects.get(pk=activity.pk), **kwargs)
    if not form.is_valid():
        raise _form_errors(form)
    data, m2m = form.content()
    try:
        services.activity_update(
            activity=activity,
            by=user,
            expected_revision=payload.revision,
            data=data,
            m2m=m2m,
            request=request,
        )
    except ValueError as exc:
        raise bad_request("programme", str(exc), location="body") from None
    return activity_detail_out(user, access.get_activity_for_user(user, activity.pk))
