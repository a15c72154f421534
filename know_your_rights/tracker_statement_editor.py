"""The policy statement snippet editor, kept honest by the policy tracker.

On an EXISTING statement (English or a translation whose sync was stopped),
the fields the history owns (status, quote, superseded_by, last_verified,
review_due) are shown read-only, next to "Record a change" / "Record a
verification"; a POST that still carries a different value for one of them
(a crafted request) is refused with a form error and nothing is saved.
Changing them without the history would skip the record and mark no guides.

A NEW English statement (created or copied) records its first version (source: its source,
effective: its "as of" date parts) in the transaction that creates it.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, HelpPanel, ObjectList, PanelGroup
from wagtail.admin.views.generic import CopyViewMixin
from wagtail.admin.widgets import Button
from wagtail.models import Locale
from wagtail.snippets.views.snippets import CreateView, EditView

from know_your_rights.models import PolicyStatement
from know_your_rights.tracker import checks, recording
from know_your_rights.tracker_admin import may_record_policy
from know_your_rights.tracker_admin_hooks import statement_actions

# Fields only the tracker's history writes on an existing statement.
HISTORY_FIELDS = ("status", "quote", "superseded_by", "last_verified", "review_due")


def _stored_text(statement: PolicyStatement, name: str) -> str:
    if name == "superseded_by":
        return str(statement.superseded_by_id or "")
    value = getattr(statement, name)
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def history_fields_posted_changed(statement: PolicyStatement, data) -> list[str]:
    """The history-owned fields whose value in posted ``data`` differs from ``statement``.

    The editor renders these fields read-only (no input), so a POST carrying
    one with another value did not come from the editor.
    """
    changed = []
    for name in HISTORY_FIELDS:
        if name not in data:
            continue
        posted = (data.get(name) or "").replace("\r\n", "\n").strip()
        if posted != _stored_text(statement, name).replace("\r\n", "\n").strip():
            changed.append(name)
    return changed


class ExistingStatementForm(WagtailAdminModelForm):
    """The edit form of an existing statement: refuses history-owned fields."""

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None:
            stored = PolicyStatement.objects.get(pk=self.instance.pk)
            changed = history_fields_posted_changed(stored, self.data)
            if changed:
                self.add_error(
                    None,
                    _(
                        "Status, text, replacement and verification dates change only "
                        "through the policy tracker, so that the change is kept in the "
                        "history and the guides citing it are marked: use “Record a "
                        "change” or “Record a verification”. Nothing was saved."
                    ),
                )
        return cleaned_data


def _read_only(panel):
    if isinstance(panel, FieldPanel) and panel.field_name in HISTORY_FIELDS:
        return FieldPanel(panel.field_name, read_only=True, heading=panel.heading)
    if isinstance(panel, PanelGroup):
        kwargs = panel.clone_kwargs()
        kwargs["children"] = [_read_only(child) for child in panel.children]
        return type(panel)(**kwargs)
    return panel.clone()


def _tracker_help(statement_id: int, user) -> HelpPanel:
    if may_record_policy(user):
        content = format_html(
            '<p>{} <a href="{}">{}</a> · <a href="{}">{}</a></p>',
            _("Status, text and verification are kept in the policy history:"),
            reverse("know_your_rights_policy_record_change", args=[statement_id]),
            _("Record a change"),
            reverse("know_your_rights_policy_record_verification", args=[statement_id]),
            _("Record a verification"),
        )
    else:
        content = format_html(
            '<p>{} <a href="{}">{}</a></p>',
            _("Status, text and verification are kept in the policy history:"),
            reverse("know_your_rights_policy_history", args=[statement_id]),
            _("History"),
        )
    return HelpPanel(content=content, heading=gettext_lazy("Policy history"))


class PolicyStatementEditView(EditView):
    """The statement's editor: history-owned fields read-only and refused; the
    tracker's actions in its header menu."""

    def get_panel(self):
        statement_id = int(unquote(str(self.kwargs["pk"])))
        children = [_tracker_help(statement_id, self.request.user)]
        children += [_read_only(panel) for panel in PolicyStatement.panels]
        return ObjectList(children, base_form_class=ExistingStatementForm).bind_to_model(
            PolicyStatement
        )

    def get_form_class(self):
        # The viewset passes the model's form class; this view's panel has its own.
        return self.panel.get_form_class()

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        for priority, (label, url, icon) in enumerate(
            statement_actions(self.object, self.request.user), start=1
        ):
            buttons.append(Button(label, url=url, icon_name=icon, priority=priority))
        return buttons


def record_first_version_of_new(statement: PolicyStatement) -> None:
    """A statement just created in English: its first version, from its source
    and "as of" date. Translations share their English statement's history."""
    if statement.locale_id != Locale.get_default().pk:
        return
    effective = (
        (statement.as_of_year, statement.as_of_month, statement.as_of_day)
        if statement.as_of_year
        else None
    )
    recording.record_first_version(statement, source=statement.source, effective_date=effective)


class PolicyStatementCreateView(CreateView):
    """Creating a statement records its first version in the same transaction."""

    def save_instance(self):
        instance = super().save_instance()
        record_first_version_of_new(instance)
        return instance

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except checks.TrackerError as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)


class PolicyStatementCopyView(CopyViewMixin, PolicyStatementCreateView):
    """ "Copy": a new statement, with its own first version."""
