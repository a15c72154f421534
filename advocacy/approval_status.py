"""Where an alert stands in its approval, told to everyone involved.

The rule itself lives in ``advocacy.approval``; this module only reports it:

- the label "1 of 2 approvals — waiting for a second Moderator" for an alert
  whose version under review has some but not all of its approvals (shown in
  the page editor, the workflow history, the Alerts list and the dashboard);
- the alerts now waiting in the "Alert approval" workflow, for the dashboard;
- email to the approving group when an alert is submitted (Wagtail's own
  notification, which Wagtail sends only for its ``TaskState`` class) and,
  after the first of two approvals, to the approvers who may still give the
  second one.

Links in emails start with ``WAGTAILADMIN_BASE_URL``, which is ``SITE_URL``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override
from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier, send_mail
from wagtail.models import TaskState
from wagtail.users.models import UserProfile

from advocacy import approval
from advocacy.models import AlertApprovalTaskState, AlertPage

logger = logging.getLogger(__name__)


@dataclass
class ApprovalProgress:
    """An alert in the "Alert approval" workflow and its approvals so far."""

    alert: AlertPage
    task_state: AlertApprovalTaskState
    given: int
    needed: int

    @property
    def waiting_for_another(self) -> bool:
        """Some approvals are in, but not all the rule asks for."""
        return 0 < self.given < self.needed

    @property
    def label(self) -> str:
        return approval_label(self.given, self.needed)


def approval_label(given: int, needed: int) -> str:
    """ "1 of 2 approvals — waiting for a second Moderator", and the like."""
    if given >= needed:
        return _("Approved")
    if needed == approval.URGENT_APPROVALS and given == 1:
        return _("1 of 2 approvals — waiting for a second Moderator")
    if needed == approval.URGENT_APPROVALS:
        return _("0 of 2 approvals — waiting for two Moderators")
    return _("0 of 1 approval — waiting for a Moderator")


def progress_of(task_state: AlertApprovalTaskState) -> ApprovalProgress | None:
    """The progress of an alert approval task state that is in progress."""
    if task_state.status != TaskState.STATUS_IN_PROGRESS:
        return None
    alert = task_state.workflow_state.content_object
    if not isinstance(alert, AlertPage):
        alert = getattr(alert, "specific", None)
    if not isinstance(alert, AlertPage):
        return None
    given, needed = approval.progress(alert)
    return ApprovalProgress(alert, task_state, given, needed)


def alert_progress(page) -> ApprovalProgress | None:
    """The approval progress of ``page`` if it is an alert waiting in the
    "Alert approval" workflow, else None."""
    if not isinstance(page, AlertPage):
        return None
    state = page.current_workflow_task_state
    if state is None or not isinstance(state.specific, AlertApprovalTaskState):
        return None
    return progress_of(state.specific)


def alerts_waiting_for_approval(limit: int = 50) -> list[ApprovalProgress]:
    """Alerts now in the "Alert approval" workflow, oldest submission first."""
    states = (
        AlertApprovalTaskState.objects.filter(status=TaskState.STATUS_IN_PROGRESS)
        .select_related("workflow_state")
        .order_by("started_at")[:limit]
    )
    found = (progress_of(state) for state in states)
    return [item for item in found if item is not None]


# --- Email ---------------------------------------------------------------------


class AlertSubmissionEmailNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    """Wagtail's "submitted for approval" email, for the alert approval task.

    Wagtail connects its notifier to ``task_submitted`` for its own
    ``TaskState`` class only; the alert task has a task state class of its
    own, so without this nobody hears that an alert waits for them.
    """

    def __init__(self):
        super().__init__()
        self.valid_classes = (AlertApprovalTaskState,)

    def get_template_base_prefix(self, instance, **kwargs):
        # Wagtail's templates for group approval tasks ("task_state_submitted").
        return "task_state_"


def _second_approval_recipients(progress: ApprovalProgress, approver_ids: set[int]):
    """Active members of the approving groups with an address who may still
    give an approval: not the alert's authors, not those who approved."""
    page = progress.alert
    revision = page.get_latest_revision()
    excluded = approval.authors(page, revision, progress.task_state.workflow_state.requested_by_id)
    excluded |= approver_ids
    groups = progress.task_state.task.specific.groups.all()
    return (
        get_user_model()
        .objects.filter(groups__in=groups, is_active=True)
        .exclude(email="")
        .exclude(pk__in=excluded)
        .distinct()
        .order_by("pk")
    )


def notify_second_approval_needed(progress: ApprovalProgress, approver) -> int:
    """Email the approvers who may still approve that an alert has one of its
    two approvals. Returns the number of messages sent."""
    if not progress.waiting_for_another:
        return 0
    revision = progress.alert.get_latest_revision()
    approver_ids = set(revision.alert_approvals.values_list("approver_id", flat=True))
    base_url = settings.WAGTAILADMIN_BASE_URL
    context = {
        "alert": progress.alert,
        "approver": approver,
        "label": progress.label,
        "edit_url": base_url + reverse("wagtailadmin_pages:edit", args=[progress.alert.pk]),
        "preview_url": base_url
        + reverse(
            "wagtailadmin_pages:workflow_preview",
            args=[progress.alert.pk, progress.task_state.task_id],
        ),
    }
    sent = 0
    for person in _second_approval_recipients(progress, approver_ids):
        with override(UserProfile.get_for_user(person).get_preferred_language()):
            context["user"] = person
            subject = render_to_string(
                "advocacy/admin/email/second_approval_subject.txt", context
            ).strip()
            body = render_to_string("advocacy/admin/email/second_approval.txt", context).strip()
        try:
            send_mail(subject, body, [person.email])
            sent += 1
        except Exception:  # noqa: BLE001 - one unreachable mailbox must not stop the rest
            # No address in the log: the user's id is enough to find it.
            logger.exception("Second-approval email to user %s failed", person.pk)
    return sent
