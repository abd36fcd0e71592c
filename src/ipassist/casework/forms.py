from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ipassist.casework.models import WORKING_LANGUAGES, AssistanceRequest
from ipassist.catalogue.models import Programme
from ipassist.core.forms import FilterForm
from ipassist.core.models import Country, Organisation, Region, User


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked from its bytes by the upload service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class RequestForm(forms.ModelForm):
    working_languages = forms.MultipleChoiceField(
        label=_("Working languages"),
        choices=WORKING_LANGUAGES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = AssistanceRequest
        fields = ["requester", *AssistanceRequest.CONTENT_FIELDS]
        widgets = {
            "desired_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "desired_end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "description": forms.Textarea(attrs={"rows": 10}),
            "contacts": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "title": _("A short subject. It is shown in lists and never sent by e-mail."),
            "description": _(
                "What is needed and why: the situation, the institutions involved, what has been done "
                "already. Documents such as a draft law can be attached."
            ),
            "contacts": _(
                "Names, functions, e-mail addresses and telephone numbers of the people to contact."
            ),
            "programme": _("Optional: the catalogue programme this request relates to."),
        }

    def __init__(self, *args, requesters, providers, programmes, fixed_provider: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = requesters
        self.fields["requester"].empty_label = None
        self.fields["requester"].label = _("On behalf of")
        self.fields["provider"].queryset = providers
        self.fields["programme"].queryset = programmes
        self.fields["programme"].empty_label = _("None")
        self.fields["programme"].label_from_instance = lambda p: str(p)
        for name in ("desired_start", "desired_end"):
            self.fields[name].widget.attrs["aria-describedby"] = "timeframe-help"
        if self.instance.pk:
            # The requesting organisation never changes; the addressee is fixed once submitted.
            del self.fields["requester"]
            if fixed_provider:
                del self.fields["provider"]
        elif len(requesters) == 1:
            self.fields["requester"].initial = requesters[0]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("desired_start"), cleaned.get("desired_end")
        if start and end and end < start:
            self.add_error("desired_end", _("The end of the timeframe is before its start."))
        programme, provider = cleaned.get("programme"), cleaned.get("provider") or self.instance_provider()
        if programme and provider and programme.provider_id != provider.pk:
            self.add_error("programme", _("This programme is offered by another provider."))
        return cleaned

    def instance_provider(self):
        return self.instance.provider if self.instance.pk else None


class NewDocumentsForm(forms.Form):
    files = MultipleFileField(
        label=_("Documents"),
        required=False,
        help_text=_("PDF, Word (DOCX), OpenDocument text (ODT) or plain text; at most %(size)s MB each."),
    )
    # Not "description": the request form beside it on the same page has a field of that name.
    files_description = forms.CharField(
        label=_("Description of the documents"), max_length=300, required=False
    )

    def __init__(self, *args, max_mb: int, required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["files"]
        field.help_text = field.help_text % {"size": max_mb}
        field.required = required
        field.widget.attrs["accept"] = ".pdf,.docx,.odt,.txt"


class TransitionForm(forms.Form):
    text = forms.CharField(
        label=_("Message"), required=False, max_length=20000, widget=forms.Textarea(attrs={"rows": 4})
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"),
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Write a message first.")},
    )
    internal = forms.BooleanField(
        label=_("Internal note: visible to the provider's officers only"), required=False
    )

    def __init__(self, *args, allow_internal: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not allow_internal:
            del self.fields["internal"]


class LeadForm(forms.Form):
    lead = forms.ModelChoiceField(label=_("Lead officer"), queryset=User.objects.none(), required=False)

    def __init__(self, *args, officers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = officers
        self.fields["lead"].empty_label = _("No lead officer")
        self.fields["lead"].label_from_instance = lambda u: u.full_name or u.email


class AssignForm(forms.Form):
    expert = forms.ModelChoiceField(label=_("Expert"), queryset=User.objects.none())

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["expert"].queryset = experts
        self.fields["expert"].label_from_instance = lambda u: u.full_name or u.email


AGE_CHOICES = [
    ("", _("Any age")),
    ("0-7", _("Up to a week")),
    ("8-30", _("8 to 30 days")),
    ("31-90", _("31 to 90 days")),
    ("91-", _("More than 90 days")),
]


class InboxFilterForm(FilterForm):
    q = forms.CharField(label=_("Reference or words"), required=False, max_length=200)
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("Any state")), *AssistanceRequest.State.choices], required=False
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("Any kind")), *AssistanceRequest.Kind.choices], required=False
    )
    country = forms.ModelChoiceField(
        label=_("Country"), queryset=Country.objects.none(), required=False, to_field_name="code"
    )
    region = forms.ModelChoiceField(
        label=_("Region"), queryset=Region.objects.all(), required=False, to_field_name="code"
    )
    assignee = forms.ModelChoiceField(label=_("Assigned to"), queryset=User.objects.none(), required=False)
    age = forms.ChoiceField(label=_("Days since submission"), choices=AGE_CHOICES, required=False)
    provider = forms.ModelChoiceField(
        label=_("Addressed to"), queryset=Organisation.objects.none(), required=False, to_field_name="slug"
    )

    def __init__(self, *args, countries, assignees, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].queryset = countries
        self.fields["region"].queryset = Region.objects.exclude(level="world").order_by("name_en")
        self.fields["assignee"].queryset = assignees
        self.fields["assignee"].label_from_instance = lambda u: u.full_name or u.email
        self.fields["provider"].queryset = providers
        for name in ("country", "region", "assignee", "provider"):
            self.fields[name].empty_label = _("All")
        if not assignees.exists():
            del self.fields["assignee"]
        if providers.count() < 2:
            del self.fields["provider"]


def published_programmes():
    return Programme.objects.filter(status=Programme.Status.PUBLISHED).prefetch_related("versions")
