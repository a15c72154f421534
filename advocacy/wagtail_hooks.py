"""Wagtail admin hooks of the advocacy app.

- The "Alerts" menu: the alert list (Editors and Moderators) and the
  dispatches (Moderators only), plus alert sending and dispatch progress,
  and "Draft an alert" from a policy change (``policy_alerts_admin``).
- Where an alert stands in its approval ("1 of 2 approvals — waiting for a
  second Moderator"): in the page editor and on the dashboard.
- Who may delete or move a page (``core.roles.may_delete_or_move``):
  refused in the delete, move and bulk-action views with the reason, and the
  row menu does not offer it.
- "Translate this page" / "Translate" open the new translation (see
  ``open_the_new_translation``).
"""

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.admin.widgets.button import BaseDropdownMenuButton

from advocacy import approval_status
from advocacy.alerts_admin import admin_urls
from advocacy.alerts_overview import alert_list_view, works_on_alerts
from advocacy.models import AlertPage
from advocacy.policy_alerts_admin import admin_urls as policy_alert_urls
from advocacy.policy_alerts_admin import policy_change_actions
from core.roles import is_moderator, may_delete_or_move


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


class AlertWorkerMenuItem(MenuItem):
    def is_shown(self, request):
        return works_on_alerts(request.user)


@hooks.register("register_admin_urls")
def register_alert_admin_urls():
    return [
        *admin_urls(),
        *policy_alert_urls(),
        path("alerts/", alert_list_view, name="advocacy_alerts"),
    ]


# "Draft an alert" on each change in the policy tracker's history and "Policy changes".
hooks.register("register_policy_change_actions", policy_change_actions)


@hooks.register("register_admin_menu_item")
def register_alerts_menu():
    return SubmenuMenuItem(
        gettext_lazy("Alerts"),
        Menu(
            items=[
                AlertWorkerMenuItem(
                    gettext_lazy("All alerts"),
                    reverse("advocacy_alerts"),
                    name="alerts-list",
                    icon_name="warning",
                    order=10,
                ),
                ModeratorMenuItem(
                    gettext_lazy("Alert dispatches"),
                    reverse("advocacy_dispatches"),
                    name="alert-dispatches",
                    icon_name="mail",
                    order=20,
                ),
            ]
        ),
        name="alerts",
        icon_name="warning",
        order=250,
    )


@hooks.register("register_page_header_buttons")
def alert_send_header_button(page, user, view_name, next_url=None):
    if isinstance(page.specific_deferred, AlertPage) and page.live and is_moderator(user):
        yield HeaderButton(
            _("Send…"),
            reverse("advocacy_alert_send", args=[page.pk]),
            icon_name="mail",
            priority=5,
        )


@hooks.register("register_page_listing_more_buttons")
def alert_send_listing_button(page, user, next_url=None):
    if isinstance(page.specific_deferred, AlertPage) and page.live and is_moderator(user):
        yield Button(
            _("Send…"),
            reverse("advocacy_alert_send", args=[page.pk]),
            icon_name="mail",
            priority=5,
        )


# --- Where an alert stands in its approval -------------------------------------


@hooks.register("before_edit_page")
def show_approval_progress_in_editor(request, page):
    if request.method != "GET":
        return None
    progress = approval_status.alert_progress(page.specific_deferred)
    if progress is not None:
        messages.warning(request, progress.label)
    return None


class AlertApprovalsPanel(Component):
    """Dashboard panel: alerts in the "Alert approval" workflow and their progress."""

    name = "alert_approvals"
    order = 90
    template_name = "advocacy/admin/alert_approvals_panel.html"

    def __init__(self, waiting):
        self.waiting = waiting

    def get_context_data(self, parent_context=None):
        return {"waiting": self.waiting}


@hooks.register("construct_homepage_panels")
def add_alert_approvals_panel(request, panels):
    if works_on_alerts(request.user):
        waiting = approval_status.alerts_waiting_for_approval()
        if waiting:
            panels.append(AlertApprovalsPanel(waiting))


# --- Deleting and moving pages ---------------------------------------------------


REFUSALS = {
    "delete": gettext_lazy(
        "You cannot delete “%(title)s”: Editors delete or move only their own drafts "
        "(pages that are not live and that they created). Ask a Moderator."
    ),
    "move": gettext_lazy(
        "You cannot move “%(title)s”: Editors delete or move only their own drafts "
        "(pages that are not live and that they created). Ask a Moderator."
    ),
}


def _refuse(request, page, action: str):
    messages.error(request, REFUSALS[action] % {"title": page.get_admin_display_title()})
    parent = page.get_parent()
    return redirect(reverse("wagtailadmin_explore", args=[parent.pk]) if parent else "/admin/")


@hooks.register("before_delete_page")
def only_own_drafts_are_deleted(request, page):
    if not may_delete_or_move(request.user, page):
        return _refuse(request, page, "delete")
    return None


@hooks.register("before_move_page")
def only_own_drafts_are_moved(request, page, destination):
    if not may_delete_or_move(request.user, page):
        return _refuse(request, page, "move")
    return None


@hooks.register("before_bulk_action")
def only_own_drafts_in_bulk(request, action_type, objects, action_class_instance):
    if action_type not in REFUSALS:
        return None
    for page in objects:
        if hasattr(page, "get_descendants") and not may_delete_or_move(request.user, page):
            return _refuse(request, page, action_type)
    return None


@hooks.register("construct_page_listing_buttons")
def no_delete_or_move_in_row_menu(buttons, page, user, context=None):
    if may_delete_or_move(user, page):
        return
    refused = {
        reverse("wagtailadmin_pages:delete", args=[page.pk]),
        reverse("wagtailadmin_pages:move", args=[page.pk]),
    }

    def offered(button) -> bool:
        return (getattr(button, "url", "") or "").split("?")[0] not in refused

    for button in buttons:
        if isinstance(button, BaseDropdownMenuButton):
            button.dropdown_buttons = [b for b in button.dropdown_buttons if offered(b)]
    buttons[:] = [b for b in buttons if offered(b)]
