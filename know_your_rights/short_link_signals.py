"""A guide gets its short code when it is published, so a reader's GET seldom writes.

Codes are still made on demand (``know_your_rights.short_links``) for what
this cannot foresee: guides published before short links existed, and a
language the guide has no translation in yet (the code of a flyer's second
language).
"""

from __future__ import annotations

from django.dispatch import receiver
from wagtail.signals import page_published

from know_your_rights.models import GuidePage
from know_your_rights.short_links import short_code


@receiver(page_published, sender=GuidePage, dispatch_uid="know-your-rights-short-link-on-publish")
def make_short_code_on_publish(sender, instance, **kwargs):
    """Make the published guide's code in its language (nothing when it exists)."""
    short_code(instance.translation_key, instance.locale_id)
