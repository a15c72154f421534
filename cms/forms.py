"""Forms of the project's own admin pages (two-step sign-in)."""

from django import forms
from django.utils.translation import gettext_lazy as _


class TwoFactorCodeForm(forms.Form):
    """One code: six digits from the authenticator app, or (`recovery=True`) a recovery code.

    Rendered with Wagtail's own field markup, so the field has a visible
    border, its label is tied to it and its error is read out with it.
    """

    token = forms.CharField(max_length=40, strip=True)

    def __init__(self, *args, recovery: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["token"]
        field.widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True})
        if recovery:
            field.label = _("Code from your authenticator app, or a recovery code")
        else:
            field.label = _("Six-digit code")
            field.widget.attrs["inputmode"] = "numeric"
