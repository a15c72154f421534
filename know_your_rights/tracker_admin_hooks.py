"""Wagtail admin hooks of the policy tracker (imported by ``wagtail_hooks``).

- The "Policy tracker" menu: "Policy changes" and "Due for verification".
- The views' URLs (``know_your_rights.tracker_admin``).
- On each policy statement, in the snippet listing (and the editor's header,
  ``tracker_statement_editor``):
  "History", and for Editors and Moderators "Record a change" and "Record a
  verification".
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.menus import MenuItem as ListingMenuItem

from know_your_rights.models import PolicyStatement
from know_your_rights.tracker_admin import admin_urls, may_record_policy, may_view_policy


class PolicyViewerMenuItem(MenuItem):
    def is_shown(self, request):
        return may_view_policy(request.user)


@hooks.register("register_admin_urls")
def register_policy_tracker_urls():
    return admin_urls()


@hooks.register("register_admin_menu_item")
def register_policy_tracker_menu():
    return SubmenuMenuItem(
        _("Policy tracker"),
        Menu(
            items=[
                PolicyViewerMenuItem(
                    _("Policy changes"),
                    reverse("know_your_rights_policy_changes"),
                    name="policy-changes",
                    icon_name="history",
                    order=10,
                ),
                PolicyViewerMenuItem(
                    _("Due for verification"),
                    reverse("know_your_rights_policy_due"),
                    name="policy-due",
                    icon_name="date",
                    order=20,
                ),
            ]
        ),
        name="policy-tracker",
        icon_name="openquote",
        order=260,
    )


def statement_actions(statement: PolicyStatement, user) -> list[tuple[str, str, str]]:
    """(label, URL, icon) of the tracker's actions on ``statement`` that ``user`` may take."""
    if not may_view_policy(user):
        return []
    actions = [
        (
            _("History"),
            reverse("know_your_rights_policy_history", args=[statement.pk]),
            "history",
        )
    ]
    if may_record_policy(user):
        actions += [
            (
                _("Record a change"),
                reverse("know_your_rights_policy_record_change", args=[statement.pk]),
                "edit",
            ),
            (
                _("Record a verification"),
                reverse("know_your_rights_policy_record_verification", args=[statement.pk]),
                "check",
            ),
        ]
    return actions


@hooks.register("register_snippet_listing_buttons")
def policy_statement_listing_buttons(snippet, user, next_url=None):
    if isinstance(snippet, PolicyStatement):
        for priority, (label, url, icon) in enumerate(statement_actions(snippet, user), start=80):
            yield ListingMenuItem(label, url, icon_name=icon, priority=priority)
