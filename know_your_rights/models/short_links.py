"""Short links: `/g/<code>/`, one random code per guide and language.

A code names a guide by its translation key and a locale, never by a page
row: a guide that moves or is renamed keeps its code, and a deleted guide
leaves the row behind, so its code answers 410 (Gone) rather than 404.
Codes carry nothing about who printed or scanned them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

__all__ = ["ShortLink"]


class ShortLink(models.Model):
    """The short code of one guide (``translation_key``) in one language (``locale``)."""

    code = models.CharField(max_length=16, unique=True)
    translation_key = models.UUIDField()
    # A language removed from the site takes its codes with it; a deleted
    # guide does not (there is no key to its page rows).
    locale = models.ForeignKey(Locale, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("short link")
        constraints = [
            models.UniqueConstraint(
                fields=["translation_key", "locale"], name="short_link_one_per_guide_language"
            )
        ]

    def __str__(self) -> str:
        return f"/g/{self.code}/"
