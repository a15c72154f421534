"""The admin's forms for a statement's history: "Record a change" and "Record a verification".

They only collect and check what the editor typed; the rules of the history
(what a change needs, supersession cycles, two editors at once) are
``know_your_rights.tracker.recording``'s, whose refusals the views show on
these forms. Each form carries the statement's latest event number as it was
when the form was opened (``expected_sequence``), so a second editor who
opened it before the first one saved is told, instead of silently recording
over what they never saw.

The source is one already in the admin, or a new one typed on the form
(title, kind, issuer, date as much as is known, URL), created only when the
event is recorded.
"""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from know_your_rights.dates import validate_partial_date
from know_your_rights.models.policy import PolicySource, PolicyStatement

__all__ = ["RecordChangeForm", "RecordVerificationForm"]


class SourceChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.title} ({obj.get_kind_display()}, {obj.date_display})"


class StatementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.key}: {obj.summary[:80]}"


def _small_number(label, maximum: int):
    return forms.IntegerField(
        label=label, required=False, min_value=1, max_value=maximum, widget=forms.NumberInput
    )


class _SourceFields(forms.Form):
    """A source chosen from the list, or a new one described on the form."""

    expected_sequence = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    source = SourceChoiceField(
        label=_("Source"),
        queryset=PolicySource.objects.none(),
        required=False,
        empty_label=_("— A new source (describe it below) —"),
        help_text=_("The document that says so."),
    )
    new_source_title = forms.CharField(label=_("New source: title"), max_length=255, required=False)
    new_source_kind = forms.ChoiceField(
        label=_("New source: kind"), choices=PolicySource.Kind.choices, required=False
    )
    new_source_issuer = forms.CharField(
        label=_("New source: who issued or published it"), max_length=255, required=False
    )
    new_source_year = _small_number(_("New source: year"), 9999)
    new_source_month = _small_number(_("New source: month"), 12)
    new_source_day = _small_number(_("New source: day"), 31)
    new_source_url = forms.URLField(
        label=_("New source: URL"), required=False, assume_scheme="https"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = PolicySource.objects.filter(
            locale=Locale.get_default()
        ).order_by("-date_year", "-date_month", "-date_day", "title")

    @property
    def describes_new_source(self) -> bool:
        data = self.cleaned_data
        return any(
            data.get(name)
            for name in (
                "new_source_title",
                "new_source_issuer",
                "new_source_year",
                "new_source_url",
            )
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") is not None and self.describes_new_source:
            raise forms.ValidationError(
                gettext("Choose a source from the list or describe a new one, not both.")
            )
        if cleaned.get("source") is None and self.describes_new_source:
            self._check_new_source(cleaned)
        return cleaned

    def _check_new_source(self, cleaned) -> None:
        if not cleaned.get("new_source_title"):
            self.add_error("new_source_title", gettext("Give the new source a title."))
        elif PolicySource.objects.filter(
            locale=Locale.get_default(), title=cleaned["new_source_title"]
        ).exists():
            self.add_error(
                "new_source_title",
                gettext("A source with this title exists already: choose it from the list."),
            )
        if not cleaned.get("new_source_issuer"):
            self.add_error("new_source_issuer", gettext("Say who issued or published it."))
        try:
            validate_partial_date(
                cleaned.get("new_source_year"),
                cleaned.get("new_source_month"),
                cleaned.get("new_source_day"),
            )
        except ValueError as error:
            self.add_error("new_source_year", str(error))

    def source_to_record(self) -> PolicySource | None:
        """The chosen source, or the new one, created now (call inside the
        transaction that records the event, so a refused event leaves no
        source behind). None when the editor gave none."""
        data = self.cleaned_data
        if data.get("source") is not None or not self.describes_new_source:
            return data.get("source")
        return PolicySource.objects.create(
            locale=Locale.get_default(),
            title=data["new_source_title"],
            kind=data["new_source_kind"] or PolicySource.Kind.MEMO,
            issuer=data["new_source_issuer"],
            date_year=data.get("new_source_year"),
            date_month=data.get("new_source_month"),
            date_day=data.get("new_source_day"),
            url=data.get("new_source_url") or "",
        )


class RecordChangeForm(_SourceFields):
    """What changed in a statement, on what source, from when."""

    field_order = [
        "status",
        "quote",
        "superseded_by",
        "note",
        "source",
        "new_source_title",
        "new_source_kind",
        "new_source_issuer",
        "new_source_year",
        "new_source_month",
        "new_source_day",
        "new_source_url",
        "effective_year",
        "effective_month",
        "effective_day",
    ]

    status = forms.ChoiceField(label=_("Status"), choices=PolicyStatement.Status.choices)
    quote = forms.CharField(
        label=_("New text"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_(
            "The exact words of the source now. Leave as it is if only the status changed."
        ),
    )
    superseded_by = StatementChoiceField(
        label=_("Superseded by"),
        queryset=PolicyStatement.objects.none(),
        required=False,
        help_text=_("If superseded: the statement that replaced this one."),
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What changed, in plain language."),
    )
    effective_year = forms.IntegerField(label=_("Effective: year"), min_value=1900, max_value=9999)
    effective_month = _small_number(_("Effective: month"), 12)
    effective_day = _small_number(_("Effective: day"), 31)

    def __init__(self, statement: PolicyStatement, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["superseded_by"].queryset = PolicyStatement.objects.filter(
            locale=statement.locale_id
        ).exclude(pk=statement.pk)
        if not self.is_bound:
            self.initial.setdefault("status", statement.status)
            self.initial.setdefault("quote", statement.quote)
            self.initial.setdefault("superseded_by", statement.superseded_by_id)

    def clean(self):
        cleaned = super().clean()
        try:
            validate_partial_date(
                cleaned.get("effective_year"),
                cleaned.get("effective_month"),
                cleaned.get("effective_day"),
            )
        except ValueError as error:
            self.add_error("effective_year", str(error))
        return cleaned

    @property
    def effective_date(self) -> tuple[int, int | None, int | None]:
        data = self.cleaned_data
        return (data["effective_year"], data.get("effective_month"), data.get("effective_day"))


class RecordVerificationForm(_SourceFields):
    """That a statement was checked against current policy, on what source, when."""

    field_order = [
        "source",
        "new_source_title",
        "new_source_kind",
        "new_source_issuer",
        "new_source_year",
        "new_source_month",
        "new_source_day",
        "new_source_url",
        "checked_on",
        "note",
    ]

    checked_on = forms.DateField(
        label=_("Date checked"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    note = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("What was checked, and how."),
    )

    def __init__(self, statement: PolicyStatement, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("checked_on", timezone.localdate())
