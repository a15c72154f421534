"""A new English guide index gets the Legal review workflow (see roles.py)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from know_your_rights.models import GuideIndexPage
from know_your_rights.roles import assign_legal_review


@receiver(post_save, sender=GuideIndexPage)
def guide_index_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        assign_legal_review(instance)
