"""Signal receivers of the advocacy app. Thin: the work is in ``advocacy.approval_status``."""

from __future__ import annotations

from anymail.signals import tracking
from django.db import transaction
from django.db.models.signals import post_save
from wagtail.signals import task_submitted

from advocacy import approval_status, email_events
from advocacy.models import AlertApproval, AlertApprovalTaskState

alert_submission_notifier = approval_status.AlertSubmissionEmailNotifier()


def approval_recorded(sender, instance: AlertApproval, created: bool, **kwargs) -> None:
    """After the first of two approvals, tell the other approvers (once the
    approval is committed: a refused or rolled-back approval sends nothing)."""
    if not created:
        return
    page = instance.revision.content_object
    progress = approval_status.alert_progress(getattr(page, "specific", page))
    if progress is not None and progress.waiting_for_another:
        approver = instance.approver
        transaction.on_commit(
            lambda: approval_status.notify_second_approval_needed(progress, approver)
        )


def email_tracking_received(sender, event, esp_name: str, **kwargs) -> None:
    """An email service reported on a message (anymail's ``tracking`` signal)."""
    email_events.handle_tracking_event(event, esp_name)


def register_signal_handlers() -> None:
    """Connect the receivers (called from ``AdvocacyConfig.ready``)."""
    task_submitted.connect(
        alert_submission_notifier,
        sender=AlertApprovalTaskState,
        dispatch_uid="advocacy_alert_submitted_email",
    )
    post_save.connect(
        approval_recorded, sender=AlertApproval, dispatch_uid="advocacy_alert_approval_recorded"
    )
    tracking.connect(email_tracking_received, dispatch_uid="advocacy_email_tracking")
