"""Approving alerts: the "Alert approval" workflow task and its state, and
the approvals on record, who approved exactly which version.

One row per (revision, approver), written only by the "Alert approval"
workflow task once it has checked the approver may approve (see
``advocacy.approval``). An approval belongs to one revision: any edit makes a
new revision, which has none, so an approval never carries over to text the
approver did not see.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import AbstractGroupApprovalTask, TaskState

from advocacy import approval

__all__ = ["AlertApproval", "AlertApprovalTask", "AlertApprovalTaskState"]


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


class AlertApprovalTaskState(TaskState):
    """A task state that remembers the first of two approvals of an urgent alert."""

    first_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("alert approval task state")

    def get_status_display(self):
        """The status the workflow history and status panels show: while an
        urgent alert has one of its two approvals, "1 of 2 approvals — waiting
        for a second Moderator" rather than "In progress"."""
        if self.status == self.STATUS_IN_PROGRESS:
            alert = self.workflow_state.content_object
            alert = getattr(alert, "specific", alert)
            # Named by label, not imported: the alert page module imports
            # this one (a new revision clears ``first_approver``).
            if alert is not None and alert._meta.label == "advocacy.AlertPage":
                given, needed = approval.progress(alert)
                if 0 < given < needed:
                    return _("1 of 2 approvals — waiting for a second Moderator")
        return super().get_status_display()


class AlertApprovalTask(AbstractGroupApprovalTask):
    """Moderator approval for alerts: one Moderator who is not its author for
    a standard alert; two different people, neither of them its author, for
    an urgent one (``advocacy.approval`` states the rule).

    Wagtail's ``GroupApprovalTask`` lets the submitter (and any superuser)
    approve their own page; this task refuses the author, the submitter and
    whoever already approved the same version, superusers included. Each
    approval is recorded for the version that would be published (the
    latest revision), so an edit between two approvals needs two fresh ones.
    The first of two approvals leaves the task in progress.
    """

    task_state_class = AlertApprovalTaskState

    class Meta:
        verbose_name = _("alert approval task")
        verbose_name_plural = _("alert approval tasks")

    @classmethod
    def get_description(cls):
        return _(
            "Members of the chosen groups approve alerts: one who did not write it for a "
            "standard alert, two different people who did not write it for an urgent one"
        )

    @staticmethod
    def _page_and_revision(task_state):
        page = task_state.workflow_state.content_object.specific
        return page, page.get_latest_revision()

    def may_approve(self, user) -> bool:
        """Whether ``user`` belongs to the approving groups (or is a superuser)."""
        return bool(user.is_superuser or self._user_in_groups(user))

    def is_urgent_review(self, task_state) -> bool:
        """Whether the version under review needs two approvals."""
        page, revision = self._page_and_revision(task_state)
        return approval.approvals_needed(page, revision) == approval.URGENT_APPROVALS

    def refusal(self, task_state, user) -> str | None:
        """Why ``user`` may not approve ``task_state`` now, or None if they may."""
        page, revision = self._page_and_revision(task_state)
        return approval.approval_refusal(
            page,
            revision,
            user,
            may_approve=self.may_approve(user),
            submitter_id=task_state.workflow_state.requested_by_id,
        )

    def _current_state(self, obj):
        state = obj.current_workflow_task_state
        return state.specific if state is not None else None

    def get_actions(self, obj, user):
        actions = super().get_actions(obj, user)
        state = self._current_state(obj)
        if state is None or self.refusal(state, user) is None:
            return actions
        return [action for action in actions if action[0] != "approve"]

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        """Approve (first or second of two for urgent alerts) or reject.

        Raises ``PermissionDenied`` when the user may not approve. The
        approval is recorded for the latest revision; once that revision has
        all the approvals it needs the task is approved and Wagtail publishes
        it, otherwise the task stays in progress with ``first_approver`` set.
        """
        task_state = type(task_state).objects.select_for_update().get(pk=task_state.pk).specific
        if action_name == "approve":
            page, revision = self._page_and_revision(task_state)
            complete = approval.record_approval(
                page,
                revision,
                user,
                may_approve=self.may_approve(user),
                submitter_id=task_state.workflow_state.requested_by_id,
            )
            if not complete:
                task_state.first_approver = user
                task_state.comment = kwargs.get("comment", "")
                task_state.save(update_fields=["first_approver", "comment"])
                return
        return super().on_action(task_state, user, action_name, **kwargs)
