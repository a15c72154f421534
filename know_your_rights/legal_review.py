"""The "Legal review" workflow that English guides go through.

The workflow (and the roles, named in ``core.roles``) is created by migration
0002; this module assigns it to the English guide index, wherever that page
is created (by the seed command or by an editor in the admin).
"""

from __future__ import annotations

from wagtail.models import Locale, Workflow, WorkflowPage

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
