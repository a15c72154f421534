"""A dispatch's counts per channel (email, text message), as the admin's
progress view, its JSON and ``manage.py send_alert`` show them.

The dispatch keeps its totals and their text-message share (``sms_*``);
email's share is the rest. "Delivered" is what delivery reports confirmed
(a subset of sent).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from advocacy.models import Delivery, Dispatch

__all__ = ["CHANNEL_LABELS", "channel_counts", "channel_summary"]

CHANNEL_LABELS = {Delivery.Channel.EMAIL: _("Email"), Delivery.Channel.SMS: _("Text messages")}


def channel_counts(dispatch: Dispatch) -> dict[str, dict[str, int]]:
    """{channel: {total, sent, failed, skipped, pending, delivered}} for ``dispatch``."""
    sms = {
        "total": dispatch.sms_total,
        "sent": dispatch.sms_sent_count,
        "failed": dispatch.sms_failed_count,
        "skipped": dispatch.sms_skipped_count,
        "delivered": dispatch.sms_delivered_count,
    }
    email = {
        "total": dispatch.total - sms["total"],
        "sent": dispatch.sent_count - sms["sent"],
        "failed": dispatch.failed_count - sms["failed"],
        "skipped": dispatch.skipped_count - sms["skipped"],
        "delivered": dispatch.email_delivered_count,
    }
    counts = {Delivery.Channel.EMAIL.value: email, Delivery.Channel.SMS.value: sms}
    for row in counts.values():
        row["pending"] = max(row["total"] - row["sent"] - row["failed"] - row["skipped"], 0)
    return counts


def channel_summary(dispatch: Dispatch) -> str:
    """One line per channel: "email: 3 sent, 0 failed, 1 pending, 2 delivered" (for commands)."""
    return "\n".join(
        f"{channel}: {row['sent']} sent, {row['failed']} failed, {row['pending']} pending, "
        f"{row['delivered']} delivered, {row['skipped']} skipped (of {row['total']})"
        for channel, row in channel_counts(dispatch).items()
    )
