"""The send ledger: dispatches and their per-recipient deliveries.

The database is the ledger of every send: a ``Dispatch`` (one per send of an
alert, or one per weekly digest) owns one ``Delivery`` row per recipient;
Celery only carries the work of turning queued rows into sent ones (see
the ``advocacy.dispatching`` package).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["Delivery", "Dispatch"]


class Dispatch(models.Model):
    """One send: of an alert (``send_number`` 1, then 2, 3… for updates) or of
    a weekly digest. Holds the counts, which outlive the delivery rows."""

    class Kind(models.TextChoices):
        ALERT = "alert", _("alert")
        DIGEST = "digest", _("digest")

    class Status(models.TextChoices):
        PREPARING = "preparing", _("preparing")
        RUNNING = "running", _("sending")
        PAUSED = "paused", _("paused")
        CANCELLED = "cancelled", _("cancelled")
        FINISHED = "finished", _("finished")

    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.ALERT)
    alert = models.ForeignKey(
        "advocacy.AlertPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dispatches",
    )
    alert_title = models.CharField(max_length=255, blank=True)
    send_number = models.PositiveIntegerField(default=1)
    urgent = models.BooleanField(default=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PREPARING)
    prepared = models.BooleanField(default=False, help_text="All delivery rows have been written.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Digests: the window of content they cover.
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    # Counts, kept when the per-recipient rows are purged.
    total = models.PositiveIntegerField(default=0)
    sent_count = models.PositiveIntegerField(default=0)
    failed_count = models.PositiveIntegerField(default=0)
    skipped_count = models.PositiveIntegerField(default=0)
    # The text-message share of the counts above (email's is the rest), and
    # what the gateways and email services reported as delivered.
    sms_total = models.PositiveIntegerField(default=0)
    sms_sent_count = models.PositiveIntegerField(default=0)
    sms_failed_count = models.PositiveIntegerField(default=0)
    sms_skipped_count = models.PositiveIntegerField(default=0)
    sms_delivered_count = models.PositiveIntegerField(default=0)
    email_delivered_count = models.PositiveIntegerField(default=0)
    deliveries_purged_at = models.DateTimeField(null=True, blank=True)
    # A follow-up of this alert after its rows were purged can no longer
    # reach "exactly the same people": the audience rule is used instead.
    audience_note = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "send_number"],
                condition=models.Q(alert__isnull=False),
                name="dispatch_one_per_alert_send",
            )
        ]
        indexes = [models.Index(fields=["status"], name="dispatch_status")]

    def __str__(self) -> str:
        if self.kind == self.Kind.DIGEST:
            return f"Digest {self.pk}"
        return f"{self.alert_title} (send {self.send_number})"

    @property
    def pending_count(self) -> int:
        return max(self.total - self.sent_count - self.failed_count - self.skipped_count, 0)

    @property
    def queue(self) -> str:
        return "urgent" if self.urgent else "default"

    @property
    def is_active(self) -> bool:
        return self.status in (self.Status.PREPARING, self.Status.RUNNING)


class Delivery(models.Model):
    """One recipient of one dispatch on one channel (a subscriber who chose
    email and text messages has two). Purged after DELIVERY_RETENTION_DAYS.

    ``sent`` means the mail server or SMS gateway accepted it; a delivery
    report (SMS gateways, email services' webhooks) may then move it to
    ``delivered`` or ``failed`` with the reason. ``provider_message_id`` is
    the gateway's or service's id for it, which those reports name.
    """

    class Channel(models.TextChoices):
        EMAIL = "email", _("email")
        SMS = "sms", _("text message")

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENT = "sent", _("sent")
        DELIVERED = "delivered", _("delivered")
        FAILED = "failed", _("failed")
        SKIPPED = "skipped", _("skipped")

    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="deliveries")
    # SET_NULL: someone who leaves is deleted; their queued row is then skipped.
    subscriber = models.ForeignKey(
        "advocacy.Subscriber", null=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    channel = models.CharField(max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    claim_token = models.UUIDField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True, default="")
    language = models.CharField(max_length=10, blank=True)
    last_error = models.CharField(max_length=255, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "subscriber", "channel"],
                name="delivery_one_per_subscriber_channel",
            )
        ]
        indexes = [
            models.Index(fields=["dispatch", "status", "id"], name="delivery_claim"),
            # Delivery reports find their row by the provider's id.
            models.Index(
                fields=["provider_message_id"],
                name="delivery_provider_id",
                condition=~models.Q(provider_message_id=""),
            ),
        ]

    def __str__(self) -> str:
        return f"Delivery {self.pk} ({self.status})"

    @staticmethod
    def new_claim_token() -> uuid.UUID:
        return uuid.uuid4()
