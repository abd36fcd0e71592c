from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
    )
    error_messages = {
        "invalid_login": _("The e-mail address or password is not correct."),
        "inactive": _("This account is inactive."),
    }


class FilterForm(forms.Form):
    """Filters read from a query string. Invalid values are dropped, never an error page."""

    def valid_values(self) -> dict:
        """The values that parsed; the names of those that did not are in ``ignored``."""
        self.is_valid()
        self.ignored = sorted(name for name in self.errors if self.data.get(name))
        return {name: value for name, value in self.cleaned_data.items() if value}
