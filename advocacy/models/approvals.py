"""Approvals of alert revisions: who approved exactly which version.

One row per (revision, approver), written only by the "Alert approval"
workflow task once it has checked the approver may approve (see
``advocacy.approval``). An approval belongs to one revision: any edit makes a
new revision, which has none, so an approval never carries over to text the
approver did not see.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["AlertApproval"]


class AlertApproval(models.Model):
    """One person's approval of one revision of an alert page."""

    revision = models.ForeignKey(
        "wagtailcore.Revision", on_delete=models.CASCADE, related_name="alert_approvals"
    )
    # SET_NULL: removing an approver's account later does not unpublish what
    # they approved; who they were was checked when they approved.
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("alert approval")
        verbose_name_plural = _("alert approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["revision", "approver"], name="alert_approval_once_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"Approval of revision {self.revision_id} by user {self.approver_id}"
