"""The admin's users list shows each person's groups (Editors, Moderators,
Translators), so whoever manages accounts sees who may do what."""

from __future__ import annotations

from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.users.views.users import IndexView
from wagtail.users.views.users import UserViewSet as WagtailUserViewSet


def group_names(user) -> str:
    """The names of ``user``'s groups, sorted ("—" when none)."""
    return ", ".join(sorted(group.name for group in user.groups.all())) or "—"


class UserIndexView(IndexView):
    @cached_property
    def columns(self):
        columns = list(super().columns)
        # After name and username, before "Access level".
        columns.insert(3, Column("groups", accessor=group_names, label=_("Groups"), width="20%"))
        return columns

    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("groups")


class UserViewSet(WagtailUserViewSet):
    index_view_class = UserIndexView
