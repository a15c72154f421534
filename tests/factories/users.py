"""People in the admin: users with the roles Faro's groups give."""

from __future__ import annotations

import factory
from django.contrib.auth.models import Group, Permission, User
from factory.django import DjangoModelFactory, Password

ROLES = ("anonymous", "no_group", "Editors", "Moderators", "Translators", "superuser")


def admin_access() -> Permission:
    return Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")


class UserFactory(DjangoModelFactory):
    """A user; traits ``editor``, ``moderator``, ``translator`` put them in that group,
    ``superuser`` makes a superuser, ``staff_without_group`` a staff user who may
    open the admin but belongs to no group. ``groups``: more group names."""

    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person-{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = Password("x" * 16)
    groups = ()
    with_admin_access = False

    class Params:
        editor = factory.Trait(groups=["Editors"])
        moderator = factory.Trait(groups=["Moderators"])
        translator = factory.Trait(groups=["Translators"])
        superuser = factory.Trait(is_superuser=True, is_staff=True)
        staff_without_group = factory.Trait(is_staff=True, with_admin_access=True)

    @classmethod
    def _create(cls, model_class, *args, groups=(), with_admin_access=False, **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        for name in groups:
            user.groups.add(Group.objects.get_or_create(name=name)[0])
        if with_admin_access:
            user.user_permissions.add(admin_access())
        return user


def moderator(name: str) -> User:
    """A member of Moderators (made once per name). No email address: the
    "an alert waits for you" notes must not land among the messages tests count."""
    return UserFactory(username=name, email="", password=Password("x" * 12), moderator=True)


def staff(name: str, group: str, superuser: bool = False) -> User:
    """A user in ``group``, which is given access to the admin (flushed databases lost it)."""
    user = UserFactory(username=name, password=Password("x" * 12), groups=[group])
    if superuser:
        user.is_superuser = True
        user.save()
    Group.objects.get(name=group).permissions.add(admin_access())
    return user


def user_for(role: str) -> User | None:
    """A user in ``role`` (one of ROLES): one of the three groups, a staff user with
    admin access but no group, or a superuser (None for anonymous)."""
    if role == "anonymous":
        return None
    username = f"{role.lower()}-user"
    if role == "superuser":
        return UserFactory(username=username, superuser=True)
    if role == "no_group":
        return UserFactory(username=username, staff_without_group=True)
    # The groups come from know_your_rights' roles migration, with their permissions.
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=role))
    return user
