"""Wagtail admin hooks of the flyer builder (imported by ``wagtail_hooks``):
its URLs, and its menu item for Editors, Moderators and Translators only."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from know_your_rights.flyer_builder import may_build_flyers
from know_your_rights.flyer_builder_views import admin_urls


class FlyerBuilderMenuItem(MenuItem):
    def is_shown(self, request):
        return may_build_flyers(request.user)


@hooks.register("register_admin_urls")
def register_flyer_builder_urls():
    return admin_urls()


@hooks.register("register_admin_menu_item")
def register_flyer_builder_menu():
    return FlyerBuilderMenuItem(
        _("Flyer builder"),
        reverse("know_your_rights_flyer_builder"),
        name="flyer-builder",
        icon_name="doc-full-inverse",
        order=270,
    )
