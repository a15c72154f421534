"""Translation approvals: who approved which translated page or snippet."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

__all__ = ["TranslationApproval"]


class TranslationApproval(models.Model):
    """A person approved one translated page or snippet.

    Kept apart from the translated object on purpose: wagtail-localize copies
    synchronised fields from the source on every sync, and must never be able
    to approve (or un-approve) a translation. See know_your_rights.review.

    The approval covers the content as the person saw it: `approved_content_hash`
    is a fingerprint of the translated fields when approved, and
    `current_content_hash` follows every later save of the object (any path:
    translation editor, admin edit after "stop syncing", shell). The two differ
    exactly when the content changed since the approval.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.CharField(max_length=64)
    translated_object = GenericForeignKey("content_type", "object_id")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_at = models.DateTimeField(default=timezone.now)
    approved_content_hash = models.CharField(max_length=64, blank=True, editable=False)
    current_content_hash = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        verbose_name = _("translation approval")
        unique_together = [("content_type", "object_id")]
        permissions = [("approve_translation", "Can approve a translation")]

    def __str__(self):
        return f"{self.content_type} {self.object_id} approved {self.approved_at:%Y-%m-%d}"
