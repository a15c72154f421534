"""The alert editor's text-message field: a textarea measured as it is typed
(``advocacy/sms-measure.js`` asks ``measure_views``; a static file, as the
admin's content security policy allows no inline script)."""

from __future__ import annotations

from django import forms
from django.urls import reverse


class SmsTextarea(forms.Textarea):
    """A textarea carrying the address of the live measure."""

    class Media:
        js = ["advocacy/sms-measure.js"]

    def get_context(self, name, value, attrs):
        attrs = {**(attrs or {}), "data-sms-measure-url": reverse("advocacy_sms_measure")}
        return super().get_context(name, value, attrs)
