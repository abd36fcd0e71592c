from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ipassist.catalogue.models import LANGUAGE_CHOICES, Programme, ProgrammeVersion
from ipassist.core.forms import FilterForm
from ipassist.core.models import ActivityType, AudienceType, Organisation, Topic


class CatalogueFilterForm(FilterForm):
    """Filters from the query string. Invalid values are dropped, never an error page."""

    q = forms.CharField(label=_("Words"), required=False, max_length=200)
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=Organisation.objects.none(), to_field_name="slug", required=False
    )
    audience = forms.ModelChoiceField(
        label=_("Target beneficiaries"),
        queryset=AudienceType.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
    )
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=Topic.objects.filter(is_active=True), to_field_name="code", required=False
    )
    activity_type = forms.ModelChoiceField(
        label=_("Type of activity"),
        queryset=ActivityType.objects.filter(is_active=True),
        to_field_name="code",
        required=False,
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *Programme.Status.choices], required=False
    )

    def __init__(self, *args, providers, show_status: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        for name in ("provider", "audience", "topic", "activity_type"):
            self.fields[name].empty_label = _("All")
        if not show_status:
            del self.fields["status"]


class ProgrammeForm(forms.ModelForm):
    class Meta:
        model = Programme
        fields = ["provider", "original_language", "reference", "audiences", "topics", "activity_types"]
        widgets = {
            "audiences": forms.CheckboxSelectMultiple,
            "topics": forms.CheckboxSelectMultiple,
            "activity_types": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, providers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers
        self.fields["provider"].empty_label = None
        for name, model in (("audiences", AudienceType), ("topics", Topic), ("activity_types", ActivityType)):
            self.fields[name].queryset = model.objects.filter(is_active=True)


class VersionForm(forms.ModelForm):
    """One language version. Every field is optional here; ProgrammeEditor decides what is required."""

    class Meta:
        model = ProgrammeVersion
        fields = list(ProgrammeVersion.TEXT_FIELDS)
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 2}),
            "target_beneficiaries": forms.Textarea(attrs={"rows": 3}),
            "objectives": forms.Textarea(attrs={"rows": 5}),
            "activities": forms.Textarea(attrs={"rows": 6}),
            "outcomes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, language: str, **kwargs):
        super().__init__(*args, prefix=f"v_{language}", **kwargs)
        self.language = language
        self.language_name = dict(LANGUAGE_CHOICES)[language]
        for field in self.fields.values():
            field.required = False
            field.widget.attrs["lang"] = language
            field.widget.attrs["dir"] = "rtl" if language == "ar" else "ltr"

    def is_blank(self) -> bool:
        return not any((self.cleaned_data.get(name) or "").strip() for name in ProgrammeVersion.TEXT_FIELDS)

    def require_complete(self) -> None:
        for name in ProgrammeVersion.REQUIRED_FIELDS:
            if not (self.cleaned_data.get(name) or "").strip():
                self.add_error(
                    name,
                    _("This field is required for the %(language)s version.")
                    % {"language": self.language_name},
                )


class ProgrammeEditor:
    """The programme form and its four language versions, validated together.

    The version in the original language is required; any other version is either left empty
    (not translated yet) or complete.
    """

    def __init__(self, data=None, *, providers, instance: Programme | None = None):
        self.instance = instance
        self.form = ProgrammeForm(data, instance=instance, providers=providers)
        existing = {v.language: v for v in instance.versions.all()} if instance else {}
        self.versions = [
            VersionForm(data, instance=existing.get(code), language=code) for code, _name in LANGUAGE_CHOICES
        ]
        self.non_field_errors: list[str] = []

    def is_valid(self) -> bool:
        valid = self.form.is_valid()
        # a list, not a generator: every version form must run, to show all errors at once
        valid = all([v.is_valid() for v in self.versions]) and valid  # noqa: C419
        if not valid:
            return False
        original = self.form.cleaned_data["original_language"]
        for version in self.versions:
            if version.language == original and version.is_blank():
                self.non_field_errors.append(
                    _("The %(language)s version is the original and is required.")
                    % {"language": version.language_name}
                )
                version.require_complete()
            elif not version.is_blank():
                version.require_complete()
        return not self.non_field_errors and not any(v.errors for v in self.versions)

    def cleaned(self) -> tuple[dict, dict[str, dict]]:
        versions = {
            v.language: (
                {} if v.is_blank() else {n: v.cleaned_data[n].strip() for n in ProgrammeVersion.TEXT_FIELDS}
            )
            for v in self.versions
        }
        return self.form.cleaned_data, versions
