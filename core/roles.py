"""Faro's editorial roles and the rules about them that Wagtail cannot express.

The groups (and their permissions) are created by know_your_rights' migration
0002; this module names them, says who counts as a Moderator, and who may
delete or move a page.
"""

from __future__ import annotations

from django.db.models import Q

EDITORS = "Editors"
MODERATORS = "Moderators"
TRANSLATORS = "Translators"


def is_moderator(user) -> bool:
    """Moderators (and superusers) approve, send alerts and control dispatches."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or user.groups.filter(name=MODERATORS).exists())
    )


def may_delete_or_move(user, page) -> bool:
    """Whether ``user`` may delete or move ``page`` (beyond Wagtail's own checks).

    Moderators and superusers: as Wagtail's page permissions say. Everyone
    else (Editors, Translators) only their own drafts: the page and every page
    below it are not live and are owned by them. Wagtail alone would let an
    Editor delete anyone's unpublished guide, and, in the translation trees
    where Editors publish, delete or move live translated guides.
    """
    if not user.is_active:
        return False
    if user.is_superuser or user.groups.filter(name=MODERATORS).exists():
        return True
    affected = page.get_descendants(inclusive=True)
    return not affected.filter(Q(live=True) | Q(owner__isnull=True) | ~Q(owner=user)).exists()
