from django import forms
from django.utils.translation import gettext_lazy as _

from ipassist.catalogue.models import Programme
from ipassist.core.forms import FilterForm
from ipassist.core.models import Country, Organisation, Region, RegionGrouping, Topic
from ipassist.reports.access import Scope
from ipassist.reports.statistics import Filters, filter_choices


class ReportFilterForm(FilterForm):
    """The filters of the dashboards and the public statistics, read from the query string."""

    date_from = forms.DateField(
        label=_("From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Activities starting on or after this day; requests submitted on or after it."),
    )
    date_to = forms.DateField(
        label=_("To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Activities starting on or before this day; requests submitted on or before it."),
    )
    provider = forms.ModelChoiceField(
        label=_("Provider"), queryset=None, required=False, to_field_name="slug", empty_label=_("All")
    )
    programme = forms.ModelChoiceField(
        label=_("Programme"), queryset=None, required=False, to_field_name="slug", empty_label=_("All")
    )
    region = forms.ModelChoiceField(
        label=_("Region (UN M49)"), queryset=None, required=False, empty_label=_("All")
    )
    grouping = forms.ModelChoiceField(
        label=_("Provider's region"), queryset=None, required=False, empty_label=_("All")
    )
    country = forms.ModelChoiceField(label=_("Country"), queryset=None, required=False, empty_label=_("All"))
    topic = forms.ModelChoiceField(
        label=_("Topic"), queryset=None, required=False, to_field_name="code", empty_label=_("All")
    )

    def __init__(self, *args, scope: Scope, data_versions: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        offered = filter_choices(scope, data_versions)
        providers = Organisation.objects.filter(pk__in=offered["providers"])
        self.fields["provider"].queryset = providers.order_by("slug")
        self.fields["programme"].queryset = Programme.objects.filter(pk__in=offered["programmes"]).order_by(
            "slug"
        )
        self.fields["region"].queryset = Region.objects.exclude(level=Region.Level.WORLD).order_by(
            "level", "code"
        )
        self.fields["grouping"].queryset = RegionGrouping.objects.filter(owner__in=providers).select_related(
            "owner"
        )
        self.fields["country"].queryset = Country.objects.order_by("code")
        self.fields["topic"].queryset = Topic.objects.filter(is_active=True).order_by("position", "code")
        for name in ("region", "country", "topic", "programme", "provider"):
            self.fields[name].label_from_instance = _label_of

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period is before its start."))
        return data

    def filters(self) -> Filters:
        values = self.valid_values()
        return Filters(**{name: values.get(name) for name in Filters.__dataclass_fields__})


def _label_of(obj) -> str:
    for attr in ("label", "name"):
        value = getattr(obj, attr, None)
        if value:
            return str(value)
    return str(obj)
