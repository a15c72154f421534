"""Wagtail admin hooks of the advocacy app: alert sending and dispatch progress."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.widgets import Button, HeaderButton

from advocacy.alerts_admin import admin_urls, is_moderator
from advocacy.models import AlertPage


class ModeratorMenuItem(MenuItem):
    def is_shown(self, request):
        return is_moderator(request.user)


@hooks.register("register_admin_urls")
def register_alert_admin_urls():
    return admin_urls()


@hooks.register("register_admin_menu_item")
def register_dispatch_menu_item():
    return ModeratorMenuItem(
        _("Alert dispatches"), reverse("advocacy_dispatches"), icon_name="mail", order=310
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
