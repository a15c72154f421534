"""The alert page's admin form (``AlertPage.base_form_class``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminPageForm

from advocacy.sms.segments import segment_limit_error

__all__ = ["AlertPageForm"]


class AlertPageForm(WagtailAdminPageForm):
    """The alert's admin form: who it concerns is always an explicit choice."""

    def clean(self):
        cleaned_data = super().clean()
        if "areas" in self.fields and "every_area" in self.fields:
            areas = cleaned_data.get("areas")
            every_area = cleaned_data.get("every_area")
            if not areas and not every_area:
                self.add_error(
                    "areas",
                    _(
                        "Choose who this alert concerns: tick one or more areas, "
                        "or tick “Every area” to send it to everyone."
                    ),
                )
            elif areas and every_area:
                self.add_error(
                    "every_area",
                    _("Tick either some areas or “Every area”, not both."),
                )
        # Refused on every save, so an overlong text never reaches approval
        # (sending checks every language's text again: translations are not
        # edited through this form).
        refusal = segment_limit_error((cleaned_data.get("sms_text") or "").strip())
        if "sms_text" in self.fields and refusal:
            self.add_error("sms_text", refusal)
        return cleaned_data
