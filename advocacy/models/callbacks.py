"""What the SMS gateways and email services called back with, kept only as
far as idempotency and accounting need: no text, no number, no address."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["ProcessedCallback", "RefusedCallback"]


class ProcessedCallback(models.Model):
    """A callback already acted on, by the provider's own key (an incoming
    message's id, or a delivery report's message id and status), so the same
    callback delivered twice changes nothing the second time. Purged with
    deliveries after DELIVERY_RETENTION_DAYS."""

    provider = models.CharField(max_length=20)
    key = models.CharField(max_length=200)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("processed callback")
        verbose_name_plural = _("processed callbacks")
        constraints = [
            models.UniqueConstraint(fields=["provider", "key"], name="callback_processed_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider} callback {self.pk}"


class RefusedCallback(models.Model):
    """How many callbacks were refused per day, provider and reason (forged
    signature, wrong secret, replayed, unknown message): counted, never acted on."""

    day = models.DateField(default=timezone.localdate)
    provider = models.CharField(max_length=20)
    reason = models.CharField(max_length=40)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("refused callback count")
        verbose_name_plural = _("refused callback counts")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "provider", "reason"], name="refused_callback_one_row_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.provider} {self.reason}: {self.count}"
