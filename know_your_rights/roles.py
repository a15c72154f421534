"""Editorial roles and the "Legal review" workflow.

The groups and the workflow are created by migration 0002; this module names
them and assigns the workflow to the English guide index, wherever that page
is created (by the seed command or by an editor in the admin). It also holds
the one rule Wagtail's page permissions cannot express: who may delete or
move a page (see ``may_delete_or_move``).
"""

from __future__ import annotations

from django.db.models import Q
from wagtail.models import Locale, Workflow, WorkflowPage

EDITORS = "Editors"
MODERATORS = "Moderators"
TRANSLATORS = "Translators"
LEGAL_REVIEW = "Legal review"


def assign_legal_review(index_page) -> bool:
    """Make English guides under `index_page` go through the Legal review workflow.

    Only the source-language index gets it (translations are marked "needs
    review" instead). Returns True when the assignment was created now; an
    existing assignment, or a missing workflow, is left alone.
    """
    if index_page.locale_id != Locale.get_default().pk:
        return False
    workflow = Workflow.objects.filter(name=LEGAL_REVIEW, active=True).first()
    if workflow is None:
        return False
    _assignment, created = WorkflowPage.objects.get_or_create(
        page_id=index_page.pk, defaults={"workflow": workflow}
    )
    return created


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
