from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ipassist.core.forms import FilterForm
from ipassist.core.models import (
    ActivityType,
    AudienceType,
    Country,
    Organisation,
    ProfessionalBackground,
    Region,
    Topic,
)
from ipassist.events.models import (
    EVENT_TYPE_CODES,
    WORKING_LANGUAGES,
    Activity,
    ActivityDocument,
    AgendaSession,
    Participant,
    Speaker,
)
from ipassist.events.services import CONSENT_TEXT

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def event_types():
    return ActivityType.objects.filter(code__in=EVENT_TYPE_CODES, is_active=True)


class LabelledChoiceField(forms.ModelChoiceField):
    """A vocabulary term shown by its label in the interface language."""

    def label_from_instance(self, obj):
        return obj.label


class LabelledMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class RegisterFilterForm(FilterForm):
    WHEN = [("", _("Past and upcoming")), ("upcoming", _("Upcoming")), ("past", _("Past"))]

    q = forms.CharField(label=_("Words in the title"), required=False, max_length=200)
    when = forms.ChoiceField(label=_("When"), choices=WHEN, required=False)
    kind = forms.ModelChoiceField(
        label=_("Type"), queryset=ActivityType.objects.none(), required=False, to_field_name="code"
    )
    level = forms.ChoiceField(label=_("Level"), choices=[("", "—"), *Activity.Level.choices], required=False)
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.none(), required=False, to_field_name="code"
    )
    region = forms.ModelChoiceField(label=_("Region"), queryset=Region.objects.none(), required=False)
    country = forms.ModelChoiceField(label=_("Country"), queryset=Country.objects.none(), required=False)
    provider = forms.ModelChoiceField(
        label=_("Organiser"), queryset=Organisation.objects.none(), required=False, to_field_name="slug"
    )
    year = forms.IntegerField(label=_("Year"), required=False, min_value=1990, max_value=2100)

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = event_types()
        self.fields["kind"].label_from_instance = lambda o: o.label
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True)
        self.fields["topic"].label_from_instance = lambda o: o.label
        self.fields["region"].queryset = Region.objects.filter(level=Region.Level.REGION)
        self.fields["region"].label_from_instance = lambda o: o.name
        self.fields["country"].queryset = Country.objects.all()
        self.fields["country"].label_from_instance = lambda o: o.name
        self.fields["provider"].queryset = providers
        self.fields["provider"].label_from_instance = lambda o: o.display_name


class ActivityForm(forms.ModelForm):
    working_languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=WORKING_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    topics = LabelledMultipleChoiceField(
        label=_("Topics"), queryset=Topic.objects.none(), widget=forms.CheckboxSelectMultiple, required=False
    )
    audiences = LabelledMultipleChoiceField(
        label=_("Target audiences"),
        queryset=AudienceType.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    co_organisers = forms.ModelMultipleChoiceField(
        label=_("Co-organisers"), queryset=Organisation.objects.none(), required=False
    )

    class Meta:
        model = Activity
        fields = [*Activity.CONTENT_FIELDS, *Activity.M2M_FIELDS]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "registration_deadline": DATE,
            "description_en": forms.Textarea(attrs={"rows": 5}),
            "description_fr": forms.Textarea(attrs={"rows": 5}),
            "description_es": forms.Textarea(attrs={"rows": 5}),
            "description_ar": forms.Textarea(attrs={"rows": 5, "dir": "rtl"}),
            "title_ar": forms.TextInput(attrs={"dir": "rtl"}),
        }

    def __init__(self, *args, programmes, requests, series, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"] = LabelledChoiceField(label=_("Type"), queryset=event_types())
        self.fields["topics"].queryset = Topic.objects.filter(is_active=True)
        self.fields["audiences"].queryset = AudienceType.objects.filter(is_active=True)
        self.fields["co_organisers"].queryset = Organisation.objects.filter(is_active=True).exclude(
            kind=Organisation.Kind.PROVIDER, pk=getattr(self.instance, "provider_id", None)
        )
        self.fields["country"] = NamedChoiceField(
            label=_("Venue country"), queryset=Country.objects.all(), required=False
        )
        self.fields["programme"].queryset = programmes
        self.fields["request"].queryset = requests
        self.fields["request"].label_from_instance = lambda o: f"{o.reference} — {o.title}"
        self.fields["series"].queryset = series
        if self.instance.pk:
            self.fields["kind"].initial = self.instance.kind_id

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The activity cannot end before it starts."))
        if start and end and (end - start).days > 366:
            self.add_error("end_date", _("An activity lasts at most a year; split longer programmes."))
        deadline = data.get("registration_deadline")
        if deadline and end and deadline > end:
            self.add_error("registration_deadline", _("The registration deadline must be before the end."))
        if not data.get("online") and not (data.get("city") and data.get("country")):
            self.add_error("city", _("Give the venue city and country, or mark the activity as online."))
        return data

    def content(self) -> tuple[dict, dict]:
        data = {
            name: self.cleaned_data[name] for name in Activity.CONTENT_FIELDS if name in self.cleaned_data
        }
        m2m = {name: list(self.cleaned_data.get(name) or []) for name in Activity.M2M_FIELDS}
        return data, m2m


class ProviderForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Lead provider"), queryset=Organisation.objects.none())

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].label_from_instance = lambda o: o.display_name
        if providers.count() == 1:
            self.fields["provider"].initial = providers.first()


class InvitationForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Invited state or institution"), queryset=Organisation.objects.none()
    )
    quota = forms.IntegerField(label=_("Nominations allowed"), min_value=1, max_value=500, initial=2)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(is_active=True).exclude(
            kind__in=[Organisation.Kind.PROVIDER, Organisation.Kind.PARTNER_AGENCY]
        )
        self.fields["organisation"].label_from_instance = lambda o: o.display_name


class SpeakerForm(forms.ModelForm):
    country = NamedChoiceField(label=_("Country"), queryset=Country.objects.all(), required=False)

    class Meta:
        model = Speaker
        fields = ["name", "affiliation", "country", "is_expert", "listed_publicly"]
        labels = {"is_expert": _("Expert (international or national)")}


class SessionForm(forms.ModelForm):
    day = forms.TypedChoiceField(label=_("Day"), coerce=lambda v: timezone.datetime.fromisoformat(v).date())
    speakers = forms.ModelMultipleChoiceField(
        label=_("Speakers"),
        queryset=Speaker.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = AgendaSession
        fields = ["day", "starts_at", "ends_at", "title", "description"]
        widgets = {
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "ends_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, activity: Activity, **kwargs):
        super().__init__(*args, **kwargs)
        from django.utils.formats import date_format

        self.fields["day"].choices = [(d.isoformat(), date_format(d, "DATE_FORMAT")) for d in activity.days]
        self.fields["speakers"].queryset = activity.speakers.all()

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A session ends after it starts."))
        return data


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"))
    audience = forms.ChoiceField(
        label=_("Who may read it"),
        choices=ActivityDocument.Audience.choices,
        initial=ActivityDocument.Audience.PARTICIPANTS,
    )
    description = forms.CharField(label=_("Description"), max_length=300, required=False)


class ParticipantForm(forms.ModelForm):
    """The details a participant gives; ``consent`` is asked when the record is created."""

    country = NamedChoiceField(label=_("Country"), queryset=Country.objects.all())
    background = LabelledChoiceField(
        label=_("Professional background"), queryset=ProfessionalBackground.objects.none()
    )
    consent = forms.BooleanField(label=CONSENT_TEXT, required=True)
    revision = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Participant
        fields = list(Participant.PERSONAL_FIELDS)
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "email"})}
        help_texts = {"gender": _("Optional. Used only, without names, in statistics.")}

    def __init__(self, *args, ask_consent: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["background"].queryset = ProfessionalBackground.objects.filter(is_active=True)
        self.fields["given_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["family_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["organisation_name"].widget.attrs["autocomplete"] = "organization"
        self.fields["position"].widget.attrs["autocomplete"] = "organization-title"
        if not ask_consent:
            del self.fields["consent"]
        if self.instance.pk:
            self.fields["revision"].initial = self.instance.revision

    def personal_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in Participant.PERSONAL_FIELDS}


class DecisionForm(forms.Form):
    """Approve, reject or withdraw: the action is in the URL; nothing else to fill in."""
